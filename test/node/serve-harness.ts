// Test harness for serve / connect: runs the commands in-process with a CliIO that records lines, a temp dir per
// test, and an openssl-made CA with server and client certificates. Everything is bounded in time.
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as serve } from '../../src/node/cli/serve.js';
import { command as connect } from '../../src/node/cli/connect.js';
import type { CliIO } from '../../src/node/cli/io.js';
import { encodeBase64url } from '../../src/encoding/base64.js';

/** A CliIO recording stdout and stderr lines; `waitFor` resolves on the first line matching. */
export function recordingIO(): CliIO & { lines: string[]; errLines: string[]; abort(): void; waitFor(re: RegExp, timeoutMs?: number, from?: number): Promise<string> } {
  const controller = new AbortController();
  const lines: string[] = [];
  const errLines: string[] = [];
  const waiters = new Set<() => void>();
  const push = (to: string[]) => (line: string): void => {
    for (const l of line.split('\n')) to.push(l);
    for (const w of [...waiters]) w();
  };
  return {
    lines, errLines,
    out: push(lines),
    err: push(errLines),
    stdin: async () => '',
    signal: controller.signal,
    env: {},
    abort: () => controller.abort(),
    waitFor(re, timeoutMs = 10_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = lines.slice(from).find((l) => re.test(l));
          if (found === undefined) return false;
          waiters.delete(onLine);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const onLine = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(onLine);
          reject(new Error(`no line matching ${re} within ${timeoutMs} ms; stdout:\n${lines.join('\n')}\nstderr:\n${errLines.join('\n')}`));
        }, timeoutMs);
        waiters.add(onLine);
        check();
      });
    },
  };
}

export interface ServeRun {
  readonly port: number;
  readonly io: ReturnType<typeof recordingIO>;
  readonly exit: Promise<number>;
  /** SIGINT: stops serve and returns its exit code. */
  stop(): Promise<number>;
}

/** Starts `serve` with `argv` (add `--listen 127.0.0.1:0`) and waits for its first line. */
export async function startServe(argv: string[]): Promise<ServeRun> {
  const io = recordingIO();
  const exit = serve.run(argv, io);
  const first = await Promise.race([
    io.waitFor(/^(listening on |\{"event":"listening")/, 15_000),
    exit.then((code) => {
      throw new Error(`serve exited with ${code}: ${io.errLines.join('\n')}`);
    }),
  ]);
  const port = Number(/:(\d+)/.exec(first)![1]);
  return {
    port, io, exit,
    async stop() {
      io.abort();
      return exit;
    },
  };
}

/** Runs `connect` to completion (bounded), returning its exit code and lines. */
export async function runConnect(argv: string[], timeoutMs = 20_000): Promise<{ code: number; out: string[]; err: string[] }> {
  const io = recordingIO();
  const timer = setTimeout(() => io.abort(), timeoutMs);
  try {
    const code = await connect.run(argv, io);
    return { code, out: io.lines, err: io.errLines };
  } finally {
    clearTimeout(timer);
  }
}

/** A temp dir with write/read helpers; `cleanup` removes it. */
export function tempDir(prefix = 'oauthbearer-serve-'): { dir: string; write(name: string, text: string): string; read(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A test CA and certificates made with openssl in `dir`: `ca.crt`, `server.{key,crt}` (SAN IP:127.0.0.1), and each
 * named client `<name>.{key,crt}`. Returns each client's RFC 8705 thumbprint.
 */
export function makePki(dir: string, clients: readonly string[] = ['client']): Record<string, string> {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  };
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt',
    '-days', '1', '-subj', '/CN=oauthbearer serve test CA');
  const thumbprints: Record<string, string> = {};
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ...clients.map((c) => [c, `/CN=${c}`, 'extendedKeyUsage=clientAuth'] as const),
  ] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
    const pem = readFileSync(join(dir, `${name}.crt`), 'utf8');
    thumbprints[name] = encodeBase64url(createHash('sha256').update(new X509Certificate(pem).raw).digest());
  }
  return thumbprints;
}

/** Kafka client properties for an unsecured login as `principal`, with extra lines. */
export function unsecuredClientProps(principal: string, extra = '', jaasExtra = ''): string {
  return [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=OAUTHBEARER',
    `sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="${principal}"${jaasExtra};`,
    extra,
  ].join('\n');
}
