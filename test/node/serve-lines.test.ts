// serve's lines for the connection events a review found unreported or reported twice: the end of an exchange
// after RFC 7628's error challenge (with and without the client's %x01), a SaslHandshake v0 client (no KIP-368
// session lifetime on the wire), and a re-authentication Kafka refuses under its one-per-second rule.
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, ERROR_CODE, encodeFrame, encodeRequest } from '../../src/kafka/wire/index.js';
import type { SaslAuthenticateResponse, SaslHandshakeResponse } from '../../src/kafka/wire/messages.js';
import { encodeUtf8 } from '../../src/encoding/utf8.js';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';
import { decode, rawConnect, requests, type RawConnection } from './raw-kafka.js';
import { startServe, tempDir, type ServeRun } from './serve-harness.js';
import { concat } from '../helpers.js';

const running: ServeRun[] = [];
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function serveWith(props: string, extra: string[] = []): Promise<ServeRun> {
  const d = tempDir();
  dirs.push(d);
  const r = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('broker.properties', props), ...extra]);
  running.push(r);
  return r;
}

const expiredToken = (): string =>
  createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'bob', unsecuredLoginLifetimeSeconds: '60' }, Date.now() - 210_000).value;
const EXPIRED_REASON = 'the token expired 2 min ago';

/** ApiVersions, SaslHandshake v1, a refused token: returns once the error challenge has come back. */
async function challenged(port: number): Promise<RawConnection> {
  const c = await rawConnect(port);
  await c.write(requests.apiVersions(3));
  await c.nextFrame();
  await c.write(requests.handshake());
  await c.nextFrame();
  await c.write(requests.authenticate(expiredToken(), 1));
  const challenge = decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 1);
  expect(challenge.errorCode).toBe(ERROR_CODE.NONE);
  expect(new TextDecoder().decode(challenge.authBytes)).toBe('{"status":"invalid_token"}');
  return c;
}

const linesOf = (broker: ServeRun, c: RawConnection): string[] => broker.io.lines.filter((l) => l.startsWith(`${c.peer} `));
const count = (lines: string[], text: string): number => lines.filter((l) => l.includes(text)).length;

describe('serve: the end of an exchange after the error challenge', () => {
  it('%x01, then the broker answers and closes: the failure with its reason once, then the close', async () => {
    const broker = await serveWith('connection.failed.authentication.delay.ms=50\n');
    const c = await challenged(broker.port);
    await c.write(requests.authenticateBytes(Uint8Array.of(0x01), 1));
    const failed = decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 1);
    expect(failed.errorCode).toBe(ERROR_CODE.SASL_AUTHENTICATION_FAILED);
    await c.closed;
    await broker.io.waitFor(new RegExp(`^${c.peer} closed by `));
    const lines = linesOf(broker, c);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${c.peer} authentication failed: .*${EXPIRED_REASON}.* \\| kafka: SASL_AUTHENTICATION_FAILED \\(58\\) `));
    expect(lines[1]).toBe(`${c.peer} closed by broker after the failed authentication`);
    expect(count(lines, EXPIRED_REASON)).toBe(1);
  });

  it('%x01, then the client leaves before connection.failed.authentication.delay.ms ends: the close says the answer was never sent', async () => {
    const broker = await serveWith('connection.failed.authentication.delay.ms=5000\n');
    const c = await challenged(broker.port);
    await c.write(requests.authenticateBytes(Uint8Array.of(0x01), 1));
    c.socket.end();
    expect(await c.nextFrame(2_000)).toBeNull();
    await c.closed;
    await broker.io.waitFor(new RegExp(`^${c.peer} closed by `));
    const lines = linesOf(broker, c);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(EXPIRED_REASON);
    expect(lines[1]).toBe(`${c.peer} closed by client after the failed authentication, during connection.failed.authentication.delay.ms (5000 ms), before the broker answered or closed (state closed)`);
  });

  it('no %x01: the client closes after the challenge, and the close still says why the token was refused', async () => {
    const broker = await serveWith('');
    const c = await challenged(broker.port);
    c.socket.end();
    await c.closed;
    const line = await broker.io.waitFor(new RegExp(`^${c.peer} closed by `));
    expect(line).toMatch(new RegExp(`^${c.peer} closed by client after the error challenge \\{"status":"invalid_token"\\}, without the %x01 reply: `
      + `ERR_UNSECURED_TOKEN: .*${EXPIRED_REASON}.* \\(state authenticating\\)$`));
    expect(linesOf(broker, c)).toEqual([line]);
  });

  it('--json: the close after a failure says so, and the challenge reason is kept', async () => {
    const broker = await serveWith('connection.failed.authentication.delay.ms=0\n', ['--json']);
    const c = await challenged(broker.port);
    await c.write(requests.authenticateBytes(Uint8Array.of(0x01), 1));
    await c.closed;
    const closed = JSON.parse(await broker.io.waitFor(/"event":"closed"/));
    expect(closed).toMatchObject({ event: 'closed', by: 'broker', afterFailure: true, challenge: null });
    const d = await challenged(broker.port);
    d.socket.end();
    await d.closed;
    const closedD = JSON.parse(await broker.io.waitFor(/"event":"closed".*"connection":2|"connection":2.*"event":"closed"/));
    expect(closedD).toMatchObject({ by: 'client', afterFailure: false, challenge: { status: 'invalid_token', code: 'ERR_UNSECURED_TOKEN' } });
    expect(closedD.challenge.message).toContain(EXPIRED_REASON);
  });
});

describe('serve: a SaslHandshake v0 client', () => {
  it('shows the session lifetime the broker enforces, marked as not sent (none goes on the wire)', async () => {
    const broker = await serveWith('', ['--json']);
    const text = await serveWith('');
    for (const b of [broker, text]) {
      const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'old' }, Date.now()).value;
      const c = await rawConnect(b.port);
      await c.write(encodeRequest({ apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: 0, correlationId: 1, clientId: 'v0', body: { mechanism: 'OAUTHBEARER' } }));
      expect(decode<SaslHandshakeResponse>(await c.nextFrame(), API_KEY.SASL_HANDSHAKE, 0).errorCode).toBe(ERROR_CODE.NONE);
      await c.write(encodeFrame(encodeUtf8(`n,,\x01auth=Bearer ${token}\x01\x01`)));
      // The raw answer: an empty SASL frame, no Kafka response, so the session lifetime is never sent.
      expect(await c.nextFrame()).toEqual(new Uint8Array(0));
      c.socket.end();
      await c.closed;
    }
    const json = JSON.parse(await broker.io.waitFor(/"event":"authenticated"/));
    expect(json).toMatchObject({ principal: 'old', sessionLifetimeSent: false });
    // The unsecured token's default lifetime, 3600 s, less the time since it was made.
    expect(json.sessionLifetimeMs).toBeGreaterThan(3_500_000);
    expect(json.sessionLifetimeMs).toBeLessThanOrEqual(3_600_000);
    const line = await text.io.waitFor(/ authenticated /);
    expect(line).toMatch(/ authenticated principal="old" session_lifetime_ms=\d+ \(not sent: SaslHandshake v0\) extensions=\{\} token=/);
  });
});

describe('serve: KIP-368 re-authentication within a second of the last one', () => {
  it('prints a line naming the one-per-second rule and the time since the last (re-)authentication', async () => {
    const broker = await serveWith('connections.max.reauth.ms=60000\n');
    const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'quick' }, Date.now()).value;
    const c = await rawConnect(broker.port);
    await c.write(requests.apiVersions(3));
    await c.nextFrame();
    await c.write(requests.handshake());
    await c.nextFrame();
    await c.write(requests.authenticate(token, 2));
    expect(decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 2).errorCode).toBe(ERROR_CODE.NONE);
    // A re-authentication and, in the same write (so well within a second, however loaded the machine), another.
    const started = Date.now();
    await c.write(concat(requests.handshake(), requests.authenticate(token, 2), requests.handshake(), requests.authenticate(token, 2)));
    const handshakeErrors = [
      decode<SaslHandshakeResponse>(await c.nextFrame(), API_KEY.SASL_HANDSHAKE, 1).errorCode,
      decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 2).errorCode,
      decode<SaslHandshakeResponse>(await c.nextFrame(), API_KEY.SASL_HANDSHAKE, 1).errorCode,
      decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 2).errorCode,
    ];
    const elapsed = Date.now() - started;
    // The first re-authentication starts the one-second clock; the second, within it, is answered as an
    // authenticated connection's requests (KafkaApis: ILLEGAL_SASL_STATE for both).
    expect(handshakeErrors).toEqual([ERROR_CODE.NONE, ERROR_CODE.NONE, ERROR_CODE.ILLEGAL_SASL_STATE, ERROR_CODE.ILLEGAL_SASL_STATE]);
    const line = await broker.io.waitFor(new RegExp(`^${c.peer} re-authentication refused: `));
    const m = new RegExp(`^${c.peer} re-authentication refused: ERR_KAFKA_PROTOCOL: The client began a re-authentication (\\d+) ms after its previous one began `
      + '\\((\\d+) ms after it last authenticated\\); Kafka\'s broker allows one re-authentication per second '
      + '\\(KafkaChannel MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS\\), answers this SaslHandshake as an authenticated connection\'s request and keeps the current session '
      + '\\| kafka: ILLEGAL_SASL_STATE \\(34\\) \\| client="raw-test/1.0"$').exec(line);
    expect(m, line).not.toBeNull();
    expect(broker.io.lines.filter((l) => l.startsWith(`${c.peer} re-authenticated `))).toHaveLength(1);
    expect(Number(m![1])).toBeLessThanOrEqual(elapsed);
    expect(Number(m![2])).toBeLessThanOrEqual(Number(m![1]));
    expect(Number(m![1])).toBeLessThan(1000);
    c.socket.end();
    await c.closed;
  });
});
