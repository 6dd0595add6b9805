// The API reference builds from TSDoc without a single warning (typedoc.json treats warnings as errors): every
// export is documented and every type it names is exported too.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('typedoc builds the API reference with no warnings', async () => {
  const root = join(import.meta.dirname, '..');
  const typedoc = join(root, 'node_modules/typedoc/bin/typedoc');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [typedoc, '--emit', 'none'], { cwd: root, timeout: 120_000 })
    .catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? 'typedoc failed' }));
  expect(`${stdout}${stderr}`).not.toMatch(/\[(warning|error)\]/);
}, 120_000);
