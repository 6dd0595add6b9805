// The client connection machine (src/kafka/wire/client.ts) alone, sans-IO, against a scripted broker on a simulated
// clock: the versions it picks from ApiVersions, KIP-511's fallback, raw SaslHandshake v0 tokens, the error challenge,
// KIP-368 re-authentication time to the millisecond, request timeouts, Metadata, and the texts and codes of every
// failure. Kafka's SaslClientAuthenticator and NetworkClient are the reference.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../../src/errors.js';
import { createClientSession, type ClientAction, type ClientSessionOptions } from '../../../src/kafka/wire/client.js';
import { decodeRequest, encodeResponse, SUPPORTED_VERSIONS } from '../../../src/kafka/wire/codec.js';
import { encodeFrame } from '../../../src/kafka/wire/frame.js';
import type { ApiVersion } from '../../../src/kafka/wire/messages.js';

const T0 = 1_700_000_000_000;
const EMPTY = new Uint8Array(0);
const text = (s: string) => new TextEncoder().encode(s);
const versionsWith = (changes: Record<number, [number, number] | null>): ApiVersion[] => {
  const out: ApiVersion[] = SUPPORTED_VERSIONS.filter((v) => changes[v.apiKey] !== null).map((v) => {
    const c = changes[v.apiKey];
    return c === undefined || c === null ? { ...v } : { apiKey: v.apiKey, minVersion: c[0], maxVersion: c[1] };
  });
  return out;
};

function harness(options: Partial<ClientSessionOptions> = {}) {
  const client = createClientSession({ random: () => 0.5, ...options });
  const log: ClientAction[] = [];
  let now = T0;
  const drain = (): void => {
    for (let a = client.poll(); a !== null; a = client.poll()) log.push(a);
  };
  const h = {
    client,
    log,
    get now() {
      return now;
    },
    of<T extends ClientAction['type']>(t: T): Extract<ClientAction, { type: T }>[] {
      return log.filter((a): a is Extract<ClientAction, { type: T }> => a.type === t);
    },
    /** The last request the client sent, decoded. */
    last() {
      const sends = h.of('send');
      return decodeRequest(sends.at(-1)!.bytes.subarray(4));
    },
    start(at = T0): void {
      now = at;
      client.start(at);
      drain();
    },
    receive(bytes: Uint8Array, at = now): void {
      now = at;
      client.receive(bytes, at);
      drain();
    },
    /** Answers the last request with `body`, at its api, version and correlation id unless told otherwise. */
    reply(body: object, at = now, override: { apiVersion?: number; correlationId?: number } = {}): void {
      const r = h.last();
      h.receive(encodeResponse({ apiKey: r.apiKey, apiVersion: override.apiVersion ?? r.apiVersion, correlationId: override.correlationId ?? r.header.correlationId, body }), at);
    },
    provide(token: Parameters<typeof client.tokenProvided>[0] = { value: 'tok' }, at = now): void {
      now = at;
      client.tokenProvided(token, at);
      drain();
    },
    timeout(at: number): void {
      now = at;
      client.handleTimeout(at);
      drain();
    },
    closeReason(): OAuthBearerError {
      const closes = h.of('close');
      expect(closes).toHaveLength(1);
      expect(log.at(-1)!.type).toBe('close');
      expect(client.state).toBe('closed');
      return closes[0]!.reason;
    },
    failure(): OAuthBearerError {
      const failed = h.of('failed');
      expect(failed).toHaveLength(1);
      expect(log.at(-1)!.type).toBe('failed');
      expect(client.state).toBe('closed');
      return failed[0]!.error;
    },
    /** ApiVersions and SaslHandshake answered, the token asked for and given. */
    upToAuthenticate(apiKeys: ApiVersion[] = versionsWith({}), at = now): void {
      h.start(at);
      h.reply({ errorCode: 0, apiKeys, throttleTimeMs: 0 });
      h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
      h.provide();
    },
    /** A whole first authentication with the given session lifetime. */
    login(sessionLifetimeMs = 10_000, at = T0): void {
      h.upToAuthenticate(versionsWith({}), at);
      h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs });
      expect(client.state).toBe('authenticated');
    },
  };
  return h;
}

const usage = (f: () => unknown, code: string, message: string) => {
  let thrown: unknown;
  try {
    f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(OAuthBearerError);
  expect(thrown).toMatchObject({ code, message });
};

describe('createClientSession options', () => {
  it('needs options with a random function', () => {
    for (const bad of [null, undefined, 'x', {}, { random: 0.5 }]) usage(() => createClientSession(bad as never), 'ERR_USAGE_ARGUMENT', 'createClientSession: options.random (a uniform [0, 1) draw) is required');
  });

  it('needs requestTimeoutMs to be a positive finite number', () => {
    for (const v of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      usage(() => createClientSession({ random: Math.random, requestTimeoutMs: v }), 'ERR_USAGE_ARGUMENT', `createClientSession: requestTimeoutMs must be a positive number, not ${String(v)}`);
    }
    const h = harness({ requestTimeoutMs: 1 });
    h.start();
    expect(h.client.pollTimeout()).toBe(T0 + 1);
  });

  it('sends client id "oauthbearer" by default, the one given, or a null one (read as "")', () => {
    for (const [clientId, seen] of [[undefined, 'oauthbearer'], ['me', 'me'], [null, '']] as const) {
      const h = harness(clientId === undefined ? {} : { clientId });
      h.start();
      expect(h.last().header.clientId).toBe(seen);
    }
  });

  it('sends ApiVersions v3 with software name "oauthbearer" and version "0" by default, or those given', () => {
    const d = harness();
    d.start();
    expect([d.last().apiKey, d.last().apiVersion]).toEqual([18, 3]);
    expect(d.last().body).toMatchObject({ clientSoftwareName: 'oauthbearer', clientSoftwareVersion: '0' });
    const c = harness({ softwareName: 'app', softwareVersion: '2.1' });
    c.start();
    expect(c.last().body).toMatchObject({ clientSoftwareName: 'app', clientSoftwareVersion: '2.1' });
  });
});

describe('entry points and their states', () => {
  it('walks initial → api-versions → handshake → need-token → authenticating → authenticated', () => {
    const h = harness();
    expect(h.client.state).toBe('initial');
    h.start();
    expect(h.client.state).toBe('api-versions');
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
    expect(h.client.state).toBe('handshake');
    expect([h.last().apiKey, h.last().apiVersion, h.last().body]).toEqual([17, 1, { mechanism: 'OAUTHBEARER' }]);
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    expect(h.client.state).toBe('need-token');
    expect(h.of('need-token')).toEqual([{ type: 'need-token', reauthentication: false }]);
    expect(h.client.pollTimeout()).toBeNull();
    h.provide();
    expect(h.client.state).toBe('authenticating');
    expect([h.last().apiKey, h.last().apiVersion]).toEqual([36, 2]);
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.client.state).toBe('authenticated');
  });

  it('numbers its requests 1, 2, 3 …', () => {
    const h = harness();
    h.upToAuthenticate();
    expect(h.of('send').map((s) => decodeRequest(s.bytes.subarray(4)).header.correlationId)).toEqual([1, 2, 3]);
  });

  it('refuses calls out of order or without a finite time, naming the state', () => {
    const h = harness();
    usage(() => h.client.receive(EMPTY, T0), 'ERR_USAGE_STATE', 'receive() before start()');
    usage(() => h.client.requestMetadata(T0), 'ERR_USAGE_STATE', 'requestMetadata() needs an open session; the client session is initial');
    usage(() => h.client.tokenProvided({ value: 't' }, T0), 'ERR_USAGE_STATE', "tokenProvided() answers a 'need-token' action; the client session is initial");
    usage(() => h.client.start(Number.NaN), 'ERR_USAGE_ARGUMENT', 'start: nowMs must be a finite number');
    h.start();
    usage(() => h.client.start(T0), 'ERR_USAGE_STATE', 'start() is called once; the client session is api-versions');
    usage(() => h.client.tokenProvided({ value: 't' }, T0), 'ERR_USAGE_STATE', "tokenProvided() answers a 'need-token' action; the client session is api-versions");
    usage(() => h.client.receive(EMPTY, Number.NaN), 'ERR_USAGE_ARGUMENT', 'receive: nowMs must be a finite number');
    usage(() => h.client.tokenProvided({ value: 't' }, Number.POSITIVE_INFINITY), 'ERR_USAGE_ARGUMENT', 'tokenProvided: nowMs must be a finite number');
    usage(() => h.client.requestMetadata(Number.NaN), 'ERR_USAGE_ARGUMENT', 'requestMetadata: nowMs must be a finite number');
    usage(() => h.client.handleTimeout(Number.NaN), 'ERR_USAGE_ARGUMENT', 'handleTimeout: nowMs must be a finite number');
    h.timeout(T0 + 30_000);
    h.closeReason();
    usage(() => h.client.requestMetadata(T0), 'ERR_USAGE_STATE', 'requestMetadata() needs an open session; the client session is closed');
    // A closed session reads nothing, whatever it is given, and has no timer.
    h.receive(encodeFrame(EMPTY));
    expect(() => h.client.receive(null as never, T0)).not.toThrow();
    h.timeout(T0 + 10 ** 9);
    expect(h.log.at(-1)!.type).toBe('close');
    expect(h.client.pollTimeout()).toBeNull();
  });
});

describe('ApiVersions answers', () => {
  it('retries at the broker\'s highest ApiVersions version on UNSUPPORTED_VERSION, at v0 without one, and gives up on a repeat', () => {
    const v2 = harness();
    v2.start();
    v2.reply({ errorCode: 35, apiKeys: [{ apiKey: 3, minVersion: 0, maxVersion: 12 }, { apiKey: 18, minVersion: 0, maxVersion: 2 }] }, T0, { apiVersion: 0 });
    expect([v2.last().apiKey, v2.last().apiVersion, v2.last().header.correlationId]).toEqual([18, 2, 2]);
    expect(v2.last().body).toEqual({});
    const none = harness();
    none.start();
    none.reply({ errorCode: 35, apiKeys: [] }, T0, { apiVersion: 0 });
    expect(none.last().apiVersion).toBe(0);
    none.reply({ errorCode: 35, apiKeys: [] }, T0, { apiVersion: 0 });
    expect(none.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message: 'The broker answered ApiVersions v0 with UNSUPPORTED_VERSION again; it does not speak a version this client has' });
    const newer = harness();
    newer.start();
    newer.reply({ errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 9 }] }, T0, { apiVersion: 0 });
    expect(newer.closeReason().message).toBe('The broker answered ApiVersions v3 with UNSUPPORTED_VERSION again; it does not speak a version this client has');
  });

  it('closes on another ApiVersions error, naming its code', () => {
    const h = harness();
    h.start();
    h.reply({ errorCode: 42, apiKeys: [], throttleTimeMs: 0 });
    expect(h.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message: 'The broker answered ApiVersions with error code 42' });
  });

  it('closes when the broker has no SaslHandshake, or none this client speaks, or no SaslAuthenticate it speaks', () => {
    for (const [changes, message] of [
      [{ 17: null }, "The broker's ApiVersions answer has no SaslHandshake; it cannot authenticate a SASL connection"],
      [{ 17: [2, 3] }, "The broker's ApiVersions answer has no SaslHandshake version this client speaks (0-1); it cannot authenticate a SASL connection"],
      [{ 36: [3, 4] }, 'The broker offers no SaslAuthenticate version this client speaks (0-2)'],
    ] as const) {
      const h = harness();
      h.start();
      h.reply({ errorCode: 0, apiKeys: versionsWith(changes as Record<number, [number, number] | null>), throttleTimeMs: 0 });
      expect(h.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message });
    }
  });

  it('uses the highest version both sides have: its own maximum below a newer broker\'s, the broker\'s below its own', () => {
    const newer = harness();
    newer.upToAuthenticate(versionsWith({ 17: [0, 5], 36: [0, 9], 3: [0, 20] }));
    const sent = newer.of('send').map((s) => decodeRequest(s.bytes.subarray(4)));
    expect(sent.map((r) => [r.apiKey, r.apiVersion])).toEqual([[18, 3], [17, 1], [36, 2]]);
    newer.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    newer.client.requestMetadata(newer.now);
    const first = newer.client.poll() as { type: 'send'; bytes: Uint8Array };
    expect(decodeRequest(first.bytes.subarray(4))).toMatchObject({ apiKey: 3, apiVersion: 12 });
    const older = harness();
    older.upToAuthenticate(versionsWith({ 36: [1, 1], 3: [4, 4] }));
    expect(older.last().apiVersion).toBe(1);
    older.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    older.client.requestMetadata(older.now, ['t']);
    const drained: ClientAction[] = [];
    for (let a = older.client.poll(); a !== null; a = older.client.poll()) drained.push(a);
    const md = decodeRequest((drained[0] as { bytes: Uint8Array }).bytes.subarray(4));
    expect([md.apiKey, md.apiVersion, md.body]).toEqual([3, 4, { topics: [{ name: 't' }], allowAutoTopicCreation: false }]);
  });

  it('reports the broker\'s ApiVersions list with the authentication', () => {
    const h = harness();
    const list = versionsWith({ 3: [1, 9] });
    h.upToAuthenticate(list);
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.of('authenticated')[0]!.apiVersions).toEqual(list);
  });
});

describe('SaslHandshake answers', () => {
  it('fails with Kafka\'s texts for ILLEGAL_SASL_STATE and another error code', () => {
    for (const [errorCode, message] of [
      [34, 'Unexpected handshake request with client mechanism OAUTHBEARER, enabled mechanisms are [] (ILLEGAL_SASL_STATE: the broker does not take a re-authentication now)'],
      [42, 'Unknown error code 42, client mechanism is OAUTHBEARER, enabled mechanisms are [OAUTHBEARER, PLAIN]'],
      [33, "Client SASL mechanism 'OAUTHBEARER' not enabled in the server, enabled mechanisms are [OAUTHBEARER, PLAIN]"],
    ] as const) {
      const h = harness();
      h.start();
      h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
      h.reply({ errorCode, mechanisms: errorCode === 34 ? [] : ['OAUTHBEARER', 'PLAIN'] });
      expect(h.failure()).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', message });
    }
  });
});

describe('the token', () => {
  it('sends the authzid given and the extensions the driver provides', () => {
    const h = harness({ authzid: 'alice' });
    h.start();
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    h.provide({ value: 'tok', extensions: new Map([['traceId', 'x1']]) });
    const bytes = (h.last().body as { authBytes: Uint8Array }).authBytes;
    expect(new TextDecoder().decode(bytes)).toBe('n,a=alice,\x01auth=Bearer tok\x01traceId=x1\x01\x01');
    for (const authzid of [null, undefined]) {
      const n = harness(authzid === undefined ? {} : { authzid });
      n.upToAuthenticate();
      expect(new TextDecoder().decode((n.last().body as { authBytes: Uint8Array }).authBytes)).toBe('n,,\x01auth=Bearer tok\x01\x01');
    }
  });

  it('fails with ERR_TOKEN_PROVIDER when the driver has no token, keeping its error (or value) as cause', () => {
    for (const [cause, shown] of [[new Error('connect ECONNREFUSED'), 'connect ECONNREFUSED'], ['no login', 'no login']] as const) {
      const h = harness();
      h.start();
      h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
      h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
      h.provide({ error: cause });
      const error = h.failure();
      expect(error).toMatchObject({ code: 'ERR_TOKEN_PROVIDER', message: `No token to authenticate with: ${shown}` });
      expect(error.cause).toBe(cause);
    }
  });

  it('fails, with the GS2 encoder\'s code and error as cause, on a token or extension it cannot send', () => {
    for (const token of [{ value: 'two words' }, { value: 'tok', extensions: new Map([['auth', 'x']]) }]) {
      const h = harness();
      h.start();
      h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
      h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
      h.provide(token);
      const error = h.failure();
      const cause = error.cause as OAuthBearerError;
      expect(cause).toBeInstanceOf(OAuthBearerError);
      expect(error.code).toBe(cause.code);
      expect(error.message).toBe(`The token or its extensions cannot be sent: ${cause.message}`);
      expect(h.of('send')).toHaveLength(2);
    }
  });
});

describe('provided extensions', () => {
  it('fails with ERR_USAGE_ARGUMENT, not a bare TypeError, when the extensions are not a Map', () => {
    for (const extensions of [{ traceId: 'x' }, [['traceId', 'x']], 'traceId=x']) {
      const h = harness();
      h.start();
      h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
      h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
      h.provide({ value: 'tok', extensions: extensions as never });
      const error = h.failure();
      expect(error).toMatchObject({ code: 'ERR_USAGE_ARGUMENT', message: "The token or its extensions cannot be sent: The provided token's extensions must be a Map of extension names to values" });
      expect(h.of('send')).toHaveLength(2);
    }
  });
});

describe('a driver fault while the token is read', () => {
  it('is thrown to the driver, not turned into a session failure', () => {
    const h = harness();
    h.start();
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    const fault = new RangeError('the driver broke');
    const token = { get value(): string { throw fault; } };
    expect(() => h.client.tokenProvided(token, h.now)).toThrow(fault);
    expect(h.of('failed')).toHaveLength(0);
  });
});

describe('SaslAuthenticate answers', () => {
  it('an error challenge: answers %x01, and the final failure carries the broker\'s message and the challenge\'s status and scope', () => {
    const h = harness();
    h.upToAuthenticate();
    h.reply({ errorCode: 0, errorMessage: '', authBytes: text('{"status":"insufficient_scope","scope":"a b"}'), sessionLifetimeMs: 0 });
    expect([...(h.last().body as { authBytes: Uint8Array }).authBytes]).toEqual([1]);
    expect([h.last().apiKey, h.last().apiVersion, h.last().header.correlationId]).toEqual([36, 2, 4]);
    expect(h.client.state).toBe('authenticating');
    h.reply({ errorCode: 58, errorMessage: '{"status":"insufficient_scope","scope":"a b"}', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.failure()).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', message: 'The server failed the SASL exchange: {"status":"insufficient_scope","scope":"a b"}', status: 'insufficient_scope', scope: 'a b' });
  });

  it('a failure without an error challenge: the broker\'s message, or its error code when it sends none', () => {
    const h = harness();
    h.upToAuthenticate();
    h.reply({ errorCode: 58, errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.failure().message).toBe('The server failed the SASL exchange: Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER');
    const n = harness();
    n.upToAuthenticate();
    n.reply({ errorCode: 58, errorMessage: null, authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(n.failure()).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', message: 'The server failed the SASL exchange: error code 58' });
  });

  it('closes when the broker sends a second challenge instead of the final failure', () => {
    const h = harness();
    h.upToAuthenticate();
    h.reply({ errorCode: 0, errorMessage: '', authBytes: text('{"status":"invalid_token"}'), sessionLifetimeMs: 0 });
    h.reply({ errorCode: 0, errorMessage: '', authBytes: text('{"status":"invalid_token"}'), sessionLifetimeMs: 0 });
    const reason = h.closeReason();
    expect(reason.message).toBe("The broker's SASL message does not fit the exchange: The server sent a message after its error challenge; only the final failure may follow");
    expect((reason.cause as OAuthBearerError).code).toBe('ERR_UNEXPECTED_MESSAGE');
  });

  it('a SaslAuthenticate v0 broker has no session lifetime: no re-authentication', () => {
    const h = harness();
    h.upToAuthenticate(versionsWith({ 36: [0, 0] }));
    expect(h.last().apiVersion).toBe(0);
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY });
    expect(h.of('authenticated')[0]).toMatchObject({ sessionLifetimeMs: 0, reauthAtMs: null, reauthentication: false });
    expect(h.client.pollTimeout()).toBeNull();
  });
});

describe('KIP-368 re-authentication', () => {
  it('re-authenticates at end + trunc(lifetime × (0.85 + draw × 0.10)), from the first ApiVersions, and reports it', () => {
    const h = harness({ random: () => 0.5 });
    h.login(10_000);
    expect(h.of('authenticated')[0]).toMatchObject({ sessionLifetimeMs: 10_000, reauthAtMs: T0 + 9000, reauthentication: false });
    expect(h.client.pollTimeout()).toBe(T0 + 9000);
    h.timeout(T0 + 8999);
    expect(h.of('send')).toHaveLength(3);
    h.timeout(T0 + 9000);
    expect(h.client.state).toBe('handshake');
    expect([h.last().apiKey, h.last().apiVersion]).toEqual([17, 1]);
    expect(h.client.pollTimeout()).toBe(T0 + 9000 + 30_000);
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    expect(h.of('need-token').at(-1)).toEqual({ type: 'need-token', reauthentication: true });
    h.provide();
    // A broker that now gives no lifetime: the earlier one is not kept.
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.of('authenticated').at(-1)).toMatchObject({ reauthentication: true, sessionLifetimeMs: 0, reauthAtMs: null });
    expect(h.client.pollTimeout()).toBeNull();
    h.timeout(T0 + 10 ** 9);
    expect(h.client.state).toBe('authenticated');
  });

  it('draws once per authentication; 0 gives 85% of the lifetime; a draw outside [0, 1) is a usage error', () => {
    const zero = harness({ random: () => 0 });
    zero.login(10_000);
    expect(zero.of('authenticated')[0]!.reauthAtMs).toBe(T0 + 8500);
    for (const d of [1, -0.01, Number.NaN]) {
      const h = harness({ random: () => d });
      h.upToAuthenticate();
      usage(() => h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 10_000 }), 'ERR_USAGE_ARGUMENT', `createClientSession: random() must return a number in [0, 1), not ${String(d)}`);
    }
  });

  it('waits for a request in flight before it re-authenticates', () => {
    const h = harness();
    h.login(10_000);
    h.client.requestMetadata(T0 + 8000);
    h.timeout(T0 + 8000);
    const metadataId = h.last().header.correlationId;
    expect(h.last().apiKey).toBe(3);
    expect(h.client.pollTimeout()).toBe(T0 + 38_000);
    h.timeout(T0 + 9500);
    expect(h.last().apiKey).toBe(3);
    h.reply({ throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics: [] }, T0 + 9600, { correlationId: metadataId });
    expect(h.of('metadata')).toHaveLength(1);
    expect(h.client.pollTimeout()).toBe(T0 + 9000);
    h.timeout(T0 + 9600);
    expect(h.last().apiKey).toBe(17);
  });
});

describe('request timeout (request.timeout.ms)', () => {
  it('closes at the deadline of the request in flight, not a millisecond before, naming the api', () => {
    const h = harness({ requestTimeoutMs: 500 });
    h.start();
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 }, T0 + 100);
    expect(h.client.pollTimeout()).toBe(T0 + 600);
    h.timeout(T0 + 599);
    expect(h.of('close')).toHaveLength(0);
    h.timeout(T0 + 600);
    expect(h.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message: 'The broker did not answer SaslHandshake within request.timeout.ms (500 ms)' });
  });
});

describe('what the broker sends', () => {
  it('closes on a response whose correlation id is not the request\'s, naming both', () => {
    const h = harness();
    h.start();
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 }, T0, { correlationId: 99 });
    expect(h.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message: 'Correlation id for response (99) does not match request (1) for ApiVersions' });
  });

  it('closes on a response that does not parse, keeping the decoder\'s error as cause', () => {
    const h = harness();
    h.upToAuthenticate();
    h.receive(encodeFrame(Uint8Array.from([0, 0, 0, 3, 0])));
    const reason = h.closeReason();
    expect(reason.message).toMatch(/^The broker's SaslAuthenticate v2 response does not parse: /);
    expect((reason.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
  });

  it('closes on a frame when no request waits for an answer, and reads nothing after its close', () => {
    const h = harness();
    h.login();
    h.receive(new Uint8Array([...encodeFrame(Uint8Array.of(1, 2, 3)), ...encodeFrame(Uint8Array.of(4))]));
    expect(h.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message: 'The broker sent a frame of 3 bytes when no request was waiting for an answer' });
  });

  it('refuses a negative frame size and one above 16 MiB, and waits for one of 16 MiB', () => {
    const neg = harness();
    neg.start();
    neg.receive(Uint8Array.from([0xff, 0xff, 0xff, 0xff]));
    const reason = neg.closeReason();
    expect(reason.message).toMatch(/^The broker sent a frame this client refuses \(Invalid receive \(size = -1\)/);
    expect((reason.cause as OAuthBearerError).code).toBe('ERR_KAFKA_FRAME');
    const big = harness();
    big.start();
    big.receive(Uint8Array.from([0x01, 0x00, 0x00, 0x01]));
    expect(big.closeReason().message).toMatch(/\(Invalid receive \(size = 16777217 larger than 16777216\)/);
    const limit = harness();
    limit.start();
    limit.receive(Uint8Array.from([0x01, 0x00, 0x00, 0x00, 0, 0, 0, 1]));
    expect(limit.of('close')).toHaveLength(0);
    expect(limit.client.state).toBe('api-versions');
  });
});

describe('SaslHandshake v0: raw tokens', () => {
  const rawVersions = [versionsWith({ 17: [0, 0] }), versionsWith({ 36: null })];

  it('sends a v0 handshake and the bare token when the broker has no SaslHandshake v1 or no SaslAuthenticate, and takes a bare answer', () => {
    for (const apiKeys of rawVersions) {
      const h = harness();
      h.start();
      h.reply({ errorCode: 0, apiKeys, throttleTimeMs: 0 });
      expect([h.last().apiKey, h.last().apiVersion]).toEqual([17, 0]);
      h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
      h.provide();
      const sends = h.of('send');
      expect(new TextDecoder().decode(sends.at(-1)!.bytes)).toBe('\0\0\0\x15n,,\x01auth=Bearer tok\x01\x01');
      expect(h.client.pollTimeout()).toBeNull();
      h.receive(encodeFrame(EMPTY));
      expect(h.of('authenticated')[0]).toMatchObject({ sessionLifetimeMs: 0, reauthAtMs: null });
      // Nothing is waiting for an answer now.
      h.receive(encodeFrame(Uint8Array.of(9)));
      expect(h.closeReason().message).toBe('The broker sent a frame of 1 bytes when no request was waiting for an answer');
    }
  });

  it('answers a bare error challenge with a bare %x01', () => {
    const h = harness();
    h.start();
    h.reply({ errorCode: 0, apiKeys: rawVersions[0]!, throttleTimeMs: 0 });
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    h.provide();
    h.receive(encodeFrame(text('{"status":"invalid_token"}')));
    expect([...h.of('send').at(-1)!.bytes]).toEqual([0, 0, 0, 1, 1]);
    expect(h.client.state).toBe('authenticating');
    // A second bare message after the challenge does not fit the exchange.
    h.receive(encodeFrame(text('{"status":"invalid_token"}')));
    expect(h.closeReason().message).toMatch(/^The broker's SASL message does not fit the exchange/);
  });

  it('a frame between the handshake answer and the token is not a SASL message', () => {
    const h = harness();
    h.start();
    h.reply({ errorCode: 0, apiKeys: rawVersions[0]!, throttleTimeMs: 0 });
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    h.receive(encodeFrame(EMPTY));
    expect(h.closeReason().message).toBe('The broker sent a frame of 0 bytes when no request was waiting for an answer');
  });
});

describe('Metadata', () => {
  it('a request made before authentication goes out after it; all topics is null from v1 and [] at v0', () => {
    const h = harness();
    h.start();
    h.client.requestMetadata(T0);
    expect(h.of('send')).toHaveLength(1);
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    h.provide();
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.log.slice(-2).map((a) => a.type)).toEqual(['authenticated', 'send']);
    expect([h.last().apiKey, h.last().apiVersion, h.last().body]).toMatchObject([3, 12, { topics: null, allowAutoTopicCreation: false }]);
    const v0 = harness();
    v0.upToAuthenticate(versionsWith({ 3: [0, 0] }));
    v0.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    v0.client.requestMetadata(v0.now, null);
    v0.timeout(v0.now);
    const drained: ClientAction[] = [];
    for (let a = v0.client.poll(); a !== null; a = v0.client.poll()) drained.push(a);
    const sent = [...v0.of('send'), ...drained.filter((a): a is Extract<ClientAction, { type: 'send' }> => a.type === 'send')];
    expect(decodeRequest(sent.at(-1)!.bytes.subarray(4))).toMatchObject({ apiKey: 3, apiVersion: 0, body: { topics: [] } });
  });

  it('a request made while the token is awaited waits for the authentication', () => {
    const h = harness();
    h.start();
    h.reply({ errorCode: 0, apiKeys: versionsWith({}), throttleTimeMs: 0 });
    h.reply({ errorCode: 0, mechanisms: ['OAUTHBEARER'] });
    expect(h.client.state).toBe('need-token');
    h.client.requestMetadata(h.now, ['x']);
    expect(h.client.poll()).toBeNull();
    h.provide();
    expect(h.last().apiKey).toBe(36);
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect([h.last().apiKey, h.last().body]).toMatchObject([3, { topics: [{ name: 'x' }], allowAutoTopicCreation: false }]);
  });

  it('a broker without Metadata in ApiVersions is asked at v0', () => {
    const h = harness();
    h.upToAuthenticate(versionsWith({ 3: null }));
    h.client.requestMetadata(h.now, ['a']);
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect([h.last().apiKey, h.last().apiVersion, h.last().body]).toEqual([3, 0, { topics: [{ name: 'a' }] }]);
  });

  it('closes when the broker offers no Metadata version this client speaks', () => {
    const h = harness();
    h.upToAuthenticate(versionsWith({ 3: [13, 13] }));
    h.client.requestMetadata(h.now);
    h.reply({ errorCode: 0, errorMessage: '', authBytes: EMPTY, sessionLifetimeMs: 0 });
    expect(h.closeReason()).toMatchObject({ code: 'ERR_KAFKA_PROTOCOL', message: 'The broker offers no Metadata version this client speaks (0-12)' });
  });

  it('sends at once when authenticated and idle, else queues, and reports each answer in order', () => {
    const h = harness();
    h.login(0);
    h.client.requestMetadata(T0, ['a']);
    h.client.requestMetadata(T0, ['b']);
    const drained: ClientAction[] = [];
    for (let a = h.client.poll(); a !== null; a = h.client.poll()) drained.push(a);
    h.log.push(...drained);
    expect(drained).toHaveLength(1);
    expect(h.last().body).toMatchObject({ topics: [{ name: 'a' }] });
    h.reply({ throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics: [{ errorCode: 3, name: 'a', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: false, partitions: [] }] });
    expect(h.of('metadata')[0]!.body.topics[0]!.name).toBe('a');
    expect(h.last().body).toMatchObject({ topics: [{ name: 'b' }] });
    h.reply({ throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: -1, topics: [] });
    expect(h.of('metadata')).toHaveLength(2);
    expect(h.of('send')).toHaveLength(5);
  });
});
