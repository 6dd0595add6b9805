// Bad input at serve's socket: garbage before the first request, frames cut at every byte, a frame over the bound,
// a client that connects and sends nothing (closed after connections.max.idle.ms), and 1,000 connections at once.
// serve stays up, answers the others, and says what it closed and why.
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, ERROR_CODE } from '../../src/kafka/wire/index.js';
import type { ApiVersionsResponse, SaslAuthenticateResponse, SaslHandshakeResponse } from '../../src/kafka/wire/messages.js';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';
import { decode, rawConnect, requests, type RawConnection } from './raw-kafka.js';
import { runConnect, startServe, tempDir, unsecuredClientProps, type ServeRun } from './serve-harness.js';

const running: ServeRun[] = [];
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function serveWith(props: string): Promise<ServeRun> {
  const d = tempDir();
  dirs.push(d);
  const r = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('broker.properties', props)]);
  running.push(r);
  return r;
}

async function connectWorks(port: number): Promise<void> {
  const d = tempDir();
  dirs.push(d);
  const result = await runConnect(['--bootstrap', `127.0.0.1:${port}`, '--config', d.write('c.properties', unsecuredClientProps('probe'))]);
  expect(result.out.join('\n')).toContain('authenticated principal="probe"');
  expect(result.code).toBe(0);
}

/** Our address as serve names it, to find its lines about this connection. */
const peer = (c: RawConnection) => c.peer;

describe('serve under bad input', () => {
  it('closes a connection that sends an HTTP request instead of a Kafka frame, and says why', async () => {
    const broker = await serveWith('');
    const c = await rawConnect(broker.port);
    await c.write(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    expect(await c.nextFrame(5_000)).toBeNull();
    await c.closed;
    // The reason is on the failure line; the close after it says only that it followed.
    const line = await broker.io.waitFor(new RegExp(`^${peer(c)} authentication failed: ERR_KAFKA_PROTOCOL: .* ← ERR_KAFKA_FRAME: .* \\| kafka: closes the connection without a response \\|$`));
    // 'GET ' read as a size is 1195725856 bytes, far over sasl.server.max.receive.size.
    expect(line).toMatch(/1195725856/);
    expect(await broker.io.waitFor(new RegExp(`^${peer(c)} closed by broker after the failed authentication$`))).toBeTruthy();
    // A frame of the right size holding no Kafka request.
    const d = await rawConnect(broker.port);
    await d.write(Uint8Array.from([0, 0, 0, 6, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]));
    expect(await d.nextFrame(5_000)).toBeNull();
    await d.closed;
    expect(await broker.io.waitFor(new RegExp(`^${peer(d)} authentication failed: ERR_KAFKA_PROTOCOL: .*not a Kafka request`))).toBeTruthy();
    expect(await broker.io.waitFor(new RegExp(`^${peer(d)} closed by broker after the failed authentication$`))).toBeTruthy();
    await connectWorks(broker.port);
  });

  it('reassembles ApiVersions cut at every byte, and a whole authentication sent one byte at a time', async () => {
    const broker = await serveWith('');
    const frame = requests.apiVersions(3);
    for (let cut = 1; cut < frame.length; cut++) {
      const c = await rawConnect(broker.port);
      await c.write(frame.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 2));
      await c.write(frame.subarray(cut));
      const response = decode<ApiVersionsResponse>(await c.nextFrame(5_000), API_KEY.API_VERSIONS, 3);
      expect(response.errorCode, `cut at ${cut}`).toBe(ERROR_CODE.NONE);
      expect(response.apiKeys.some((k) => k.apiKey === API_KEY.SASL_AUTHENTICATE)).toBe(true);
      c.socket.destroy();
    }
    const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'slow' }, Date.now()).value;
    const c = await rawConnect(broker.port);
    const all = [requests.apiVersions(3), requests.handshake(), requests.authenticate(token)];
    for (const f of all) for (let i = 0; i < f.length; i++) await c.write(f.subarray(i, i + 1));
    expect(decode<ApiVersionsResponse>(await c.nextFrame(), API_KEY.API_VERSIONS, 3).errorCode).toBe(0);
    expect(decode<SaslHandshakeResponse>(await c.nextFrame(), API_KEY.SASL_HANDSHAKE, 1).errorCode).toBe(0);
    expect(decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 1).errorCode).toBe(0);
    expect(await broker.io.waitFor(new RegExp(`^${peer(c)} authenticated principal="slow" client="raw-test/1.0"`))).toBeTruthy();
    c.socket.destroy();
  });

  it('closes a connection whose frame is over sasl.server.max.receive.size, and takes one at the bound', async () => {
    const broker = await serveWith('sasl.server.max.receive.size=1024');
    const over = await rawConnect(broker.port);
    await over.write(Uint8Array.from([0, 0, 4, 1])); // 1025 bytes announced
    expect(await over.nextFrame(5_000)).toBeNull();
    await over.closed;
    expect(await broker.io.waitFor(new RegExp(`^${peer(over)} authentication failed: ERR_KAFKA_PROTOCOL: .* ← ERR_KAFKA_FRAME: .*1025.*1024`))).toBeTruthy();
    expect(await broker.io.waitFor(new RegExp(`^${peer(over)} closed by broker after the failed authentication$`))).toBeTruthy();
    // A SaslAuthenticate whose frame is within the bound is read (and its junk token refused as Kafka does).
    const ok = await rawConnect(broker.port);
    await ok.write(requests.apiVersions(3));
    await ok.write(requests.handshake());
    const big = requests.authenticateBytes(new Uint8Array(900).fill(0x41));
    expect(big.length - 4).toBeLessThanOrEqual(1024);
    await ok.write(big);
    await ok.nextFrame();
    await ok.nextFrame();
    const answer = decode<SaslAuthenticateResponse>(await ok.nextFrame(), API_KEY.SASL_AUTHENTICATE, 1);
    expect(answer.errorCode).toBe(ERROR_CODE.SASL_AUTHENTICATION_FAILED);
    ok.socket.destroy();
  });

  it('closes a client that connects and sends nothing after connections.max.idle.ms', async () => {
    const broker = await serveWith('connections.max.idle.ms=400');
    const started = Date.now();
    const c = await rawConnect(broker.port);
    await Promise.race([c.closed, new Promise((r) => setTimeout(r, 10_000))]);
    expect(c.isClosed()).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    const line = await broker.io.waitFor(new RegExp(`^${peer(c)} closed by broker: `));
    expect(line).toMatch(/idle|400 ms/i);
  });

  it('takes 1,000 connections at once, answers another client meanwhile, and reports each close', async () => {
    const broker = await serveWith('connections.max.idle.ms=60000');
    const before = broker.io.lines.length;
    const garbage = new TextEncoder().encode('\xff\xff\xff\xff garbage');
    const conns = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
      const c = await rawConnect(broker.port);
      if (i % 2 === 0) await c.write(garbage);
      return c;
    }));
    await connectWorks(broker.port);
    // The garbage ones are closed by serve (a negative frame size); the silent ones stay open until we close them.
    await Promise.all(conns.filter((_, i) => i % 2 === 0).map((c) => Promise.race([c.closed, new Promise((r) => setTimeout(r, 15_000))])));
    expect(conns.filter((c, i) => i % 2 === 0 && c.isClosed()).length).toBe(500);
    expect(conns.filter((c, i) => i % 2 === 1 && c.isClosed()).length).toBe(0);
    for (const c of conns) c.socket.destroy();
    const deadline = Date.now() + 15_000;
    const closes = () => broker.io.lines.slice(before).filter((l) => / closed by /.test(l));
    while (closes().length < 1001 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const byBroker = closes().filter((l) => / closed by broker after the failed authentication$/.test(l));
    // Each with its reason once, on its failure line.
    expect(broker.io.lines.slice(before).filter((l) => / authentication failed: ERR_KAFKA_PROTOCOL: .* ← ERR_KAFKA_FRAME: /.test(l)).length).toBe(500);
    const byClient = closes().filter((l) => / closed by client/.test(l));
    expect(byBroker.length).toBe(500);
    expect(byClient.length).toBe(501); // the 500 silent ones and connect's own
    await connectWorks(broker.port);
  }, 60_000);
});

describe('serve and a client that breaks the SASL sequence', () => {
  it('says the client sent Metadata instead of the %x01 reply to the error challenge', async () => {
    const broker = await serveWith('');
    const expired = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'late', unsecuredLoginLifetimeSeconds: '1' }, Date.now() - 60_000).value;
    const c = await rawConnect(broker.port);
    await c.write(requests.apiVersions(3));
    await c.nextFrame();
    await c.write(requests.handshake());
    await c.nextFrame();
    await c.write(requests.authenticate(expired));
    const challenge = decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 1);
    expect(challenge.errorCode).toBe(0);
    expect(new TextDecoder().decode(challenge.authBytes)).toBe('{"status":"invalid_token"}');
    await c.write(requests.metadata(1));
    // Kafka answers the out-of-sequence request with ILLEGAL_SASL_STATE, then closes.
    expect(await c.nextFrame(5_000)).not.toBeNull();
    await c.closed;
    const line = await broker.io.waitFor(new RegExp(`^${c.peer} authentication failed: `));
    expect(line).toMatch(/ERR_KAFKA_PROTOCOL: The client sent Metadata instead of the %x01 reply to the error challenge; .* ← ERR_UNSECURED_TOKEN: .*the token expired \d+ s ago/);
    expect(line).toContain('| kafka: ILLEGAL_SASL_STATE (34) |');
  });
});

describe('serve and connection.failed.authentication.delay.ms', () => {
  it('answers a failed authentication only after the configured delay, then closes', async () => {
    const broker = await serveWith('connection.failed.authentication.delay.ms=600');
    const expired = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'slowfail', unsecuredLoginLifetimeSeconds: '1' }, Date.now() - 60_000).value;
    const c = await rawConnect(broker.port);
    await c.write(requests.apiVersions(3));
    await c.nextFrame();
    await c.write(requests.handshake());
    await c.nextFrame();
    await c.write(requests.authenticate(expired));
    await c.nextFrame(); // the error challenge
    const sent = Date.now();
    await c.write(requests.authenticateBytes(Uint8Array.of(0x01)));
    const failure = decode<SaslAuthenticateResponse>(await c.nextFrame(5_000), API_KEY.SASL_AUTHENTICATE, 1);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(550);
    expect(failure.errorCode).toBe(ERROR_CODE.SASL_AUTHENTICATION_FAILED);
    expect(failure.errorMessage).toBe('{"status":"invalid_token"}');
    await c.closed;
    expect(await broker.io.waitFor(new RegExp(`^${c.peer} authentication failed: .*ERR_UNSECURED_TOKEN`))).toBeTruthy();
  });
});
