// Starts `oauthbearer serve` (the built CLI, dist/) for the interop tests: broker properties written to a file,
// port 0, the first stdout line `listening on HOST:PORT`; every later line kept so a test can wait for one. Also runs
// client processes (kcat, Debian's python3) bounded in time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
/**
 * Runs the built `serve` command module with the CLI's I/O contract (stdout/stderr lines, SIGTERM aborts), so the
 * tests do not depend on the dispatcher listing it.
 */
const SERVE_RUNNER = `
import { command } from ${JSON.stringify(new URL('file://' + join(root, 'dist', 'node', 'cli', 'serve.js')).href)};
const controller = new AbortController();
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => controller.abort());
const io = { out: (l) => process.stdout.write(l + '\\n'), err: (l) => process.stderr.write(l + '\\n'),
  stdin: async () => '', signal: controller.signal, env: process.env };
process.exitCode = await command.run(process.argv.slice(1), io);
`;

export interface RunningServe {
  readonly host: string;
  readonly port: number;
  /** `HOST:PORT`. */
  readonly address: string;
  /** Every stdout and stderr line so far, in order. */
  readonly lines: string[];
  /** Resolves with the first line (seen or to come) matching `pattern` after index `from`; rejects after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts serve with these broker properties (a listener on 127.0.0.1:0 is added unless `listeners` is given). */
export async function startServe(properties: Record<string, string>, extraArgs: readonly string[] = []): Promise<RunningServe> {
  const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-serve-'));
  const config = join(dir, 'broker.properties');
  const props = { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', ...properties };
  // Properties text with `\`, `:`, `=` and line breaks escaped (java.util.Properties.store).
  const escape = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/^ /, '\\ ');
  writeFileSync(config, Object.entries(props).map(([k, v]) => `${k.replace(/([=: \\])/g, '\\$1')}=${escape(v)}`).join('\n') + '\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVE_RUNNER, '--', '--config', config, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; from: number; resolve: (line: string) => void }[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (lines.length - 1 >= w.from && w.pattern.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, i));
        buffered = buffered.slice(i + 1);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<string> => {
    const seen = lines.slice(from).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.findIndex((w) => w.resolve === done), 1);
        reject(new Error(`serve printed no line matching ${pattern} within ${timeoutMs} ms; it printed:\n${lines.join('\n')}`));
      }, timeoutMs);
      const done = (line: string): void => {
        clearTimeout(timer);
        resolve(line);
      };
      waiters.push({ pattern, from, resolve: done });
    });
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  let listening: string;
  try {
    listening = await Promise.race([
      waitFor(/^listening on /, 15_000),
      exited.then((code) => { throw new Error(`serve exited with ${code} before listening:\n${lines.join('\n')}`); }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  const m = /^listening on (\S+):(\d+)/.exec(listening)!;
  return { host: m[1]!, port: Number(m[2]), address: `${m[1]}:${m[2]}`, lines, waitFor, stop };
}

/** Runs a process to its end or `timeoutMs`, whichever comes first, and returns its exit code and output. */
export function run(command: string, args: readonly string[], options: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}):
  Promise<{ code: number | null; stdout: string; stderr: string; child: ChildProcess }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, child });
    });
    child.stdin!.end(options.input ?? '');
  });
}

/** Kafka's unsecured-token broker setup: the default validator handler with these JAAS options. */
export function unsecuredBroker(jaasOptions = '', extra: Record<string, string> = {}): Record<string, string> {
  return {
    'sasl.enabled.mechanisms': 'OAUTHBEARER',
    'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ${jaasOptions};`,
    ...extra,
  };
}

/** Kafka's KIP-768 broker setup: tokens checked with the JWKS at `jwksUrl` (allow-listed), for `audience`. */
export function jwtBroker(jwksUrl: string, ca: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'sasl.enabled.mechanisms': 'OAUTHBEARER',
    'sasl.server.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    'sasl.oauthbearer.jwks.endpoint.url': jwksUrl,
    'sasl.oauthbearer.expected.audience': 'urn:kafka:cluster',
    'org.apache.kafka.sasl.oauthbearer.allowed.urls': jwksUrl,
    'sasl.jaas.config': `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ssl.truststore.type="PEM" ssl.truststore.location="${ca}";`,
    ...extra,
  };
}
