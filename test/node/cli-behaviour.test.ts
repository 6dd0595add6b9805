// How every command behaves (issue 10 item 8): --help and help CMD, --version, results on stdout and errors on
// stderr, exit codes 0 / 1 / 2, a closed pipe ends quietly, no stack trace for a user error, one line for a bug;
// and decode (issue 12 item 4): stdin, pasted Bearer and base64 input, never a whole token or a signature.
// Spawned as a user runs it (node dist/node/cli.js); `npm test` builds first.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, COMMANDS } from '../../src/node/cli/main.js';
import type { CliIO, Command } from '../../src/node/cli/io.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/node/cli.js');

interface Run { code: number | null; stdout: string; stderr: string }
function run(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [cli, ...args], { cwd: root, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null;
      if (code === null) reject(err);
      else resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);
const SIGNATURE = 'S1gnatureS1gnatureS1gnatureS1gnatureS1gnatureS1gnature_-';
// Made when a test runs, so that "in 42 min" and "3 min ago" hold however long the suite took to get there.
const jwt = () => `${b64url({ alg: 'RS256', kid: 'k7' })}.${b64url({ sub: 'alice', iat: nowS() - 60, exp: nowS() + 42 * 60 + 10, scope: 'kafka' })}.${SIGNATURE}`;
const expired = () => `${b64url({ alg: 'RS256' })}.${b64url({ sub: 'bob', iat: nowS() - 3600, exp: nowS() - 3 * 60 })}.${SIGNATURE}`;
const message = (token: string) => `n,,\x01auth=Bearer ${token}\x01\x01`;

function expectNoTokenIn(text: string, token: string): void {
  expect(text).not.toContain(token);
  expect(text).not.toContain(token.split('.')[2]!);
  expect(text).not.toContain(token.split('.')[2]!.slice(-8));
}

describe('every command', () => {
  const names = COMMANDS.map((c) => c.name);

  it('lists the commands and the exit codes in --help, on stdout, exit 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(r.stdout).toMatch(/^ {2}0 {2}ok/m);
    expect(r.stdout).toMatch(/^ {2}1 {2}refused/m);
    expect(r.stdout).toMatch(/^ {2}2 {2}usage, configuration or input error/m);
  });

  it.each(COMMANDS.map((c) => c.name))('%s: --help and help CMD print the same usage with the exit codes', async (name) => {
    const [a, b] = await Promise.all([run([name, '--help']), run(['help', name])]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(new RegExp(`^Usage: oauthbearer ${name}`));
    expect(a.stdout).toContain('Exit codes (every command)');
    expect(a.stderr).toBe('');
  });

  it('--version prints package.json\'s version', async () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('usage errors go to stderr with exit 2 and no stack trace', async () => {
    const cases = [[], ['nope'], ['help', 'nope'], ['decode'], ['decode', '--bogus', 'x'], ['vectors'], ['token'], ['token', '--config'],
      ['token', '--config', '/nonexistent/client.properties'], ['probe'], ['demo', 'extra']];
    for (const args of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(/oauthbearer/);
      expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m);
    }
  });

  it('a closed pipe (| head -n 1) ends the run quietly, with exit 0 and nothing on stderr', async () => {
    const files = Array.from({ length: 40 }, () => 'spec-vectors/challenge.json');
    const script = 'node "$0" vectors "$@" 2>"$ERRFILE" | head -n 1; echo "status=${PIPESTATUS[0]}"; cat "$ERRFILE"';
    const errFile = join(root, 'node_modules', '.cli-epipe-stderr');
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile('bash', ['-c', script, cli, ...files], { cwd: root, timeout: 30_000, env: { ...process.env, ERRFILE: errFile } },
        (err, out) => (err === null ? resolve({ stdout: out }) : reject(err)));
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/challenge\.json: \d+ passed, 0 failed/);
    expect(lines[1]).toBe('status=0');
    expect(lines.slice(2).join('\n')).toBe(''); // stderr of the cli: no EPIPE trace
  });

  it('a reader that goes away mid-output (EPIPE on stdout) gets no trace either', async () => {
    const files = Array.from({ length: 40 }, () => 'spec-vectors/challenge.json');
    const child = spawn(process.execPath, [cli, 'vectors', ...files], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('the dispatcher, in process', () => {
  const capture = (): CliIO & { outs: string[]; errs: string[] } => {
    const outs: string[] = [];
    const errs: string[] = [];
    return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l), stdin: async () => '', signal: new AbortController().signal, env: {} };
  };

  it('reports an unexpected error as a bug, in one line on stderr, exit 1', async () => {
    const broken: Command = { name: 'broken', summary: 's', usage: 'Usage: oauthbearer broken', run: () => { throw new TypeError('x is not a function\n    at somewhere'); } };
    const io = capture();
    expect(await runCli(['broken'], io, [broken])).toBe(1);
    expect(io.outs).toEqual([]);
    expect(io.errs).toHaveLength(1);
    expect(io.errs[0]).toMatch(/^oauthbearer broken: internal error \(a bug in oauthbearer .*\): TypeError: x is not a function$/);
  });

  it('gives an OAuthBearerError its causes, one line each, down to the system error', async () => {
    const { OAuthBearerError } = await import('../../src/errors.js');
    const system = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), { code: 'ECONNREFUSED', syscall: 'connect', address: '127.0.0.1', port: 8443 });
    const failing: Command = {
      name: 'fails', summary: 's', usage: 'Usage: oauthbearer fails',
      run: () => { throw new OAuthBearerError('ERR_HTTP', 'The token endpoint request failed', { cause: new TypeError('fetch failed', { cause: system }) }); },
    };
    const io = capture();
    expect(await runCli(['fails'], io, [failing])).toBe(1);
    expect(io.errs).toEqual(['oauthbearer fails: ERR_HTTP: The token endpoint request failed', '  because: connect ECONNREFUSED 127.0.0.1:8443']);
  });
});

describe('oauthbearer decode', () => {
  it('shows header, claims and the expiry relative to now of a pasted "Bearer <jwt>", never the token or its signature', async () => {
    const JWT = jwt();
    const r = await run(['decode', `Bearer ${JWT}`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('{"alg":"RS256","kid":"k7"}');
    expect(r.stdout).toContain('"sub":"alice"');
    expect(r.stdout).toMatch(/expires in 42 min/);
    expect(r.stdout).toContain(`signature ${SIGNATURE.length} characters`);
    expectNoTokenIn(r.stdout + r.stderr, JWT);
  });

  it('says how long ago an expired token expired', async () => {
    const EXPIRED = expired();
    const r = await run(['decode', EXPIRED]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/expired 3 min ago/);
    expectNoTokenIn(r.stdout, EXPIRED);
  });

  it('reads a client message from stdin with -, with real \\x01 bytes, and never prints the whole token (bytes line included)', async () => {
    const JWT = jwt();
    const r = await run(['decode', '-'], message(JWT));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('A client initial response');
    expect(r.stdout).toMatch(/bytes +n,,\\x01auth=Bearer <JWS: header \d+ \+ claims \d+ \+ signature \d+ characters>\\x01\\x01/);
    expect(r.stdout).toContain('"sub":"alice"');
    expectNoTokenIn(r.stdout, JWT);
  });

  it('takes base64 SASL bytes, as a capture or a broker log shows them', async () => {
    const JWT = jwt();
    const r = await run(['decode', Buffer.from(message(JWT)).toString('base64')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Base64 of \d+ SASL bytes/);
    expect(r.stdout).toContain('Kafka broker:     accepted');
    expect(r.stdout).toMatch(/expires in 42 min/);
    expectNoTokenIn(r.stdout, JWT);
  });

  it('keeps the token out of a message the broker refuses, with exit 1', async () => {
    const JWT = jwt();
    const bad = `n,,\x01auth=Bearer ${JWT} \x01\x01`; // a space after the token: refused by Kafka
    const r = await run(['decode', '-'], bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Kafka broker: +refused: ERR_/);
    expectNoTokenIn(r.stdout, JWT);
  });

  it('refuses what it does not recognise with exit 2, on stderr', async () => {
    const r = await run(['decode', 'hello world']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^oauthbearer decode: not a client message/);
  });
});
