// The built CLI, run as a user runs it (node dist/node/cli.js); `npm test` builds first (pretest).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/node/cli.js');
const run = async (args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '' };
  }
};
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('oauthbearer vectors', () => {
  it('runs every spec-vectors file and ends with the counted line', async () => {
    const files = readdirSync(join(root, 'spec-vectors')).filter((f) => f.endsWith('.json')).map((f) => join('spec-vectors', f));
    expect(files.length).toBeGreaterThan(0);
    const { code, stdout } = await run(['vectors', ...files]);
    expect(lastLine(stdout)).toMatch(/^[1-9]\d* passed, 0 failed$/);
    expect(code).toBe(0);
  });
  it('reports failures, unknown ops included, and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vectors-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({
      format: 'oauthbearer-vectors/1',
      vectors: [
        { id: 'unknown', source: 'test', op: 'no.such.op', input: {}, expect: { ok: {} } },
        { id: 'wrong', source: 'test', op: 'challenge.decode', input: { message: '{"status":"invalid_token"}' }, expect: { ok: { status: 'insufficient_scope' } } },
        { id: 'right', source: 'test', op: 'challenge.decode', input: { message: '{"status":"invalid_token"}' }, expect: { ok: { status: 'invalid_token' } } },
      ],
    }));
    const { code, stdout } = await run(['vectors', file, join(dir, 'missing.json')]);
    expect(stdout).toContain('FAIL');
    expect(stdout).toContain('unknown op');
    expect(lastLine(stdout)).toBe('1 passed, 3 failed');
    expect(code).toBe(1);
  });
});

describe('oauthbearer demo', () => {
  it('shows a full exchange with escaped bytes, the GS2 header, kvpairs and the outcome', async () => {
    const { code, stdout } = await run(['demo']);
    expect(code).toBe(0);
    expect(stdout).toContain('\\x01auth=Bearer ');
    expect(stdout).toMatch(/GS2 header/);
    expect(stdout).toMatch(/success/i);
    expect(stdout).toMatch(/insufficient_scope/);
    expect(stdout).toMatch(/refresh/i);
  });
});

describe('oauthbearer decode', () => {
  it('explains a client initial response typed with \\x01 escapes', async () => {
    const { code, stdout } = await run(['decode', 'n,a=user@example.com,\\x01host=server.example.com\\x01port=143\\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\\x01\\x01']);
    expect(code).toBe(0);
    expect(stdout).toContain('user@example.com');
    expect(stdout).toContain('server.example.com');
  });
  it('explains an error challenge', async () => {
    const { code, stdout } = await run(['decode', '{"status":"invalid_token"}']);
    expect(code).toBe(0);
    expect(stdout).toContain('invalid_token');
  });
});
