// Every guide in docs-src/ runs as written against the built package (npm test builds first): each ```js block
// is one program, its `oauthbearer…` imports point at dist/ through package.json's exports, and each
// `console.log(…) // text` promises the line it prints.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const guides = join(root, 'docs-src');
const exportsMap = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default: string } | string> }).exports;

function resolveEntry(specifier: string): string {
  const target = exportsMap[specifier === 'oauthbearer' ? '.' : `.${specifier.slice('oauthbearer'.length)}`];
  if (target === undefined || typeof target === 'string') throw new Error(`guide imports ${specifier}, which package.json does not export`);
  return pathToFileURL(join(root, target.default)).href;
}

const files = readdirSync(guides).filter((f) => f.endsWith('.md')).sort();

it('there is a guide for each capability', () => {
  expect(files).toEqual(['checking-tokens.md', 'framing.md', 'getting-tokens.md', 'kafka-semantics.md', 'kafka-wire.md', 'node-adapters.md', 'providers.md', 'vectors.md']);
});

describe.each(files)('%s', (file) => {
  const text = readFileSync(join(guides, file), 'utf8');
  const blocks = [...text.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  it('has a runnable example', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });
  it.each(blocks.map((b, i) => [i, b] as const))('example %i prints what its comments say', async (_, block) => {
    const source = block.replace(/from '(oauthbearer(?:\/[a-z]+)?)'/g, (_m, spec: string) => `from '${resolveEntry(spec)}'`);
    const dir = mkdtempSync(join(tmpdir(), 'guide-'));
    const program = join(dir, 'example.mjs');
    writeFileSync(program, source);
    const { stdout } = await promisify(execFile)(process.execPath, [program], { cwd: root, timeout: 30_000 });
    const promised = [...block.matchAll(/console\.log\(.*\/\/ (.*)$/gm)].map((m) => m[1]!.trim());
    expect(promised.length).toBeGreaterThan(0);
    expect(stdout.trim().split('\n').map((l) => l.trim())).toEqual(promised);
  }, 40_000);
});
