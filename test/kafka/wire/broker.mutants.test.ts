// The broker connection machine (src/kafka/wire/broker.ts) alone, sans-IO, against crafted requests on a simulated
// clock: every action and outcome, the texts and codes it gives, KIP-368 timing to the millisecond, handshake v0 and
// v1, ApiVersions and Metadata answers, illegal sequences and oversize frames. Kafka's SaslServerAuthenticator,
// KafkaChannel.maybeBeginServerReauthentication and SocketServer are the reference (see the comments at each case).
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../../src/errors.js';
import type { BearerToken } from '../../../src/token.js';
import type { TokenValidation } from '../../../src/sasl/server.js';
import { createBrokerSession, SOCKET_REQUEST_MAX_BYTES, type BrokerAction, type BrokerSessionOptions } from '../../../src/kafka/wire/broker.js';
import { decodeResponse, encodeRequest, SUPPORTED_VERSIONS } from '../../../src/kafka/wire/codec.js';
import { encodeFrame } from '../../../src/kafka/wire/frame.js';
import { ZERO_UUID } from '../../../src/kafka/wire/apis.js';
import { encodeClientResponse } from '../../../src/sasl/gs2.js';

const T0 = 1_700_000_000_000;
const BROKER = { nodeId: 7, host: 'broker.test', port: 9093 };

let correlation = 1000;
const req = (apiKey: number, apiVersion: number, body: object, correlationId = ++correlation) =>
  encodeRequest({ apiKey, apiVersion, correlationId, clientId: 'c', body });
const apiVersions = (version = 3, name = 'my-client', softwareVersion = '1.2.3') =>
  req(18, version, version >= 3 ? { clientSoftwareName: name, clientSoftwareVersion: softwareVersion } : {});
const handshake = (mechanism = 'OAUTHBEARER', version = 1) => req(17, version, { mechanism });
/** A GS2 client first message whose token names its principal and expiry: `alice.1700000060000`. */
const gs2 = (principal: string, expiryMs: number, extra: { authzid?: string; extensions?: Record<string, string> } = {}) =>
  encodeClientResponse({ token: `${principal}.${expiryMs}`, ...extra });
const authenticate = (bytes: Uint8Array, version = 2) => req(36, version, { authBytes: bytes });
const metadata = (version: number, topics: object[] | null) => req(3, version, { topics, allowAutoTopicCreation: false });
/** A request header alone (size, api key, version, correlation id, client id "c"), for apis the codec does not write. */
const header = (apiKey: number, apiVersion: number, extra: number[] = []) => {
  const body = [apiKey >> 8, apiKey & 0xff, (apiVersion >> 8) & 0xff, apiVersion & 0xff, 0, 0, 0, 9, 0, 1, 0x63, ...extra];
  return encodeFrame(Uint8Array.from(body));
};
/** The token `principal.expiry` as a validator would return it. */
const tokenOf = (value: string): BearerToken => {
  const [principal, expiry] = value.split('.');
  return { value, principal: principal!, scope: [], lifetimeMs: Number(expiry), startTimeMs: null };
};

interface HarnessOptions extends Partial<BrokerSessionOptions> {
  /** The driver's answer to a `validate` action; 'hold' leaves it pending. Default: the token's own principal and expiry. */
  validate?: (a: Extract<BrokerAction, { type: 'validate' }>) => TokenValidation | 'hold';
  checkExtensions?: (a: Extract<BrokerAction, { type: 'check-extensions' }>) => Parameters<ReturnType<typeof createBrokerSession>['extensionsChecked']>[0] | 'hold';
  startMs?: number | null;
}

function harness(options: HarnessOptions = {}) {
  const { validate, checkExtensions, startMs, ...rest } = options;
  const broker = createBrokerSession({ broker: BROKER, failedAuthenticationDelayMs: 0, ...rest }, startMs === null ? undefined : (startMs ?? T0));
  const log: BrokerAction[] = [];
  let now = startMs ?? T0;
  const drain = (): void => {
    for (let a = broker.poll(); a !== null; a = broker.poll()) {
      log.push(a);
      if (a.type === 'validate') {
        const r = validate ? validate(a) : { token: tokenOf(a.token) };
        if (r !== 'hold') broker.tokenValidated(r, now);
      } else if (a.type === 'check-extensions') {
        const r = checkExtensions ? checkExtensions(a) : { valid: a.extensions.keys() };
        if (r !== 'hold') broker.extensionsChecked(r, now);
      }
    }
  };
  const h = {
    broker,
    log,
    send(bytes: Uint8Array, at = now): void {
      now = at;
      broker.receive(bytes, at);
      drain();
    },
    timeout(at: number): void {
      now = at;
      broker.handleTimeout(at);
      drain();
    },
    validated(result: TokenValidation, at = now): void {
      now = at;
      broker.tokenValidated(result, at);
      drain();
    },
    checked(verdict: Parameters<typeof broker.extensionsChecked>[0], at = now): void {
      now = at;
      broker.extensionsChecked(verdict, at);
      drain();
    },
    of<T extends BrokerAction['type']>(t: T): Extract<BrokerAction, { type: T }>[] {
      return log.filter((a): a is Extract<BrokerAction, { type: T }> => a.type === t);
    },
    /** The last `send`, decoded as the answer to `apiKey` at `version`. */
    answer(apiKey: number, version: number, index = -1): { correlationId: number; body: Record<string, unknown> } {
      const sends = h.of('send');
      const bytes = sends.at(index)!.bytes;
      const decoded = decodeResponse(bytes.subarray(4), apiKey, version);
      return { correlationId: decoded.header.correlationId, body: decoded.body as unknown as Record<string, unknown> };
    },
    closeReason(): OAuthBearerError {
      const closes = h.of('close');
      expect(closes).toHaveLength(1);
      expect(log.at(-1)!.type).toBe('close');
      return closes[0]!.reason;
    },
    /** Handshake v1 and SaslAuthenticate v2 for `principal`, whose token expires at `expiryMs`. */
    login(principal: string, expiryMs: number, at = now): void {
      h.send(handshake(), at);
      h.send(authenticate(gs2(principal, expiryMs)), at);
    },
  };
  return h;
}

describe('createBrokerSession options', () => {
  const base = { broker: BROKER };
  const usage = (f: () => unknown, message: string) => {
    let thrown: unknown;
    try {
      f();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OAuthBearerError);
    expect(thrown).toMatchObject({ code: 'ERR_USAGE_ARGUMENT', message });
  };

  it('needs options with a broker object', () => {
    const text = 'createBrokerSession: options.broker ({ nodeId, host, port }) is required';
    for (const bad of [null, undefined, 'x', 5, {}, { broker: null }, { broker: 'h:1' }]) usage(() => createBrokerSession(bad as never, T0), text);
    expect(createBrokerSession(base, T0).state).toBe('initial');
  });

  it('needs a non-empty list of non-empty mechanism names', () => {
    const text = 'createBrokerSession: mechanisms must be a non-empty list of mechanism names (sasl.enabled.mechanisms)';
    for (const mechanisms of [[], [''], ['OAUTHBEARER', ''], [7], [{ length: 3 }], [null]]) usage(() => createBrokerSession({ ...base, mechanisms: mechanisms as never }, T0), text);
    expect(createBrokerSession({ ...base, mechanisms: ['X'] }, T0).state).toBe('initial');
  });

  it('needs idleTimeoutMs and failedAuthenticationDelayMs to be finite and ≥ 0, and names the setting', () => {
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      usage(() => createBrokerSession({ ...base, idleTimeoutMs: v }, T0), `createBrokerSession: idleTimeoutMs must be a number ≥ 0, not ${String(v)}`);
      usage(() => createBrokerSession({ ...base, failedAuthenticationDelayMs: v }, T0), `createBrokerSession: failedAuthenticationDelayMs must be a number ≥ 0, not ${String(v)}`);
    }
    expect(createBrokerSession({ ...base, idleTimeoutMs: 0, failedAuthenticationDelayMs: 0 }, T0).pollTimeout()).toBeNull();
  });

  it('needs a finite opening time when one is given, and takes none', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY]) usage(() => createBrokerSession(base, v), 'createBrokerSession: nowMs must be a finite number');
    expect(createBrokerSession(base).state).toBe('initial');
  });

  it('refuses a time that is not finite at every entry point, naming it', () => {
    const h = harness({ validate: () => 'hold' });
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000)));
    const b = h.broker;
    usage(() => b.receive(new Uint8Array(0), Number.NaN), 'receive: nowMs must be a finite number');
    usage(() => b.tokenValidated({ token: tokenOf(`alice.${T0}`) }, Number.NaN), 'tokenValidated: nowMs must be a finite number');
    usage(() => b.extensionsChecked({ valid: [] }, Number.POSITIVE_INFINITY), 'extensionsChecked: nowMs must be a finite number');
    usage(() => b.handleTimeout(Number.NaN), 'handleTimeout: nowMs must be a finite number');
  });
});

describe('idle clock (connections.max.idle.ms)', () => {
  it('starts at the opening time, or at the first call that carries a time when none was given', () => {
    const opened = harness({ idleTimeoutMs: 5000 });
    expect(opened.broker.pollTimeout()).toBe(T0 + 5000);
    const unopened = harness({ idleTimeoutMs: 5000, startMs: null });
    expect(unopened.broker.pollTimeout()).toBeNull();
    unopened.timeout(T0 + 100);
    expect(unopened.log).toEqual([]);
    expect(unopened.broker.pollTimeout()).toBe(T0 + 5100);
    unopened.timeout(T0 + 5099);
    expect(unopened.log).toEqual([]);
    unopened.timeout(T0 + 5100);
    expect(unopened.closeReason().message).toBe('The connection was idle for 5000 ms (connections.max.idle.ms is 5000); Kafka closes idle connections');
    expect(unopened.closeReason().code).toBe('ERR_KAFKA_PROTOCOL');
  });

  it('counts traffic both ways: a request received and an answer sent later both move it', () => {
    const h = harness({ idleTimeoutMs: 5000, validate: () => 'hold' });
    h.send(handshake(), T0 + 1000);
    expect(h.broker.pollTimeout()).toBe(T0 + 6000);
    h.send(authenticate(gs2('alice', T0 + 3_600_000)), T0 + 2000);
    // No idle close while the driver validates, even when it is asked to check the time.
    expect(h.broker.pollTimeout()).toBeNull();
    h.timeout(T0 + 60_000);
    expect(h.of('close')).toHaveLength(0);
    h.validated({ token: tokenOf(`alice.${T0 + 3_600_000}`) }, T0 + 61_000);
    expect(h.of('authenticated')).toHaveLength(1);
    // The answer went out at 61000: the clock restarts there, not at the request's 2000.
    expect(h.broker.pollTimeout()).toBe(T0 + 66_000);
  });

  it('idleTimeoutMs 0 never closes for idleness', () => {
    const h = harness({ idleTimeoutMs: 0 });
    expect(h.broker.pollTimeout()).toBeNull();
    h.timeout(T0 + 10 ** 9);
    expect(h.log).toEqual([]);
    expect(h.broker.state).toBe('initial');
  });
});

describe('ApiVersions before authentication', () => {
  it('answers v0 to v4 with every api and range this broker serves', () => {
    for (const version of [0, 1, 2, 3, 4]) {
      const h = harness();
      h.send(apiVersions(version));
      const { body } = h.answer(18, version);
      expect(body).toMatchObject({ errorCode: 0, apiKeys: SUPPORTED_VERSIONS.map((v) => ({ ...v })) });
      expect(h.broker.state).toBe('handshaken');
    }
  });

  it('answers a version above 4 or below 0 at v0 with UNSUPPORTED_VERSION and its ApiVersions range, and takes another ApiVersions (KIP-511)', () => {
    for (const bytes of [apiVersions(5), header(18, 0xffff)]) {
      const h = harness();
      h.send(bytes);
      const { body } = h.answer(18, 0);
      expect(body).toMatchObject({ errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
      expect(h.broker.state).toBe('initial');
      h.send(apiVersions(3));
      expect(h.answer(18, 3).body).toMatchObject({ errorCode: 0 });
      expect(h.broker.state).toBe('handshaken');
    }
  });

  it('answers INVALID_REQUEST to a v3+ request whose software name or version breaks KIP-511\'s pattern, and stays ready for another', () => {
    for (const [name, version] of [['-bad', '1.0'], ['good', '1.0-'], ['', '1'], ['a', '']]) {
      const h = harness();
      h.send(apiVersions(3, name, version));
      expect(h.answer(18, 3).body).toMatchObject({ errorCode: 42, apiKeys: [], throttleTimeMs: 0 });
      expect(h.broker.state).toBe('initial');
      // Still in HANDSHAKE_OR_VERSIONS_REQUEST: a garbage frame now is "before SaslHandshake", closed at once.
      h.send(encodeFrame(Uint8Array.from([0x47, 0x45])));
      expect(h.closeReason().message).toMatch(/^The client sent a frame of 2 bytes that is not a Kafka request before SaslHandshake: /);
      expect(h.of('authentication-failed')).toHaveLength(0);
    }
  });

  it('keeps the client software of a v3 request for the authenticated action; none from v2', () => {
    const h3 = harness();
    h3.send(apiVersions(3, 'my-client', '1.2.3'));
    h3.login('alice', T0 + 60_000);
    expect(h3.of('authenticated')[0]!.clientSoftware).toEqual({ name: 'my-client', version: '1.2.3' });
    const h2 = harness();
    h2.send(apiVersions(2));
    h2.login('alice', T0 + 60_000);
    expect(h2.of('authenticated')[0]!.clientSoftware).toBeNull();
  });

  it('closes on a v3 request whose body does not parse, keeping the decoder\'s error as cause', () => {
    const h = harness();
    h.send(header(18, 3, [0, 5, 0x61]));
    const reason = h.closeReason();
    expect(reason.message).toMatch(/^The client's ApiVersions v3 request does not parse: /);
    expect(reason.code).toBe('ERR_KAFKA_PROTOCOL');
    expect((reason.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
    expect(h.of('send')).toHaveLength(0);
  });

  it('closes on a second ApiVersions before the handshake, with Kafka\'s state in the text', () => {
    const h = harness();
    h.send(apiVersions(3));
    h.send(apiVersions(3));
    expect(h.closeReason().message).toBe('The client sent ApiVersions a second time before its SaslHandshake; Kafka closes the connection (Unexpected ApiVersions request received during SASL authentication state HANDSHAKE_REQUEST)');
    expect(h.of('send')).toHaveLength(1);
  });

  it('closes at once, without a failed authentication, on a frame after ApiVersions that is not a Kafka request', () => {
    const h = harness();
    h.send(apiVersions(3));
    h.send(encodeFrame(Uint8Array.from([0x60, 0x01, 0x02])));
    const reason = h.closeReason();
    expect(reason.message).toMatch(/^The client sent a frame of 3 bytes that is not a Kafka request after ApiVersions: /);
    expect((reason.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
    expect(h.of('authentication-failed')).toHaveLength(0);
  });

  it('fails the authentication, after the delay, on a first frame that is not a Kafka request (GSSAPI not enabled)', () => {
    const h = harness({ failedAuthenticationDelayMs: 100 });
    h.send(encodeFrame(Uint8Array.from([0x60, 0x01, 0x02])));
    const [failure] = h.of('authentication-failed');
    expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null, reauthentication: false });
    expect(failure!.error.message).toMatch(/^The client sent a frame of 3 bytes that is not a Kafka request as its first request: /);
    expect(h.broker.state).toBe('closed');
    expect(h.broker.pollTimeout()).toBe(T0 + 100);
    h.timeout(T0 + 99);
    expect(h.of('close')).toHaveLength(0);
    h.timeout(T0 + 100);
    expect(h.closeReason()).toBe(failure!.error);
    expect(h.of('send')).toHaveLength(0);
    expect(h.broker.pollTimeout()).toBeNull();
  });
});

describe('requests before the handshake', () => {
  it('fails a request of another api with Kafka\'s ApiKeys name, no answer, and the close after the delay', () => {
    for (const [bytes, name, enumName] of [[metadata(1, null), 'Metadata', 'METADATA'], [authenticate(new Uint8Array([1])), 'SaslAuthenticate', 'SASL_AUTHENTICATE'], [header(0, 9, [0]), 'Produce', 'PRODUCE']] as const) {
      const h = harness({ failedAuthenticationDelayMs: 100 });
      h.send(bytes);
      const [failure] = h.of('authentication-failed');
      expect(failure!.error.message).toBe(`The client sent ${name} before SaslHandshake; Kafka closes the connection without an answer (Unexpected Kafka request of type ${enumName} during SASL handshake.)`);
      expect(failure!.error.code).toBe('ERR_KAFKA_PROTOCOL');
      expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null });
      // Kafka mutes a failed channel: nothing it sends now is read.
      h.send(apiVersions(3), T0 + 50);
      expect(h.of('request')).toHaveLength(1);
      h.timeout(T0 + 100);
      expect(h.closeReason()).toBe(failure!.error);
      expect(h.of('send')).toHaveLength(0);
    }
  });

  it('reports each request it reads with its header', () => {
    const h = harness();
    h.send(req(18, 3, { clientSoftwareName: 'a', clientSoftwareVersion: '1' }, 77));
    expect(h.of('request')).toEqual([{ type: 'request', apiKey: 18, apiVersion: 3, correlationId: 77, clientId: 'c' }]);
    expect(h.answer(18, 3).correlationId).toBe(77);
  });
});

describe('a failed or closed connection', () => {
  it('reads nothing more, whatever receive is given, while it waits out the delay and once closed', () => {
    const h = harness({ failedAuthenticationDelayMs: 100 });
    h.send(metadata(1, null));
    expect(h.broker.state).toBe('closed');
    expect(() => h.broker.receive(null as never, T0 + 1)).not.toThrow();
    h.send(apiVersions(3), T0 + 2);
    h.timeout(T0 + 100);
    h.closeReason();
    expect(() => h.broker.receive('x' as never, T0 + 101)).not.toThrow();
    h.send(apiVersions(3), T0 + 102);
    h.timeout(T0 + 10 ** 9);
    expect(h.of('request')).toHaveLength(1);
    expect(h.log.at(-1)!.type).toBe('close');
    expect(h.broker.pollTimeout()).toBeNull();
  });
});

describe('SaslHandshake', () => {
  it('answers an enabled mechanism with the enabled list, and refuses another with UNSUPPORTED_SASL_MECHANISM and the list', () => {
    const h = harness({ mechanisms: ['OAUTHBEARER', 'PLAIN'] });
    h.send(handshake());
    expect(h.answer(17, 1).body).toEqual({ errorCode: 0, mechanisms: ['OAUTHBEARER', 'PLAIN'] });
    expect(h.broker.state).toBe('authenticating');
    const long = `SCRAM-${'X'.repeat(100)}`;
    const refused = harness({ mechanisms: ['OAUTHBEARER', 'PLAIN'], failedAuthenticationDelayMs: 10 });
    refused.send(handshake(long));
    const [failure] = refused.of('authentication-failed');
    expect(failure!.error.message).toBe(`The client asked for SASL mechanism "${long.slice(0, 64)}", which is not enabled here (enabled: OAUTHBEARER, PLAIN); Kafka answers UNSUPPORTED_SASL_MECHANISM and closes`);
    expect(failure!.error.code).toBe('ERR_KAFKA_PROTOCOL');
    expect(failure).toMatchObject({ kafkaErrorCode: 33, kafkaErrorMessage: null });
    expect(refused.of('send')).toHaveLength(0);
    refused.timeout(T0 + 10);
    expect(refused.answer(17, 1).body).toEqual({ errorCode: 33, mechanisms: ['OAUTHBEARER', 'PLAIN'] });
    expect(refused.closeReason()).toBe(failure!.error);
  });

  it('names at most 64 characters of an enabled mechanism it cannot run', () => {
    const long = `X-${'M'.repeat(80)}`;
    const h = harness({ mechanisms: [long] });
    h.send(handshake(long));
    h.send(authenticate(new Uint8Array([0])));
    expect(h.of('authentication-failed')[0]!.error.message).toBe(`This broker authenticates OAUTHBEARER only, not ${long.slice(0, 64)}: Authentication failed during authentication due to invalid credentials with SASL mechanism ${long}`);
  });

  it('closes on a handshake whose body does not parse, keeping the decoder\'s error as cause', () => {
    const h = harness();
    h.send(header(17, 1, [0, 20, 0x41]));
    const reason = h.closeReason();
    expect(reason.message).toMatch(/^The client's SaslHandshake v1 request does not parse: /);
    expect((reason.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
  });

  it('an enabled mechanism other than OAUTHBEARER: the handshake succeeds, its first token fails with Kafka\'s text and no answer', () => {
    const h = harness({ mechanisms: ['PLAIN'] });
    h.send(handshake('PLAIN'));
    expect(h.answer(17, 1).body).toEqual({ errorCode: 0, mechanisms: ['PLAIN'] });
    h.send(authenticate(new TextEncoder().encode('\0alice\0secret')));
    const [failure] = h.of('authentication-failed');
    expect(failure!.error.message).toBe('This broker authenticates OAUTHBEARER only, not PLAIN: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN');
    expect(failure!.error.code).toBe('ERR_AUTHENTICATION_FAILED');
    expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null });
    expect(h.of('validate')).toHaveLength(0);
    expect(h.of('send')).toHaveLength(1);
    expect(h.closeReason()).toBe(failure!.error);
  });
});

describe('SaslAuthenticate (handshake v1)', () => {
  it('answers success with the request\'s correlation id and version, "" as errorMessage and the KIP-368 session lifetime', () => {
    const h = harness();
    h.send(handshake());
    h.send(req(36, 2, { authBytes: gs2('alice', T0 + 60_000) }, 4242));
    const { correlationId, body } = h.answer(36, 2);
    expect(correlationId).toBe(4242);
    expect(body).toMatchObject({ errorCode: 0, errorMessage: '', sessionLifetimeMs: 60_000 });
    expect((body.authBytes as Uint8Array).length).toBe(0);
    expect(h.of('authenticated')[0]).toMatchObject({ principal: 'alice', sessionLifetimeMs: 60_000, reauthentication: false, clientSoftware: null });
    expect(h.broker.state).toBe('authenticated');
  });

  it('answers a v0 SaslAuthenticate at v0 (no session lifetime field)', () => {
    const h = harness();
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000), 0));
    const { body } = h.answer(36, 0);
    expect(body).toMatchObject({ errorCode: 0, errorMessage: '' });
    expect(body.sessionLifetimeMs).toBeUndefined();
  });

  it('caps the session lifetime at connections.max.reauth.ms, and gives 0 for a token already expired', () => {
    const capped = harness({ maxReauthMs: 2000 });
    capped.login('alice', T0 + 60_000);
    expect(capped.answer(36, 2).body.sessionLifetimeMs).toBe(2000);
    const expired = harness();
    expired.login('alice', T0 - 5);
    expect(expired.answer(36, 2).body.sessionLifetimeMs).toBe(0);
    expect(expired.of('authenticated')[0]!.sessionLifetimeMs).toBe(0);
  });

  it('asks to validate with the token, authzid and extensions, then to check the extensions, and keeps only those marked valid', () => {
    const h = harness({ checkExtensions: () => ({ valid: ['traceId'] }) });
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000, { authzid: 'alice', extensions: { traceId: 'x1', other: 'y' } })));
    const [validate] = h.of('validate');
    expect(validate).toMatchObject({ token: `alice.${T0 + 60_000}`, authzid: 'alice', reauthentication: false });
    expect([...validate!.extensions]).toEqual([['traceId', 'x1'], ['other', 'y']]);
    const [check] = h.of('check-extensions');
    expect(check!.token).toMatchObject({ principal: 'alice' });
    expect([...check!.extensions]).toEqual([['traceId', 'x1'], ['other', 'y']]);
    expect([...h.of('authenticated')[0]!.extensions]).toEqual([['traceId', 'x1']]);
  });

  it('answers SASL_AUTHENTICATION_FAILED with Kafka\'s text for refused extensions', () => {
    const h = harness({ checkExtensions: () => ({ valid: [], invalid: new Map([['traceId', 'not allowed']]) }) });
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000, { extensions: { traceId: 'x1' } })));
    const [failure] = h.of('authentication-failed');
    expect(failure).toMatchObject({ kafkaErrorCode: 58, kafkaErrorMessage: 'Authentication failed: 1 extensions are invalid! They are: traceId: not allowed' });
    expect(h.answer(36, 2).body).toMatchObject({ errorCode: 58, errorMessage: 'Authentication failed: 1 extensions are invalid! They are: traceId: not allowed' });
    expect(h.broker.state).toBe('closed');
  });

  it('closes without an answer when the validator fails without a protocol status, keeping its error as cause', () => {
    const boom = new Error('jwks fetch failed');
    const h = harness({ validate: () => ({ error: boom }) });
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000)));
    const [failure] = h.of('authentication-failed');
    expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null });
    expect(failure!.error.cause).toBe(boom);
    expect(h.of('send')).toHaveLength(1); // the handshake answer only
    expect(h.closeReason()).toBe(failure!.error);
  });

  it('an error challenge goes out with error code 0 and session lifetime 0; the %x01 reply gets SASL_AUTHENTICATION_FAILED', () => {
    const refusal = new OAuthBearerError('ERR_JWT_EXPIRED', 'The token expired', { status: 'invalid_token' });
    const h = harness({ validate: () => ({ error: refusal }) });
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000)));
    const challenge = h.answer(36, 2).body;
    expect(challenge).toMatchObject({ errorCode: 0, errorMessage: '', sessionLifetimeMs: 0 });
    expect(new TextDecoder().decode(challenge.authBytes as Uint8Array)).toBe('{"status":"invalid_token"}');
    h.send(authenticate(new Uint8Array([1])));
    expect(h.answer(36, 2).body).toMatchObject({ errorCode: 58, errorMessage: '{"status":"invalid_token"}' });
    expect(h.of('authentication-failed')[0]!.error.cause).toBe(refusal);
  });

  it('holds frames that arrive while a validation is pending, and after a failure drops them: one failure, one close, nothing after', () => {
    for (const delay of [0, 50]) {
      const h = harness({ failedAuthenticationDelayMs: delay, validate: () => 'hold' });
      h.send(handshake());
      // SaslAuthenticate, then a frame announcing 2^31-1 bytes, in one read.
      h.send(Uint8Array.from([...authenticate(gs2('alice', T0 + 60_000)), 0x7f, 0xff, 0xff, 0xff]));
      expect(h.of('validate')).toHaveLength(1);
      expect(h.of('authentication-failed')).toHaveLength(0);
      h.validated({ error: new Error('validator down') });
      h.timeout(T0 + delay);
      expect(h.of('authentication-failed')).toHaveLength(1);
      expect(h.of('authentication-failed')[0]!.error.code).toBe('ERR_VALIDATOR');
      h.closeReason();
    }
  });

  it('refuses tokenValidated and extensionsChecked that answer nothing asked, naming the state', () => {
    const h = harness({ checkExtensions: () => 'hold' });
    const usage = (f: () => unknown, message: string) => expect(f).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE', message }));
    usage(() => h.broker.tokenValidated({ token: tokenOf(`a.${T0}`) }, T0), "tokenValidated() answers a 'validate' action; the broker session is initial and asked for none");
    usage(() => h.broker.extensionsChecked({ valid: [] }, T0), "extensionsChecked() answers a 'check-extensions' action; the broker session is initial and asked for none");
    h.send(handshake());
    h.send(authenticate(gs2('alice', T0 + 60_000)));
    expect(h.of('check-extensions')).toHaveLength(1);
    // Waiting for check-extensions, not validate.
    usage(() => h.broker.tokenValidated({ token: tokenOf(`a.${T0}`) }, T0), "tokenValidated() answers a 'validate' action; the broker session is authenticating and asked for none");
    h.checked({ valid: [] });
    expect(h.broker.state).toBe('authenticated');
    usage(() => h.broker.extensionsChecked({ valid: [] }, T0), "extensionsChecked() answers a 'check-extensions' action; the broker session is authenticated and asked for none");
    const v = harness({ validate: () => 'hold' });
    v.send(handshake());
    v.send(authenticate(gs2('alice', T0 + 60_000)));
    usage(() => v.broker.extensionsChecked({ valid: [] }, T0), "extensionsChecked() answers a 'check-extensions' action; the broker session is authenticating and asked for none");
  });
});

describe('other requests during SASL authentication', () => {
  it('answers ApiVersions, SaslHandshake and Metadata with ILLEGAL_SASL_STATE and fails; an api it cannot encode gets no answer', () => {
    const cases = [
      { bytes: apiVersions(3), name: 'ApiVersions', enumName: 'API_VERSIONS', answer: [18, 3, { errorCode: 34, apiKeys: [], throttleTimeMs: 0 }] },
      { bytes: handshake(), name: 'SaslHandshake', enumName: 'SASL_HANDSHAKE', answer: [17, 1, { errorCode: 34, mechanisms: [] }] },
      { bytes: metadata(12, [{ name: 't' }]), name: 'Metadata', enumName: 'METADATA', answer: [3, 12, { brokers: [], topics: [{ name: 't', errorCode: 34 }] }] },
      { bytes: header(0, 9, [0]), name: 'Produce', enumName: 'PRODUCE', answer: null },
    ] as const;
    for (const c of cases) {
      const h = harness();
      h.send(handshake());
      h.send(c.bytes);
      const [failure] = h.of('authentication-failed');
      expect(failure!.error.message).toBe(`The client sent ${c.name} instead of SaslAuthenticate after SaslHandshake; Kafka answers ILLEGAL_SASL_STATE and closes (Unexpected Kafka request of type ${c.enumName} during SASL authentication.)`);
      expect(failure!.error.cause).toBeUndefined();
      expect(failure!.kafkaErrorCode).toBe(c.answer === null ? null : 34);
      expect(failure!.kafkaErrorMessage).toBeNull();
      if (c.answer === null) expect(h.of('send')).toHaveLength(1);
      else expect(h.answer(c.answer[0], c.answer[1]).body).toMatchObject(c.answer[2]);
      h.closeReason();
    }
  });

  it('closes at once on a SaslAuthenticate at a version it does not have, or a request whose bytes do not parse', () => {
    const unsupported = harness();
    unsupported.send(handshake());
    unsupported.send(header(36, 3, [0, 0, 0, 1, 1, 0]));
    const r1 = unsupported.closeReason();
    expect(r1.message).toMatch(/^The client's SaslAuthenticate v3 request during SASL authentication does not parse or has an unsupported version: /);
    expect((r1.cause as OAuthBearerError).code).toBe('ERR_KAFKA_VERSION');
    expect(unsupported.of('authentication-failed')).toHaveLength(0);
    const truncated = harness();
    truncated.send(handshake());
    truncated.send(header(3, 1, [0, 0, 0, 5]));
    const r2 = truncated.closeReason();
    expect(r2.message).toMatch(/^The client's Metadata v1 request during SASL authentication does not parse or has an unsupported version: /);
    expect((r2.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
  });

  it('fails without an answer on another api at a version the codec does not read', () => {
    const h = harness();
    h.send(handshake());
    h.send(header(3, 13, [0]));
    const [failure] = h.of('authentication-failed');
    expect(failure!.error.message).toMatch(/^The client sent Metadata instead of SaslAuthenticate after SaslHandshake/);
    expect(failure!.kafkaErrorCode).toBeNull();
    expect(h.of('send')).toHaveLength(1);
  });

  it('closes at once on a frame during authentication that is not a Kafka request', () => {
    const h = harness();
    h.send(handshake());
    h.send(encodeFrame(Uint8Array.from([0x60, 1])));
    expect(h.closeReason().message).toMatch(/^The client sent a frame of 2 bytes that is not a Kafka request during SASL authentication: /);
    expect(h.of('authentication-failed')).toHaveLength(0);
  });
});

describe('SaslHandshake v0: raw tokens', () => {
  it('reads the token as a bare frame and answers success with an empty bare frame', () => {
    const h = harness();
    h.send(handshake('OAUTHBEARER', 0));
    expect(h.answer(17, 0).body).toEqual({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    h.send(encodeFrame(gs2('alice', T0 + 60_000)));
    expect([...h.of('send').at(-1)!.bytes]).toEqual([0, 0, 0, 0]);
    expect(h.of('authenticated')[0]).toMatchObject({ principal: 'alice', sessionLifetimeMs: 60_000 });
  });

  it('sends the error challenge bare and closes after the %x01 reply without an answer or Kafka error code', () => {
    const h = harness({ validate: () => ({ error: new OAuthBearerError('ERR_JWT_EXPIRED', 'expired', { status: 'invalid_token' }) }) });
    h.send(handshake('OAUTHBEARER', 0));
    h.send(encodeFrame(gs2('alice', T0 + 60_000)));
    expect(new TextDecoder().decode(h.of('send').at(-1)!.bytes.subarray(4))).toBe('{"status":"invalid_token"}');
    h.send(encodeFrame(Uint8Array.of(1)));
    const [failure] = h.of('authentication-failed');
    expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null });
    expect(h.of('send')).toHaveLength(2);
    h.closeReason();
  });
});

describe('frame size bounds', () => {
  it('takes a frame of sasl.server.max.receive.size bytes before authentication and fails one byte more', () => {
    const ok = harness({ maxReceiveBytes: 64 });
    ok.send(Uint8Array.from([0, 0, 0, 64, ...header(18, 0).subarray(4), ...new Array(64 - 11).fill(0)]));
    expect(ok.answer(18, 0).body).toMatchObject({ errorCode: 0 });
    const over = harness({ maxReceiveBytes: 64 });
    over.send(Uint8Array.from([0, 0, 0, 65]));
    const [failure] = over.of('authentication-failed');
    expect(failure!.error.message).toMatch(/^The client sent a frame above sasl\.server\.max\.receive\.size \(64 bytes\) before authenticating, or a negative size; Kafka fails the authentication and closes \(Invalid receive \(size = 65 larger than 64\)/);
    expect((failure!.error.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
    expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null });
    expect(over.closeReason()).toBe(failure!.error);
  });

  it('uses 524288 bytes by default', () => {
    const h = harness();
    h.send(Uint8Array.from([0, 8, 0, 1]));
    expect(h.of('authentication-failed')[0]!.error.message).toContain('(524288 bytes)');
  });

  it('lifts the bound to socket.request.max.bytes once authenticated, and lowers it again for a re-authentication', () => {
    const h = harness({ maxReceiveBytes: 64 });
    h.login('alice', T0 + 3_600_000);
    const big = metadata(1, [{ name: 't'.repeat(100) }]);
    expect(big.length).toBeGreaterThan(68);
    h.send(big);
    expect(h.answer(3, 1).body).toMatchObject({ topics: [{ name: 't'.repeat(100), errorCode: 3 }] });
    h.send(Uint8Array.from([0x06, 0x40, 0x00, 0x01])); // 104857601 bytes
    const reason = h.closeReason();
    expect(reason.message).toMatch(new RegExp(`^The client sent a frame above socket\\.request\\.max\\.bytes \\(${SOCKET_REQUEST_MAX_BYTES} bytes\\) or a negative size; Kafka closes the connection \\(Invalid receive`));
    expect(h.of('authentication-failed')).toHaveLength(0);

    const re = harness({ maxReceiveBytes: 64 });
    re.login('alice', T0 + 3_600_000);
    re.send(handshake(), T0 + 10);
    re.send(big, T0 + 10);
    expect(re.of('authentication-failed')[0]!.error.message).toMatch(/sasl\.server\.max\.receive\.size \(64 bytes\)/);
    expect(re.of('authentication-failed')[0]!.reauthentication).toBe(true);
  });
});

describe('after authentication', () => {
  const authenticated = (options: HarnessOptions = {}) => {
    const h = harness(options);
    h.login('alice', T0 + 3_600_000);
    expect(h.broker.state).toBe('authenticated');
    return h;
  };

  it('answers ApiVersions at any version, a too-new one at v0 with UNSUPPORTED_VERSION, and stays open', () => {
    const h = authenticated();
    h.send(apiVersions(4));
    expect(h.answer(18, 4).body).toMatchObject({ errorCode: 0, apiKeys: SUPPORTED_VERSIONS.map((v) => ({ ...v })) });
    h.send(apiVersions(6));
    expect(h.answer(18, 0).body).toMatchObject({ errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] });
    expect(h.of('close')).toHaveLength(0);
  });

  it('answers Metadata v0 to v12 with this broker, its rack and cluster id', () => {
    const h = authenticated({ broker: { ...BROKER, rack: 'r1', clusterId: 'cluster-1' } });
    for (const v of [0, 1, 12]) {
      h.send(metadata(v, [{ name: 't1' }]));
      const { body } = h.answer(3, v);
      expect(body.brokers).toEqual([{ nodeId: 7, host: 'broker.test', port: 9093, ...(v >= 1 ? { rack: 'r1' } : {}) }]);
      expect(body.topics).toMatchObject([{ name: 't1', errorCode: 3, partitions: [], ...(v >= 1 ? { isInternal: false } : {}) }]);
      if (v >= 2) expect(body.clusterId).toBe('cluster-1');
      if (v >= 1) expect(body.controllerId).toBe(7);
    }
    expect(h.of('close')).toHaveLength(0);
  });

  it('Metadata without rack or cluster id answers null for both', () => {
    const h = authenticated();
    h.send(metadata(12, null));
    expect(h.answer(3, 12).body).toMatchObject({ brokers: [{ nodeId: 7, rack: null }], clusterId: null, topics: [] });
  });

  it('Metadata by topic id: UNKNOWN_TOPIC_ID (100), its id echoed, the name "" before v12 and null from v12', () => {
    const id = 'AAAAAAAAAAAAAAAAAAAAAQ';
    const h = authenticated();
    h.send(metadata(10, [{ topicId: id, name: null }, { name: 'named' }]));
    expect(h.answer(3, 10).body.topics).toMatchObject([
      { name: '', topicId: id, errorCode: 100 },
      { name: 'named', topicId: ZERO_UUID, errorCode: 3 },
    ]);
    h.send(metadata(12, [{ topicId: id, name: null }]));
    expect(h.answer(3, 12).body.topics).toMatchObject([{ name: null, topicId: id, errorCode: 100 }]);
  });

  it('an ILLEGAL_SASL_STATE Metadata answer turns a null name into "" at every version', () => {
    const h = harness();
    h.send(handshake());
    h.send(metadata(12, [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAQ', name: null }]));
    expect(h.answer(3, 12).body.topics).toMatchObject([{ name: '', errorCode: 34 }]);
  });

  it('Metadata v0: an empty list asks for all topics (none here), a named one is answered', () => {
    const h = authenticated();
    h.send(metadata(0, []));
    expect(h.answer(3, 0).body.topics).toEqual([]);
    h.send(metadata(0, [{ name: 'a' }]));
    expect(h.answer(3, 0).body.topics).toMatchObject([{ name: 'a', errorCode: 3 }]);
  });

  it('answers SaslAuthenticate with ILLEGAL_SASL_STATE and KafkaApis\' text, and stays open', () => {
    const h = authenticated();
    h.send(authenticate(new Uint8Array([1])));
    expect(h.answer(36, 2).body).toMatchObject({ errorCode: 34, errorMessage: 'SaslAuthenticate request received after successful authentication', sessionLifetimeMs: 0 });
    expect(h.of('close')).toHaveLength(0);
  });

  it('closes on an api or version it does not serve, with Kafka\'s text', () => {
    for (const [bytes, text] of [
      [header(0, 9, [0]), 'Produce v9'],
      [header(3, 13, [0]), 'Metadata v13'],
      [header(17, 2), 'SaslHandshake v2'],
      [header(3, 0xffff), 'Metadata v-1'],
    ] as const) {
      const h = authenticated();
      h.send(bytes, T0 + 5000);
      const [name, v] = text.split(' v');
      const enumName = name === 'Produce' ? 'PRODUCE' : name === 'Metadata' ? 'METADATA' : 'SASL_HANDSHAKE';
      expect(h.closeReason().message).toBe(`The client sent ${text}, which this broker does not serve (after authentication it answers ApiVersions and Metadata only); Kafka closes the connection (Received request api key ${enumName} with version ${v} which is not enabled)`);
    }
    const v0 = authenticated();
    v0.send(metadata(0, []));
    expect(v0.of('close')).toHaveLength(0);
  });

  it('closes on a request whose body does not parse, keeping the decoder\'s error as cause', () => {
    for (const [bytes, what] of [[header(3, 12, [0]), 'Metadata v12'], [header(18, 3, [0, 5]), 'ApiVersions v3']] as const) {
      const h = authenticated();
      h.send(bytes);
      const reason = h.closeReason();
      expect(reason.message).toMatch(new RegExp(`^The client's ${what} request does not parse: `));
      expect((reason.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
    }
  });

  it('closes at once on a frame that is not a Kafka request', () => {
    const h = authenticated();
    h.send(encodeFrame(Uint8Array.from([0x47])));
    expect(h.closeReason().message).toMatch(/^The client sent a frame of 1 bytes that is not a Kafka request after authentication: /);
  });

  it('serves a request at the session\'s expiry and closes at the next one a millisecond later (SocketServer)', () => {
    const h = harness({ maxReauthMs: 2000 });
    h.login('alice', T0 + 3_600_000);
    h.send(metadata(1, null), T0 + 2000);
    expect(h.of('close')).toHaveLength(0);
    h.send(metadata(1, null), T0 + 2001);
    expect(h.closeReason().message).toBe('The client sent Metadata 1 ms after its session expired (KIP-368 session lifetime, token expiry or connections.max.reauth.ms) instead of re-authenticating; Kafka closes the connection');
  });
});

describe('KIP-368 re-authentication', () => {
  it('re-authenticates on a SaslHandshake, reports reauthentication everywhere, and restarts the session lifetime', () => {
    const h = harness({ maxReauthMs: 2000 });
    h.login('alice', T0 + 3_600_000);
    h.send(handshake(), T0 + 1800);
    expect(h.answer(17, 1).body).toEqual({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    h.send(authenticate(gs2('alice', T0 + 3_600_000)), T0 + 1800);
    expect(h.of('validate')[1]!.reauthentication).toBe(true);
    expect(h.of('authenticated')[1]).toMatchObject({ reauthentication: true, sessionLifetimeMs: 2000, principal: 'alice' });
    // The new session runs to 1800 + 2000.
    h.send(metadata(1, null), T0 + 3800);
    expect(h.of('close')).toHaveLength(0);
    h.send(metadata(1, null), T0 + 3801);
    expect(h.closeReason().message).toMatch(/^The client sent Metadata 1 ms after its session expired/);
  });

  it('a SaslHandshake within a second of the last re-authentication start is an ordinary request: ILLEGAL_SASL_STATE', () => {
    const h = harness({ startMs: 0 });
    h.login('alice', 3_600_000, 0);
    // The first re-authentication is allowed at any time, even 500 ms after the connection opened at epoch 0.
    h.send(handshake(), 500);
    h.send(authenticate(gs2('alice', 3_600_000)), 600);
    expect(h.of('authenticated')).toHaveLength(2);
    h.send(handshake(), 1499);
    expect(h.answer(17, 1).body).toEqual({ errorCode: 34, mechanisms: [] });
    expect(h.broker.state).toBe('authenticated');
    // The machine says why, with both times: 999 ms since the re-authentication began at 500, 899 since it ended at 600.
    expect(h.of('reauthentication-refused')).toEqual([{
      type: 'reauthentication-refused', sinceReauthenticationMs: 999, sinceAuthenticationMs: 899,
      error: expect.objectContaining({ code: 'ERR_KAFKA_PROTOCOL', message: "The client began a re-authentication 999 ms after its previous one began (899 ms after it last authenticated); Kafka's broker allows one re-authentication per second (KafkaChannel MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS), answers this SaslHandshake as an authenticated connection's request and keeps the current session" }),
    }]);
    h.send(handshake(), 1500);
    expect(h.of('reauthentication-refused')).toHaveLength(1);
    expect(h.answer(17, 1).body).toEqual({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    expect(h.broker.state).toBe('authenticating');
  });

  it('refuses a change of principal with Kafka\'s text and SASL_AUTHENTICATION_FAILED', () => {
    const h = harness({ maxReauthMs: 2000 });
    h.login('alice', T0 + 3_600_000);
    h.send(handshake(), T0 + 1000);
    h.send(authenticate(gs2('bob', T0 + 3_600_000)), T0 + 1000);
    const [failure] = h.of('authentication-failed');
    const text = 'Cannot change principals during re-authentication from User.alice: User.bob';
    expect(failure).toMatchObject({ kafkaErrorCode: 58, kafkaErrorMessage: text, reauthentication: true });
    expect(failure!.error).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', message: `The re-authentication presented a token for another principal; Kafka keeps a connection's principal for its life: ${text}` });
    expect(h.answer(36, 2).body).toMatchObject({ errorCode: 58, errorMessage: text });
    h.closeReason();
  });

  it('a change of principal over raw (v0) tokens closes without an answer', () => {
    const h = harness();
    h.send(handshake('OAUTHBEARER', 0));
    h.send(encodeFrame(gs2('alice', T0 + 3_600_000)));
    h.send(handshake('OAUTHBEARER', 0), T0 + 1000);
    h.send(encodeFrame(gs2('bob', T0 + 3_600_000)), T0 + 1000);
    const [failure] = h.of('authentication-failed');
    expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null, reauthentication: true });
    expect(h.of('send')).toHaveLength(3);
    h.closeReason();
  });

  it('a re-authentication with another enabled mechanism: the handshake succeeds, the next token fails with Kafka\'s REAUTH_BAD_MECHANISM text', () => {
    for (const version of [1, 0]) {
      const h = harness({ mechanisms: ['OAUTHBEARER', 'PLAIN'] });
      h.login('alice', T0 + 3_600_000);
      h.send(handshake('PLAIN', version), T0 + 1000);
      expect(h.answer(17, version).body).toEqual({ errorCode: 0, mechanisms: ['OAUTHBEARER', 'PLAIN'] });
      // v1: a SaslAuthenticate request; v0: bare bytes, not a Kafka request.
      h.send(version === 1 ? authenticate(new Uint8Array([0])) : encodeFrame(Uint8Array.from([0x60, 1])), T0 + 1000);
      const [failure] = h.of('authentication-failed');
      expect(failure!.error.message).toBe("This broker authenticates OAUTHBEARER only, not PLAIN: SASL mechanism 'PLAIN' requested by client is not supported for re-authentication of mechanism 'OAUTHBEARER'");
      expect(failure).toMatchObject({ kafkaErrorCode: null, kafkaErrorMessage: null, reauthentication: true });
      expect(h.of('send')).toHaveLength(3);
      // After a v1 handshake the token comes in a SaslAuthenticate request, read (and reported) as one.
      expect(h.of('request').map((r) => r.apiKey)).toEqual(version === 1 ? [17, 36, 17, 36] : [17, 36, 17]);
      h.closeReason();
    }
  });

  it('a PLAIN session re-authenticating with PLAIN is told re-authentication failed', () => {
    const h = harness({ mechanisms: ['PLAIN', 'OAUTHBEARER'] });
    h.login('alice', T0 + 3_600_000);
    h.send(handshake('OAUTHBEARER'), T0 + 1000);
    h.send(authenticate(gs2('alice', T0 + 3_600_000)), T0 + 1000);
    expect(h.of('authenticated')).toHaveLength(2);
    // Now the session's mechanism is OAUTHBEARER again; PLAIN differs.
    h.send(handshake('PLAIN'), T0 + 2000);
    h.send(authenticate(new Uint8Array([0])), T0 + 2000);
    expect(h.of('authentication-failed')[0]!.error.message).toContain("SASL mechanism 'PLAIN' requested by client is not supported for re-authentication of mechanism 'OAUTHBEARER'");
  });

  it('a malformed client message at re-authentication gets Kafka\'s fixed text naming re-authentication', () => {
    const h = harness();
    h.login('alice', T0 + 3_600_000);
    h.send(handshake(), T0 + 1000);
    h.send(authenticate(new TextEncoder().encode('n,,\x01nonsense\x01\x01')), T0 + 1000);
    const text = 'Authentication failed during re-authentication due to invalid credentials with SASL mechanism OAUTHBEARER';
    expect(h.of('authentication-failed')[0]).toMatchObject({ kafkaErrorCode: 58, kafkaErrorMessage: text, reauthentication: true });
    expect(h.answer(36, 2).body).toMatchObject({ errorCode: 58, errorMessage: text });
  });
});

describe('profile', () => {
  it('the rfc7628 profile reaches the SASL server: an authzid that is not the principal is compared unescaped', () => {
    // "a=al=2Cice" is the authzid "al,ice" escaped (RFC 5801). Kafka compares the escaped form; RFC 5801 the name.
    const bytes = new TextEncoder().encode(`n,a=al=2Cice,\x01auth=Bearer tok\x01\x01`);
    const tokenFor = () => ({ token: { value: 'x', principal: 'al,ice', scope: [], lifetimeMs: T0 + 60_000, startTimeMs: null } });
    const rfc = harness({ profile: 'rfc7628', validate: tokenFor });
    rfc.send(handshake());
    rfc.send(authenticate(bytes));
    const kafka = harness({ validate: tokenFor });
    kafka.send(handshake());
    kafka.send(authenticate(bytes));
    expect([rfc.broker.state, kafka.broker.state]).toEqual(['authenticated', 'closed']);
  });
});
