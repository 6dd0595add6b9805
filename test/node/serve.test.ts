// `oauthbearer serve` ↔ `oauthbearer connect` on 127.0.0.1 with unsecured tokens (Kafka's default validator):
// the line formats other tools parse, a refused token with its real reason, --json, SIGINT, usage errors.
import { afterEach, describe, expect, it } from 'vitest';
import { command as serve, formatEvent, tokenParts } from '../../src/node/cli/serve.js';
import { connectBroker } from '../../src/node/net/client.js';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';
import { OAuthBearerError } from '../../src/errors.js';
import { recordingIO, runConnect, startServe, tempDir, unsecuredClientProps, type ServeRun } from './serve-harness.js';

const running: ServeRun[] = [];
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function serveWith(props: string | null, extra: string[] = []): Promise<ServeRun> {
  const args = ['--listen', '127.0.0.1:0', ...extra];
  if (props !== null) {
    const d = tempDir();
    dirs.push(d);
    args.push('--config', d.write('broker.properties', props));
  }
  const r = await startServe(args);
  running.push(r);
  return r;
}

function clientConfig(text: string): string {
  const d = tempDir();
  dirs.push(d);
  return d.write('client.properties', text);
}

describe('serve on embedded defaults', () => {
  it('prints "listening on 127.0.0.1:PORT" first, authenticates connect with an unsecured token and answers Metadata with itself', async () => {
    const broker = await serveWith(null);
    expect(broker.io.lines[0]).toBe(`listening on 127.0.0.1:${broker.port}`);
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', clientConfig(unsecuredClientProps('alice', '', ' unsecuredLoginExtension_traceId="abc"'))]);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.out[0]).toBe(`connected to 127.0.0.1:${broker.port} (SASL_PLAINTEXT)`);
    expect(result.out[1]).toMatch(/^authenticated principal="alice" session_lifetime_ms=\d+ reauthenticate_in_ms=\d+$/);
    expect(result.out).toContain(`broker 0 127.0.0.1:${broker.port}`);
    expect(result.out.at(-1)).toBe('closed');
    const line = await broker.io.waitFor(/ authenticated /);
    // The token's lifetime: Kafka's unsecured login makes a one-hour token; the broker sends what is left.
    expect(line).toMatch(new RegExp(`^127\\.0\\.0\\.1:\\d+ authenticated principal="alice" client="oauthbearer/[^"]+" session_lifetime_ms=(\\d+) `
      + 'extensions=\\{"traceId":"abc"\\} token=\\{"alg":"none"\\}\\.\\{.*"sub":"alice".*\\}$'));
    const lifetime = Number(/session_lifetime_ms=(\d+)/.exec(line)![1]);
    expect(lifetime).toBeGreaterThan(3_500_000);
    expect(lifetime).toBeLessThanOrEqual(3_600_000);
    await broker.io.waitFor(/ closed by client/);
    expect(await broker.stop()).toBe(0);
    expect(broker.io.lines.at(-1)).toBe('stopped');
  });

  it('refuses an expired token and says how long ago it expired, and what Kafka sent', async () => {
    const broker = await serveWith(null);
    const expired = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'bob', unsecuredLoginLifetimeSeconds: '60' }, Date.now() - 210_000);
    const connection = await connectBroker({ host: '127.0.0.1', port: broker.port, token: () => ({ value: expired.value }) });
    const event = await connection.next(10_000);
    connection.close();
    expect(event?.type).toBe('failed');
    const line = await broker.io.waitFor(/ authentication failed: /);
    expect(line).toContain('ERR_UNSECURED_TOKEN: The indicated time minus allowable clock skew was on or after the Expiration Time value: the token expired 2 min ago');
    expect(line).toContain('| kafka: SASL_AUTHENTICATION_FAILED (58) "{\\"status\\":\\"invalid_token\\"}"');
    expect(line).toMatch(/ token=\{"alg":"none"\}\.\{.*"sub":"bob".*\}$/);
    // The client gets the broker's error message, the challenge JSON after its %x01.
    expect(event?.type === 'failed' && event.error.message).toContain('invalid_token');
  });

  it('writes JSON lines with --json, and never the whole token', async () => {
    const broker = await serveWith(null, ['--json']);
    const first = JSON.parse(broker.io.lines[0]!);
    expect(first).toEqual({ event: 'listening', listen: `127.0.0.1:${broker.port}`, host: '127.0.0.1', port: broker.port, securityProtocol: 'SASL_PLAINTEXT', validator: 'unsecured' });
    const good = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'carol', unsecuredLoginListClaim_scope: ' read write' }, Date.now());
    const c = await connectBroker({ host: '127.0.0.1', port: broker.port, token: () => ({ value: good.value, extensions: new Map([['tenant', 'x']]) }) });
    expect((await c.next(10_000))?.type).toBe('authenticated');
    c.close();
    const ok = JSON.parse(await broker.io.waitFor(/"event":"authenticated"/));
    expect(ok).toMatchObject({
      event: 'authenticated', connection: 1, reauthentication: false, principal: 'carol', extensions: { tenant: 'x' }, scope: ['read', 'write'],
      client: { name: 'oauthbearer' }, token: { header: { alg: 'none' }, claims: { sub: 'carol' } }, certificateThumbprint: null,
    });
    expect(ok.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    const closed = JSON.parse(await broker.io.waitFor(/"event":"closed"/));
    expect(closed).toMatchObject({ event: 'closed', connection: 1, by: 'client', code: null });

    const expired = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'dave', unsecuredLoginLifetimeSeconds: '1' }, Date.now() - 60_000);
    const d = await connectBroker({ host: '127.0.0.1', port: broker.port, token: () => ({ value: expired.value }) });
    expect((await d.next(10_000))?.type).toBe('failed');
    d.close();
    const failed = JSON.parse(await broker.io.waitFor(/"event":"authentication-failed"/));
    expect(failed).toMatchObject({ event: 'authentication-failed', connection: 2, kafka: { errorCode: 58, errorName: 'SASL_AUTHENTICATION_FAILED', errorMessage: '{"status":"invalid_token"}' } });
    expect([failed.code, ...failed.causes.map((c: { code: string }) => c.code)]).toContain('ERR_UNSECURED_TOKEN');
    for (const line of broker.io.lines) {
      expect(line).not.toContain(good.value);
      expect(line).not.toContain(expired.value);
    }
  });

  it('stops on SIGINT with exit 0 while clients are connected', async () => {
    const broker = await serveWith(null);
    const good = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'erin' }, Date.now());
    const c = await connectBroker({ host: '127.0.0.1', port: broker.port, token: () => ({ value: good.value }) });
    expect((await c.next(10_000))?.type).toBe('authenticated');
    running.splice(running.indexOf(broker), 1);
    expect(await broker.stop()).toBe(0);
    const closed = await c.next(5_000);
    expect(closed?.type).toBe('closed');
  });
});

describe('serve usage and configuration errors (exit 2)', () => {
  it('refuses unknown arguments, a bad --listen, a missing file and a bad setting, naming each', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--bogus'], /unknown argument "--bogus"/],
      [['--listen', 'nowhere'], /--listen: "nowhere" is not HOST:PORT/],
      [['--config', '/nonexistent/broker.properties'], /ERR_FILE: \/nonexistent\/broker\.properties could not be read/],
    ];
    const d = tempDir();
    dirs.push(d);
    cases.push([['--config', d.write('a.properties', 'connections.max.reauth.ms=soon')], /ERR_CONFIG: Invalid value for configuration connections\.max\.reauth\.ms/]);
    cases.push([['--config', d.write('b.properties', 'listeners=PLAINTEXT://127.0.0.1:0')], /security protocol PLAINTEXT; serve speaks SASL/]);
    cases.push([['--config', d.write('c.properties', 'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler')],
      /sasl\.oauthbearer\.jwks\.endpoint\.url: .* needs the JWKS URL/]);
    for (const [argv, message] of cases) {
      const io = recordingIO();
      expect(await serve.run(argv, io), argv.join(' ')).toBe(2);
      expect(io.errLines.join('\n')).toMatch(message);
      expect(io.lines).toEqual([]);
    }
  });

  it('prints its usage with --help', async () => {
    const io = recordingIO();
    expect(await serve.run(['--help'], io)).toBe(0);
    expect(io.lines.join('\n')).toContain('Usage: oauthbearer serve [--listen HOST:PORT] [--config broker.properties] [--json]');
  });
});

describe('formatting', () => {
  it('shows a token as header and claims, never its signature', () => {
    const parts = tokenParts('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl');
    expect(parts).toEqual({ header: { alg: 'RS256' }, claims: { sub: 'a' } });
    expect(tokenParts('not a token')).toBeNull();
    const line = formatEvent({
      type: 'authentication-failed', connection: 1, peer: '127.0.0.1:1', reauthentication: false,
      error: new OAuthBearerError('ERR_AUTHENTICATION_FAILED', 'outer', { cause: new OAuthBearerError('ERR_JWT_EXPIRED', 'The token expired 3 min ago') }),
      kafkaErrorCode: null, kafkaErrorMessage: null, clientSoftware: { name: 'x', version: '1' }, token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl',
    }, false)!;
    expect(line).toBe('127.0.0.1:1 authentication failed: ERR_AUTHENTICATION_FAILED: outer ← ERR_JWT_EXPIRED: The token expired 3 min ago'
      + ' | kafka: closes the connection without a response | client="x/1" token={"alg":"RS256"}.{"sub":"a"}');
    expect(line).not.toContain('c2lnbmF0dXJl');
  });
});
