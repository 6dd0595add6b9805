// The broker and client connection machines (src/kafka/wire/broker.ts, client.ts), stepped against each other in
// memory on a simulated clock (./pair.ts), and each alone against crafted bytes: Kafka's SaslServerAuthenticator
// sequence, KIP-368 re-authentication and session expiry, the reasons a failure gives, and fuzzed input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../../src/errors.js';
import { createUnsecuredToken, unsecuredValidator } from '../../../src/kafka/unsecured.js';
import { clientReauthAtMs } from '../../../src/kafka/reauth.js';
import { createBrokerSession, type BrokerAction } from '../../../src/kafka/wire/broker.js';
import { createClientSession } from '../../../src/kafka/wire/client.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../src/kafka/wire/codec.js';
import { encodeClientResponse } from '../../../src/sasl/gs2.js';
import { Pair } from './pair.js';

const T0 = 1_700_000_000_000;
const validator = unsecuredValidator({});
const tokenFor = (sub: string, lifetimeSeconds = 3600) => (nowMs: number) => ({
  value: createUnsecuredToken({ unsecuredLoginStringClaim_sub: sub, unsecuredLoginLifetimeSeconds: String(lifetimeSeconds) }, nowMs).value,
});
const expiredToken = () => ({ value: createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginLifetimeSeconds: '60' }, T0 - 3_600_000).value });

/** The chain of causes of an error, outermost first. */
function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e: unknown = err; e !== undefined && out.length < 10; e = (e as { cause?: unknown }).cause) out.push(e);
  return out;
}

describe('client ↔ broker in memory', () => {
  it('authenticates, reports the session lifetime and KIP-368 time, and answers Metadata with the one broker', async () => {
    const pair = new Pair({ validator, token: tokenFor('alice'), startMs: T0 });
    await pair.start();
    const [auth] = pair.clientActions('authenticated');
    expect(auth).toMatchObject({ sessionLifetimeMs: 3_600_000, reauthentication: false });
    expect(auth!.reauthAtMs).toBe(clientReauthAtMs({ authenticationEndMs: T0, sessionLifetimeMs: 3_600_000, draw: 0.5 }));
    expect(pair.brokerActions('authenticated')[0]).toMatchObject({ principal: 'alice', sessionLifetimeMs: 3_600_000, clientSoftware: { name: 'oauthbearer', version: '0' } });
    pair.client.requestMetadata(pair.now, ['t1']);
    await pair.run();
    expect(pair.clientActions('metadata')[0]!.body).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092 }], controllerId: 1, topics: [{ name: 't1', errorCode: 3, partitions: [] }],
    });
    expect(pair.closed).toBeNull();
  });

  it('re-authenticates on the same connection at Kafka\'s client time, again and again (connections.max.reauth.ms=2000)', async () => {
    const pair = new Pair({ validator, token: tokenFor('alice'), startMs: T0, broker: { maxReauthMs: 2000 } });
    await pair.start();
    await pair.advance(T0 + 10_000);
    const done = pair.brokerActions('authenticated');
    expect(done.length).toBe(6); // at 0, 1800, 3600, 5400, 7200, 9000
    expect(done.slice(1).every((a) => a.reauthentication && a.sessionLifetimeMs === 2000)).toBe(true);
    const times = pair.clientActions('authenticated').map((a) => a.reauthAtMs! - T0);
    expect(times).toEqual([1800, 3600, 5400, 7200, 9000, 10800]);
    expect(pair.closed).toBeNull();
    pair.client.requestMetadata(pair.now);
    await pair.run();
    expect(pair.clientActions('metadata')).toHaveLength(1);
  });

  it('closes, at its next request, a connection whose session expired without re-authentication', async () => {
    const pair = new Pair({ validator, token: tokenFor('alice'), startMs: T0, broker: { maxReauthMs: 2000 }, clientTimers: false });
    await pair.start();
    await pair.advance(T0 + 2000);
    pair.client.requestMetadata(pair.now);
    await pair.run();
    expect(pair.clientActions('metadata')).toHaveLength(1); // at the expiry exactly, still served (now - expiry > 0 closes)
    pair.now = T0 + 2001;
    pair.client.requestMetadata(pair.now);
    await pair.run();
    expect(pair.closed?.by).toBe('broker');
    const close = pair.closed!.action as Extract<BrokerAction, { type: 'close' }>;
    expect(close.reason.message).toMatch(/sent Metadata 1 ms after its session expired .* instead of re-authenticating/);
  });

  it('refuses a change of principal at re-authentication with Kafka\'s text', async () => {
    const pair = new Pair({ validator, startMs: T0, broker: { maxReauthMs: 2000, failedAuthenticationDelayMs: 0 }, token: (now, reauth) => tokenFor(reauth ? 'bob' : 'alice')(now) });
    await pair.start();
    await pair.advance(T0 + 5000);
    const failed = pair.clientActions('failed')[0]!;
    expect(failed.error.message).toContain('Cannot change principals during re-authentication from User.alice: User.bob');
    expect(pair.brokerActions('authentication-failed')[0]).toMatchObject({ reauthentication: true, kafkaErrorCode: 58 });
  });

  it('an expired token: the error challenge, %x01, Kafka\'s failure; the validator\'s own error reaches error.cause', async () => {
    const pair = new Pair({ validator, token: expiredToken, startMs: T0, broker: { failedAuthenticationDelayMs: 100 } });
    await pair.start();
    const [failure] = pair.brokerActions('authentication-failed');
    expect(failure).toMatchObject({ kafkaErrorCode: 58, kafkaErrorMessage: '{"status":"invalid_token"}', reauthentication: false });
    const validatorError = causes(failure!.error)[1] as OAuthBearerError;
    expect(validatorError).toBeInstanceOf(OAuthBearerError);
    expect(validatorError.message).toMatch(/expir/i);
    // Kafka's failed-authentication delay: the answer and the close come 100 ms later.
    expect(pair.clientActions('failed')).toHaveLength(0);
    expect(pair.broker.pollTimeout()).toBe(T0 + 100);
    await pair.advance(T0 + 100);
    expect(pair.clientActions('failed')[0]!.error.message).toContain('{"status":"invalid_token"}');
    expect(pair.closed?.by).toBe('broker');
  });

  it('an unsupported mechanism: the client fails with the enabled list, as Kafka\'s client says it', async () => {
    const pair = new Pair({ validator, token: tokenFor('alice'), startMs: T0, broker: { mechanisms: ['PLAIN'], failedAuthenticationDelayMs: 0 } });
    await pair.start();
    expect(pair.clientActions('failed')[0]!.error.message).toBe("Client SASL mechanism 'OAUTHBEARER' not enabled in the server, enabled mechanisms are [PLAIN]");
    expect(pair.brokerActions('authentication-failed')[0]).toMatchObject({ kafkaErrorCode: 33 });
  });

  it('a token provider failure ends the client with ERR_TOKEN_PROVIDER and its cause', async () => {
    const boom = new Error('connect ECONNREFUSED 127.0.0.1:8443');
    const pair = new Pair({ validator, token: () => ({ error: boom }), startMs: T0 });
    await pair.start();
    const failed = pair.clientActions('failed')[0]!;
    expect(failed.error).toMatchObject({ code: 'ERR_TOKEN_PROVIDER', cause: boom });
    expect(failed.error.message).toContain('ECONNREFUSED');
  });
});

// --- The broker alone, against crafted requests ---

let correlation = 0;
const request = (apiKey: number, apiVersion: number, body: object) => encodeRequest({ apiKey, apiVersion, correlationId: ++correlation, clientId: 'c', body });
const handshake = () => request(17, 1, { mechanism: 'OAUTHBEARER' });
const authenticate = (bytes: Uint8Array) => request(36, 1, { authBytes: bytes });

function brokerUnderTest(options: Partial<Parameters<typeof createBrokerSession>[0]> = {}) {
  const broker = createBrokerSession({ broker: { nodeId: 1, host: 'h', port: 1 }, failedAuthenticationDelayMs: 0, ...options }, T0);
  const log: BrokerAction[] = [];
  const drain = async (at: number): Promise<void> => {
    for (let a = broker.poll(); a !== null; a = broker.poll()) {
      log.push(a);
      if (a.type === 'validate') {
        let r;
        try {
          r = { token: await validator(a.token, { nowMs: at }) };
        } catch (error) {
          r = { error };
        }
        broker.tokenValidated(r, at);
      } else if (a.type === 'check-extensions') broker.extensionsChecked({ valid: a.extensions.keys() }, at);
    }
  };
  const send = async (bytes: Uint8Array, at = T0): Promise<void> => {
    broker.receive(bytes, at);
    await drain(at);
  };
  return { broker, log, send, of: <T extends BrokerAction['type']>(t: T) => log.filter((a): a is Extract<BrokerAction, { type: T }> => a.type === t) };
}

describe('broker session', () => {
  it('names a request sent instead of the %x01 reply, keeps the validator\'s error as cause, and answers ILLEGAL_SASL_STATE', async () => {
    const b = brokerUnderTest();
    await b.send(handshake());
    await b.send(authenticate(encodeClientResponse({ token: expiredToken().value })));
    await b.send(request(3, 4, { topics: [{ name: 't' }], allowAutoTopicCreation: false }));
    const [failure] = b.of('authentication-failed');
    expect(failure!.error.message).toMatch(/^The client sent Metadata instead of the %x01 reply to the error challenge; Kafka answers ILLEGAL_SASL_STATE/);
    expect(failure!.kafkaErrorCode).toBe(34);
    expect((failure!.error.cause as OAuthBearerError).message).toMatch(/expir/i);
    const sends = b.of('send');
    const answer = decodeResponse(sends.at(-1)!.bytes.subarray(4), 3, 4);
    expect(answer.body).toMatchObject({ topics: [{ name: 't', errorCode: 34 }] });
    expect(b.of('close')).toHaveLength(1);
    expect(b.broker.state).toBe('closed');
  });

  it('closes without an answer on a request before the handshake, naming it', async () => {
    const b = brokerUnderTest();
    await b.send(authenticate(new Uint8Array([1])));
    expect(b.of('send')).toHaveLength(0);
    expect(b.of('close')[0]!.reason.message).toContain('The client sent SaslAuthenticate before SaslHandshake');
  });

  it('closes a connection that opens with bytes that are not a Kafka request', async () => {
    const b = brokerUnderTest();
    await b.send(new Uint8Array([0, 0, 0, 5, 0x47, 0x45, 0x54, 0x20, 0x2f])); // "GET /" in a frame
    expect(b.of('close')[0]!.reason.message).toMatch(/not a Kafka request as its first request/);
    const huge = brokerUnderTest();
    await huge.send(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    expect(huge.of('close')[0]!.reason.message).toMatch(/sasl\.server\.max\.receive\.size/);
  });

  it('holds requests that arrive while a validation is pending and answers them in order', async () => {
    const broker = createBrokerSession({ broker: { nodeId: 1, host: 'h', port: 1 } }, T0);
    broker.receive(handshake(), T0);
    while (broker.poll() !== null);
    const good = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice' }, T0).value;
    broker.receive(new Uint8Array([...authenticate(encodeClientResponse({ token: good })), ...request(3, 1, { topics: null })]), T0);
    const first = [broker.poll(), broker.poll(), broker.poll()];
    expect(first.map((a) => a?.type ?? null)).toEqual(['request', 'validate', null]);
    expect(broker.pollTimeout()).toBeNull(); // no idle close while the driver validates
    broker.tokenValidated({ token: await validator(good, { nowMs: T0 }) }, T0);
    const rest: BrokerAction[] = [];
    for (let a = broker.poll(); a !== null; a = broker.poll()) {
      rest.push(a);
      if (a.type === 'check-extensions') broker.extensionsChecked({ valid: [] }, T0);
    }
    expect(rest.map((a) => a.type)).toEqual(['check-extensions', 'send', 'authenticated', 'request', 'send']);
  });

  it('closes an idle connection at connections.max.idle.ms, and says so', () => {
    const broker = createBrokerSession({ broker: { nodeId: 1, host: 'h', port: 1 }, idleTimeoutMs: 5000 }, T0);
    expect(broker.pollTimeout()).toBe(T0 + 5000);
    broker.handleTimeout(T0 + 4999);
    expect(broker.poll()).toBeNull();
    broker.handleTimeout(T0 + 5000);
    const close = broker.poll();
    expect(close).toMatchObject({ type: 'close' });
    expect((close as { reason: Error }).reason.message).toMatch(/idle for 5000 ms \(connections\.max\.idle\.ms is 5000\)/);
    expect(broker.pollTimeout()).toBeNull();
  });

  it('closes on an api it does not serve after authentication, naming it', async () => {
    const b = brokerUnderTest();
    await b.send(handshake());
    await b.send(authenticate(encodeClientResponse({ token: createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice' }, T0).value })));
    await b.send(new Uint8Array([0, 0, 0, 12, 0, 0, 0, 9, 0, 0, 0, 7, 0, 1, 0x63, 0]));
    expect(b.of('close')[0]!.reason.message).toMatch(/^The client sent Produce v9, which this broker does not serve/);
  });

  it('never throws on any bytes in any split, and a close always carries an OAuthBearerError (numRuns 1500)', async () => {
    const prefix = fc.constantFrom(
      new Uint8Array(0), handshake(), request(18, 3, { clientSoftwareName: 'a', clientSoftwareVersion: '1' }),
      new Uint8Array([...handshake(), ...authenticate(encodeClientResponse({ token: createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice' }, T0).value }))]),
    );
    await fc.assert(fc.asyncProperty(prefix, fc.uint8Array({ maxLength: 120 }), fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 20 }), async (head, tail, cuts) => {
      const b = brokerUnderTest({ failedAuthenticationDelayMs: 10 });
      const all = new Uint8Array([...head, ...tail]);
      let at = 0;
      let t = T0;
      for (const c of [...cuts, all.length]) {
        if (at >= all.length) break;
        await b.send(all.subarray(at, at + c), t++);
        at += c;
      }
      b.broker.handleTimeout(t + 1_000_000);
      for (let a = b.broker.poll(); a !== null; a = b.broker.poll()) b.log.push(a);
      for (const close of b.of('close')) expect(close.reason).toBeInstanceOf(OAuthBearerError);
      // Nothing follows a close, and only one close is made.
      const closes = b.of('close');
      expect(closes.length).toBeLessThanOrEqual(1);
      if (closes.length === 1) expect(b.log.at(-1)!.type).toBe('close');
    }), { numRuns: 1500 });
  });
});

describe('client session', () => {
  it('asks ApiVersions v3 first and falls back to the version the broker offers on UNSUPPORTED_VERSION', () => {
    const client = createClientSession({ random: () => 0.5 });
    client.start(T0);
    const first = client.poll() as { type: 'send'; bytes: Uint8Array };
    const sent = decodeRequest(first.bytes.subarray(4));
    expect([sent.apiKey, sent.apiVersion]).toEqual([18, 3]);
    client.receive(encodeResponse({ apiKey: 18, apiVersion: 0, correlationId: sent.header.correlationId, body: { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 0 }] } }), T0);
    const second = decodeRequest((client.poll() as { bytes: Uint8Array }).bytes.subarray(4));
    expect([second.apiKey, second.apiVersion]).toEqual([18, 0]);
  });

  it('closes when the broker does not answer within request.timeout.ms', () => {
    const client = createClientSession({ random: () => 0.5, requestTimeoutMs: 1000 });
    client.start(T0);
    client.poll();
    expect(client.pollTimeout()).toBe(T0 + 1000);
    client.handleTimeout(T0 + 1000);
    expect(client.poll()).toMatchObject({ type: 'close', reason: { code: 'ERR_KAFKA_PROTOCOL', message: 'The broker did not answer ApiVersions within request.timeout.ms (1000 ms)' } });
  });

  it('never throws on any bytes from the broker, in any split (numRuns 1500)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (bytes, step) => {
      const client = createClientSession({ random: () => 0.25 });
      client.start(T0);
      for (let i = 0; i < bytes.length; i += step) client.receive(bytes.subarray(i, i + step), T0);
      for (let a = client.poll(); a !== null; a = client.poll()) if (a.type === 'close') expect(a.reason).toBeInstanceOf(OAuthBearerError);
    }), { numRuns: 1500 });
  });
});
