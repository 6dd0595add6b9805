// `oauthbearer probe` (issue 10 item 7) against `oauthbearer serve`, both spawned as a user runs them: every case
// of the battery (ours, the refused GS2 vectors, and the broker.session vectors replayed) matches Kafka's broker, and --fuzz 1000 finds no hang, no dropped connection, no accepted
// invalid message, and leaves serve up. Then the probe's own failures, so that a pass means something: a broker
// that never answers (hangs), one that accepts everything (differences and accepted invalid messages), and a
// closed port (ECONNREFUSED). The seeded mutator gives the same bytes for the same seed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameDecoder } from '../../src/kafka/wire/frame.js';
import { decodeRequest, encodeResponse, SUPPORTED_VERSIONS } from '../../src/kafka/wire/codec.js';
import { mutatedInitialResponse, seededRandom } from '../../src/node/cli/fuzz.js';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/node/cli.js');

function run(args: string[], timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : (err as { code?: unknown }).code;
      if (typeof code !== 'number') reject(err);
      else resolve({ code, stdout, stderr });
    });
  });
}

let serve: ChildProcess;
let servePort: number;
let serveOut = '';
let serveExit: Promise<number | null>;

beforeAll(async () => {
  serve = spawn(process.execPath, [cli, 'serve', '--listen', '127.0.0.1:0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  serveExit = new Promise((resolve) => serve.on('exit', (code) => resolve(code)));
  servePort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${serveOut}`)), 15_000);
    serve.stdout!.on('data', (d: Buffer) => {
      serveOut += d.toString();
      const m = /^listening on 127\.0\.0\.1:(\d+)$/m.exec(serveOut);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
});

afterAll(async () => {
  if (serve.exitCode === null) {
    serve.kill('SIGINT');
    await serveExit;
  }
});

describe('oauthbearer probe against oauthbearer serve', () => {
  it('every case of the battery matches Kafka\'s broker', async () => {
    const r = await run(['probe', `127.0.0.1:${servePort}`]);
    const caseLines = r.stdout.split('\n').filter((l) => /^\S/.test(l) && !l.startsWith('probe '));
    expect(caseLines.length).toBeGreaterThan(55);
    expect(caseLines.filter((l) => !l.startsWith('match '))).toEqual([]);
    for (const id of ['good-token', 'expired-token', 'bad-extension-key', 'skips-x01', 'oversized-frame', 'authenticate-before-handshake', 'unknown-mechanism', 'v0-raw-framing', 'gs2:decode-kafka-flag-y',
      'vector:apiversions-unknown-version', 'vector:expired-token-challenge-then-failure', 'vector:handshake-v0-raw-tokens', 'vector:authzid-mismatch']) {
      expect(caseLines.some((l) => l.startsWith(`match    ${id}:`)), id).toBe(true);
    }
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`probe 127.0.0.1:${servePort}: ${caseLines.length} cases, ${caseLines.length} match Kafka's broker, 0 differ`);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/eyJhbGciOiJub25lIn0\.eyJ/); // no whole token in what the probe prints
  });

  it('--fuzz 1000: no hang, no dropped connection, nothing invalid accepted, and serve is still up', async () => {
    const r = await run(['probe', `127.0.0.1:${servePort}`, '--fuzz', '1000', '--seed', '7', '--concurrency', '16'], 120_000);
    const summary = /^fuzz seed 7: 1000 cases: (\d+) refused as Kafka refuses them, (\d+) accepted as Kafka accepts them; 0 hang, 0 dropped without an answer, 0 invalid accepted, 0 differ, 0 unreachable$/m.exec(r.stdout);
    expect(summary, r.stdout.slice(-2000)).not.toBeNull();
    // The mutator reaches both sides of the grammar.
    expect(Number(summary![1])).toBeGreaterThan(100);
    expect(Number(summary![2])).toBeGreaterThan(10);
    expect(r.stdout).toContain('broker still answers a good token after the fuzz: yes');
    expect(r.code).toBe(0);
    expect(serve.exitCode).toBeNull();
  }, 150_000);
});

/** A broker written here that answers every request as if all were well (accepts any token). */
function yesBroker(): Promise<Server> {
  const server = createServer((socket: Socket) => {
    const frames = createFrameDecoder();
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      frames.push(new Uint8Array(chunk));
      try {
        for (let f = frames.next(); f !== null; f = frames.next()) {
          const { apiKey, apiVersion, header } = decodeRequest(f);
          const body = apiKey === 18 ? { errorCode: 0, apiKeys: SUPPORTED_VERSIONS, throttleTimeMs: 0 }
            : apiKey === 17 ? { errorCode: 0, mechanisms: ['OAUTHBEARER'] }
            : apiKey === 36 ? { errorCode: 0, errorMessage: '', authBytes: new Uint8Array(0), sessionLifetimeMs: 1000 }
            : { brokers: [{ nodeId: 0, host: '127.0.0.1', port: 1, rack: null }], controllerId: 0, topics: [] };
          socket.write(encodeResponse({ apiKey, apiVersion, correlationId: header.correlationId, body }));
        }
      } catch {
        socket.destroy();
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the probe fails when the broker is not Kafka', () => {
  it('reports a broker that never answers as hangs, with exit 1', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => { sockets.add(s); s.on('error', () => undefined); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const r = await run(['probe', `127.0.0.1:${(silent.address() as AddressInfo).port}`, '--fuzz', '3', '--seed', '1', '--timeout-ms', '300']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^HANG case 0: /m);
      expect(r.stdout).toMatch(/: 0 refused as Kafka refuses them, 0 accepted as Kafka accepts them; 3 hang,/);
      expect(r.stdout).toMatch(/broker still answers a good token after the fuzz: NO/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('reports a broker that accepts everything: battery cases differ, fuzz finds invalid messages accepted', async () => {
    const broker = await yesBroker();
    const port = (broker.address() as AddressInfo).port;
    try {
      const battery = await run(['probe', `127.0.0.1:${port}`, '--only', 'expired-token', '--timeout-ms', '500']);
      expect(battery.code).toBe(1);
      expect(battery.stdout).toMatch(/^DIFFERS  expired-token: /m);
      expect(battery.stdout).toMatch(/first difference after SaslAuthenticate v2 .*: a different error challenge/);
      expect(battery.stdout.trimEnd().split('\n').at(-1)).toBe(`probe 127.0.0.1:${port}: 1 cases, 0 match Kafka's broker, 1 differ`);
      const fuzz = await run(['probe', `127.0.0.1:${port}`, '--fuzz', '40', '--seed', '3', '--timeout-ms', '500']);
      expect(fuzz.code).toBe(1);
      expect(fuzz.stdout).toMatch(/^ACCEPTED-INVALID case \d+: /m);
      expect(Number(/(\d+) invalid accepted/.exec(fuzz.stdout)?.[1])).toBeGreaterThan(5);
    } finally {
      await new Promise((resolve) => broker.close(resolve));
    }
  });

  it('says why it cannot reach the broker: connect ECONNREFUSED, exit 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await run(['probe', `127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^oauthbearer probe: ERR_NETWORK: Cannot connect to 127\.0\.0\.1:\d+/);
    expect(r.stderr).toContain(`because: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('refuses bad arguments with exit 2', async () => {
    for (const args of [['probe', 'nohost'], ['probe', '127.0.0.1:0'], ['probe', '127.0.0.1:9092', '--fuzz', 'x'], ['probe', '127.0.0.1:9092', '--seed', '1'],
      ['probe', '127.0.0.1:9092', '--ca', 'x.pem'], ['probe', '127.0.0.1:9092', '--only', 'nothing-like-this']]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/ERR_USAGE_ARGUMENT/);
    }
  });
});

describe('the fuzz mutator', () => {
  it('is seeded: the same seed and index give the same bytes, others differ', () => {
    const token = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcm9iZSJ9.';
    const a = Array.from({ length: 50 }, (_, i) => mutatedInitialResponse(token, 42, i, 1_800_000_000_000));
    const b = Array.from({ length: 50 }, (_, i) => mutatedInitialResponse(token, 42, i, 1_800_000_000_000));
    expect(a).toEqual(b);
    const other = Array.from({ length: 50 }, (_, i) => mutatedInitialResponse(token, 43, i, 1_800_000_000_000));
    expect(other).not.toEqual(a);
    expect(new Set(a.map((m) => Buffer.from(m).toString('hex'))).size).toBeGreaterThan(40);
    const r = seededRandom(1);
    const draws = Array.from({ length: 1000 }, () => r());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});

describe('oauthbearer probe --tls', () => {
  it('probes a SASL_SSL listener of serve, trusting the CA with --ca; without it, says the certificate is not trusted', async () => {
    const { tempDir, makePki, startServe } = await import('./serve-harness.js');
    const d = tempDir('oauthbearer-probe-tls-');
    try {
      makePki(d.dir);
      const config = d.write('broker.properties', [
        'listeners=SASL_SSL://127.0.0.1:0', 'ssl.keystore.type=PEM',
        `ssl.keystore.location=${d.write('server.pem', d.read('server.key') + d.read('server.crt'))}`,
      ].join('\n'));
      const broker = await startServe(['--config', config, '--listen', '127.0.0.1:0']);
      try {
        const ok = await run(['probe', `127.0.0.1:${broker.port}`, '--tls', '--ca', join(d.dir, 'ca.crt'), '--only', 'good-token']);
        expect(ok.stdout).toMatch(/^match +good-token: /m);
        expect(ok.code).toBe(0);
        const untrusted = await run(['probe', `127.0.0.1:${broker.port}`, '--tls', '--only', 'good-token']);
        expect(untrusted.code).toBe(1);
        expect(untrusted.stderr).toMatch(/ERR_NETWORK: Cannot connect to 127\.0\.0\.1:\d+ over TLS/);
        expect(untrusted.stderr).toMatch(/because: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
      } finally {
        await broker.stop();
      }
    } finally {
      d.cleanup();
    }
  });
});

describe('broker.session vectors over the socket', () => {
  it('moves a vector\'s unsecured token to now, keeping how long it is valid or expired', async () => {
    const { shiftTokens } = await import('../../src/node/cli/probe-cases.js');
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const message = Buffer.from(`n,,\x01auth=Bearer ${part({ alg: 'none' })}.${part({ sub: 'alice', iat: 1_700_000_000, exp: 1_700_003_600 })}.\x01\x01`);
    const moved = Buffer.from(shiftTokens(new Uint8Array(message), 1000)).toString('latin1');
    const claims = JSON.parse(Buffer.from(/\.([^.]+)\.\x01/.exec(moved)![1]!, 'base64url').toString()) as Record<string, number>;
    expect(claims).toEqual({ sub: 'alice', iat: 1_700_001_000, exp: 1_700_004_600 });
    const signed = Buffer.from(`n,,\x01auth=Bearer ${part({ alg: 'RS256' })}.${part({ exp: 1 })}.sig\x01\x01`);
    expect(Buffer.from(shiftTokens(new Uint8Array(signed), 1000)).equals(signed)).toBe(true);
  });
});
