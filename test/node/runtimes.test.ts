// `oauthbearer vectors --runtime NAME FILE...`: through runVectorsIn and through the built CLI. Every runtime the
// matrix needs is installed here (.ci/run); a missing one is simulated with CHROMIUM_PATH pointing nowhere.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RUNTIMES, runVectorsIn } from '../../src/node/runtimes.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/node/cli.js');
const lines = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
};

function badFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'runtime-vectors-')), 'bad.json');
  writeFileSync(file, JSON.stringify({
    format: 'oauthbearer-vectors/1',
    vectors: [
      { id: 'unknown', source: 'test', op: 'no.such.op', input: {}, expect: { ok: {} } },
      { id: 'wrong', source: 'test', op: 'challenge.decode', input: { message: '{"status":"invalid_token"}' }, expect: { ok: { status: 'insufficient_scope' } } },
      { id: 'right', source: 'test', op: 'challenge.decode', input: { message: '{"status":"invalid_token"}' }, expect: { ok: { status: 'invalid_token' } } },
    ],
  }));
  return file;
}

const run = async (args: string[], env: Record<string, string> = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd: root, timeout: 120_000, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('runVectorsIn', () => {
  // Chromium runs the same host code in the matrix (test/runtimes/); here the runtimes that start fast.
  it.each(RUNTIMES.filter((r) => r !== 'chromium'))('runs spec-vectors/gs2.json in %s and ends "RUNTIME: N passed, 0 failed"', async (runtime) => {
    const { out, err, io } = lines();
    const code = await runVectorsIn(runtime, [join(root, 'spec-vectors/gs2.json')], io);
    expect(err).toEqual([]);
    expect(out.at(-1)).toMatch(new RegExp(`^${runtime}: [1-9]\\d* passed, 0 failed$`));
    expect(code).toBe(0);
  }, 120_000);
  it('reports each failure, a missing file too, and returns 1', async () => {
    const { out, io } = lines();
    const code = await runVectorsIn('bun', [badFile(), join(tmpdir(), 'no-such-vectors.json')], io);
    expect(out.filter((l) => l.includes('FAIL'))).toHaveLength(2);
    expect(out.join('\n')).toContain('unknown op "no.such.op"');
    expect(out.at(-1)).toBe('bun: 1 passed, 3 failed');
    expect(code).toBe(1);
  }, 120_000);
  it('says clearly that a runtime is not installed, and returns 2', async () => {
    vi.stubEnv('CHROMIUM_PATH', join(tmpdir(), 'no-such-chromium'));
    const { out, err, io } = lines();
    const code = await runVectorsIn('chromium', [join(root, 'spec-vectors/gs2.json')], io);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/chromium runtime is not installed here: install a Chromium/);
  });
  it('refuses an unknown runtime and no files with 2', async () => {
    const a = lines();
    expect(await runVectorsIn('rhino', ['x.json'], a.io)).toBe(2);
    expect(a.err.join('\n')).toContain('use one of node, deno, bun, chromium, workerd');
    const b = lines();
    expect(await runVectorsIn('deno', [], b.io)).toBe(2);
  });
});

describe('oauthbearer vectors --runtime', () => {
  it('runs every spec-vectors file in workerd from the CLI', async () => {
    const files = readdirSync(join(root, 'spec-vectors')).filter((f) => f.endsWith('.json')).map((f) => join('spec-vectors', f));
    const { code, stdout } = await run(['vectors', '--runtime', 'workerd', ...files]);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/^workerd: [1-9]\d* passed, 0 failed$/);
    expect(code).toBe(0);
  }, 120_000);
  it('exits 1 on a failing vector (--runtime=deno)', async () => {
    const { code, stdout } = await run(['vectors', `--runtime=deno`, badFile()]);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('deno: 1 passed, 2 failed');
    expect(code).toBe(1);
  }, 120_000);
  it('exits 2 with the reason on stderr when the runtime is not installed', async () => {
    const { code, stdout, stderr } = await run(['vectors', '--runtime', 'chromium', 'spec-vectors/gs2.json'], { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/The chromium runtime is not installed here/);
  });
});
