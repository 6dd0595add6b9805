// The package as npm would publish it: `npm pack` (scripts off: `npm test` built dist/ already) checked by
// publint --strict and @arethetypeswrong/cli (profile esm-only: the package is ESM-only, and Node ≥ 20.19 require()s
// it), its contents (LICENSE, source maps that carry their sources, no install-time script), require() from a
// CommonJS consumer, and the JSR publish of the core (jsr.json) as a dry run.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable } from '../src/node/runtimes.js';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const exec = async (file: string, args: string[], cwd = root): Promise<{ code: number; output: string }> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}${e.message}` };
  }
};

let dir: string;
let tarball: string;
let files: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oauthbearer-pack-'));
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]);
  expect(packed.code, packed.output).toBe(0);
  const info = JSON.parse(packed.output.slice(packed.output.indexOf('['), packed.output.lastIndexOf(']') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(dir, info[0]!.filename);
  files = info[0]!.files.map((f) => f.path);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the published package', () => {
  it('passes publint --strict', async () => {
    const { code, output } = await exec(bin('publint'), ['run', tarball, '--strict']);
    expect(output).toContain('All good');
    expect(code).toBe(0);
  }, 180_000);
  it('passes @arethetypeswrong/cli for ESM consumers (esm-only profile)', async () => {
    const { code, output } = await exec(bin('attw'), [tarball, '--profile', 'esm-only']);
    // Each entry package.json exports resolves, with types, for ESM under node16 and for bundlers.
    const exported = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports);
    const entries = exported.filter((e) => e !== './package.json').length;
    expect(output.match(/node16 \(from ESM\): 🟢 \(ESM\)/gu)).toHaveLength(entries);
    expect(output.match(/bundler: 🟢 \n/gu)).toHaveLength(entries);
    expect(code, output).toBe(0);
  }, 180_000);
  it('ships LICENSE, the README, every entry, and no tests or TypeScript sources', () => {
    for (const f of [
      'LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/jose/index.js', 'dist/jose/index.d.ts', 'dist/oauth/index.js',
      'dist/oauth/index.d.ts', 'dist/vectors/index.js', 'dist/node/index.js', 'dist/node/cli.js',
    ]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });
  it('has no install-time lifecycle script, and the fields a user trusts', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & { scripts: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.scripts.prepack).toMatch(/build/);
    expect(pkg.sideEffects).toBe(false);
    for (const field of ['license', 'repository', 'homepage', 'bugs', 'keywords']) expect(pkg[field], field).toBeDefined();
  });
  it('ships source maps that carry their sources', () => {
    const maps = files.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const parsed = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      expect(parsed.sourcesContent?.length, map).toBe(parsed.sources.length);
      expect(parsed.sourcesContent!.every((s) => typeof s === 'string' && s.length > 0), map).toBe(true);
    }
  });
  it('is require()d by a CommonJS consumer (Node ≥ 20.19), every entry', async () => {
    const consumer = join(dir, 'cjs');
    mkdirSync(join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(root, join(consumer, 'node_modules', 'oauthbearer'), 'dir');
    writeFileSync(join(consumer, 'index.cjs'), `const core = require('oauthbearer'); const vectors = require('oauthbearer/vectors'); const node = require('oauthbearer/node');
const jose = require('oauthbearer/jose'); const oauth = require('oauthbearer/oauth');
console.log([typeof core.createServer, typeof jose.createJwtValidator, typeof oauth.createTokenRetriever, typeof vectors.runVectorFile, typeof node.createNodeCryptoPort].join(' '));`);
    const { code, output } = await exec(process.execPath, [join(consumer, 'index.cjs')], consumer);
    expect(output.trim().split('\n').at(-1)).toBe('function function function function function');
    expect(code).toBe(0);
  }, 60_000);
  it('publishes the core to JSR (jsr.json, dry run)', async () => {
    const jsr = JSON.parse(readFileSync(join(root, 'jsr.json'), 'utf8')) as { version: string; exports: Record<string, string> };
    expect(jsr.version).toBe((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
    expect(Object.keys(jsr.exports)).toEqual(['.', './jose', './oauth', './vectors', './wire']);
    const deno = findExecutable('deno', root);
    expect(deno, 'deno (npm install)').not.toBeNull();
    const { code, output } = await exec(deno!, ['publish', '--dry-run', '--allow-dirty', '--sloppy-imports', '--no-lock']);
    expect(output).toContain('Dry run complete');
    expect(output).not.toMatch(/src\/node\//);
    expect(code).toBe(0);
  }, 180_000);
});

// Keeps `readdirSync` honest about the pack directory: one tarball, nothing else written there.
it('npm pack wrote one tarball', () => {
  expect(readdirSync(dir).filter((f) => f.endsWith('.tgz'))).toHaveLength(1);
});
