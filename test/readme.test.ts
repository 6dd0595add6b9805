// The README's example runs as written, against the built package (npm test builds first).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('the README example prints what its comment says', async () => {
  const root = join(import.meta.dirname, '..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const entry = pathToFileURL(join(root, 'dist/index.js')).href;
  const file = join(mkdtempSync(join(tmpdir(), 'readme-')), 'example.mjs');
  writeFileSync(file, block!.replace("from 'oauthbearer'", `from '${entry}'`));
  const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 30_000 });
  const promised = /console\.log\(.*\/\/ (.*)$/m.exec(block!)?.[1];
  expect(promised).toBe('success alice success');
  expect(stdout.trim()).toBe(promised);
});
