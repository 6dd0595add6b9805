/**
 * The probe's cases and what Kafka's broker answers to each. Two sources decide the expected answer:
 * Kafka's SaslServerAuthenticator for the connection's sequence (apache/kafka
 * clients/.../security/authenticator/SaslServerAuthenticator.java: ApiVersions or SaslHandshake first, any other
 * request before the handshake closes without a response, an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM,
 * a request other than SaslAuthenticate mid-exchange gets ILLEGAL_SASL_STATE, a frame above
 * sasl.server.max.receive.size closes, SaslHandshake v0 carries raw SASL tokens), and our own server engine in the
 * kafka profile for each SASL message (src/sasl/server.ts, held to Kafka's OAuthBearerSaslServer by the vectors in
 * spec-vectors/server.json and gs2.json): an error challenge, success, or failure with Kafka's error message (or a
 * close without one). The broker under test is assumed to validate Kafka's unsecured tokens with the default
 * options (Kafka's default OAuthBearerUnsecuredValidatorCallbackHandler), as `oauthbearer serve` does by default.
 * @module
 */
import { encodeRequest, decodeResponse } from '../../kafka/wire/codec.js';
import { encodeFrame } from '../../kafka/wire/frame.js';
import { API_KEY, ERROR_CODE, SASL_SERVER_MAX_RECEIVE_SIZE, apiName } from '../../kafka/wire/constants.js';
import type { ApiVersionsResponse, MetadataResponse, SaslAuthenticateResponse, SaslHandshakeResponse } from '../../kafka/wire/messages.js';
import { createServer, authenticateStep } from '../../sasl/server.js';
import { encodeClientResponse } from '../../sasl/gs2.js';
import { unsecuredValidator } from '../../kafka/unsecured.js';
import { encodeBase64url } from '../../encoding/base64.js';
import { OAuthBearerError } from '../../errors.js';
import { redactedMessage } from '../decode.js';
import { escapeBytes } from '../render.js';

/** What a step expects back. `check` returns null when the answer is Kafka's, else how it differs. */
export type Expectation =
  | { readonly kind: 'response'; readonly apiKey: number; readonly apiVersion: number; readonly correlationId: number;
      readonly kafka: string; readonly check: (body: unknown) => string | null }
  | { readonly kind: 'raw'; readonly kafka: string; readonly check: (bytes: Uint8Array) => string | null }
  | { readonly kind: 'close'; readonly kafka: string };

/** One step of a case: bytes to send (or none), then the answer Kafka gives. */
export interface Step {
  readonly send: Uint8Array | null;
  /** What was sent, for people (never a whole token). */
  readonly sent: string;
  readonly expect: Expectation;
}

/** A case: a fresh connection and its steps. */
export interface ProbeCase {
  readonly id: string;
  readonly title: string;
  readonly steps: readonly Step[];
  /** For the fuzz: the SASL message the case is about, and whether Kafka's broker would accept it. */
  readonly message?: Uint8Array;
  readonly kafkaAccepts?: boolean;
}

const CLIENT_ID = 'oauthbearer-probe';
/** Kafka's message for a SASL exchange that fails on bad credentials (SaslServerAuthenticator.handleSaslToken). */
export const KAFKA_AUTH_FAILED = 'Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER';

/** Builds the requests of one connection with increasing correlation ids. */
class Requests {
  private correlationId = 0;

  request(apiKey: number, apiVersion: number, body: object, expect: (correlationId: number) => Expectation, sent?: string): Step {
    const correlationId = ++this.correlationId;
    return {
      send: encodeRequest({ apiKey, apiVersion, correlationId, clientId: CLIENT_ID, body }),
      sent: sent ?? `${apiName(apiKey)} v${apiVersion}`,
      expect: expect(correlationId),
    };
  }
}

const response = (apiKey: number, apiVersion: number, correlationId: number, kafka: string, check: (body: unknown) => string | null): Expectation =>
  ({ kind: 'response', apiKey, apiVersion, correlationId, kafka, check });

const close = (kafka = 'closes the connection without a response'): Expectation => ({ kind: 'close', kafka });

/** A short, token-free summary of a response body, for the "broker:" line. */
export function describeResponse(apiKey: number, body: unknown): string {
  const b = body as Record<string, unknown>;
  switch (apiKey) {
    case API_KEY.API_VERSIONS:
      return `errorCode ${String(b.errorCode)}`;
    case API_KEY.SASL_HANDSHAKE:
      return `errorCode ${String(b.errorCode)}, mechanisms ${JSON.stringify(b.mechanisms)}`;
    case API_KEY.SASL_AUTHENTICATE: {
      const r = body as SaslAuthenticateResponse;
      const parts = [`errorCode ${r.errorCode}`];
      if (r.errorMessage !== null && r.errorMessage !== '') parts.push(`errorMessage ${JSON.stringify(r.errorMessage.slice(0, 160))}`);
      parts.push(r.authBytes.length === 0 ? 'no authBytes' : `authBytes "${escapeBytes(r.authBytes.subarray(0, 160))}"`);
      if (r.sessionLifetimeMs !== undefined && r.sessionLifetimeMs !== 0) parts.push(`sessionLifetimeMs ${r.sessionLifetimeMs}`);
      return parts.join(', ');
    }
    case API_KEY.METADATA: {
      const r = body as MetadataResponse;
      return `${r.brokers.length} broker(s), topics ${JSON.stringify(r.topics.map((t) => ({ name: t.name, errorCode: t.errorCode })))}`;
    }
    default:
      return 'a response';
  }
}

const apiVersionsOk = (r: Requests): Step => r.request(API_KEY.API_VERSIONS, 3, { clientSoftwareName: CLIENT_ID, clientSoftwareVersion: '1' },
  (id) => response(API_KEY.API_VERSIONS, 3, id, 'errorCode 0', (b) => {
    const body = b as ApiVersionsResponse;
    return body.errorCode === ERROR_CODE.NONE ? null : `errorCode ${body.errorCode}, Kafka answers 0`;
  }));

const handshake = (r: Requests, version: number, mechanism = 'OAUTHBEARER'): Step => r.request(API_KEY.SASL_HANDSHAKE, version, { mechanism },
  (id) => response(API_KEY.SASL_HANDSHAKE, version, id, mechanism === 'OAUTHBEARER' ? 'errorCode 0, mechanisms including OAUTHBEARER'
    : `errorCode ${ERROR_CODE.UNSUPPORTED_SASL_MECHANISM} (UNSUPPORTED_SASL_MECHANISM), the enabled mechanisms`, (b) => {
    const body = b as SaslHandshakeResponse;
    const want = mechanism === 'OAUTHBEARER' ? ERROR_CODE.NONE : ERROR_CODE.UNSUPPORTED_SASL_MECHANISM;
    if (body.errorCode !== want) return `errorCode ${body.errorCode}, Kafka answers ${want}`;
    if (!body.mechanisms.includes('OAUTHBEARER')) return 'OAUTHBEARER is not among the mechanisms';
    return null;
  }), `SaslHandshake v${version} ${mechanism}`);

const metadataAfterAuth = (r: Requests): Step => r.request(API_KEY.METADATA, 1, { topics: null },
  (id) => response(API_KEY.METADATA, 1, id, 'a Metadata response (authenticated)', (b) => {
    const body = b as MetadataResponse;
    return body.brokers.length > 0 ? null : 'no brokers in the Metadata response';
  }), 'Metadata v1 (all topics)');

/** Kafka's answer to each SASL message in turn, from our kafka-profile server engine (see the module comment). */
type SaslVerdict =
  | { kind: 'challenge'; challenge: Uint8Array }
  | { kind: 'success'; principal: string; expiresAtMs: number }
  | { kind: 'failure'; kafkaErrorMessage: string | null };

/** What Kafka's broker does with `messages`, in order, until the exchange ends. */
export async function kafkaVerdicts(messages: readonly Uint8Array[], nowMs: number): Promise<SaslVerdict[]> {
  const server = createServer({ profile: 'kafka' });
  const validator = unsecuredValidator({});
  const verdicts: SaslVerdict[] = [];
  for (const message of messages) {
    let step;
    try {
      step = await authenticateStep(server, message, { validator, context: { nowMs } });
    } catch (err) {
      // A message after the exchange ended: the broker would never pass it to the mechanism.
      if (err instanceof OAuthBearerError) break;
      throw err;
    }
    if (step.state === 'continue') verdicts.push({ kind: 'challenge', challenge: step.challenge ?? new Uint8Array(0) });
    else if (step.state === 'success') verdicts.push({ kind: 'success', principal: step.principal ?? '', expiresAtMs: step.token?.lifetimeMs ?? nowMs });
    else verdicts.push({ kind: 'failure', kafkaErrorMessage: step.kafkaErrorMessage ?? null });
    if (step.state !== 'continue') break;
  }
  return verdicts;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The SaslAuthenticate v2 steps for `messages` with Kafka's answers. */
function authenticateSteps(r: Requests, messages: readonly Uint8Array[], verdicts: readonly SaslVerdict[], nowMs: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < verdicts.length; i++) {
    const message = messages[i]!;
    const v = verdicts[i]!;
    const sent = `SaslAuthenticate v2 ${message.length === 1 && message[0] === 1 ? '%x01' : redactedMessage(message)}`;
    if (v.kind === 'failure' && v.kafkaErrorMessage === null) {
      steps.push({ ...r.request(API_KEY.SASL_AUTHENTICATE, 2, { authBytes: message }, () => close(), sent) });
      return steps;
    }
    steps.push(r.request(API_KEY.SASL_AUTHENTICATE, 2, { authBytes: message }, (id) => {
      switch (v.kind) {
        case 'challenge':
          return response(API_KEY.SASL_AUTHENTICATE, 2, id, `errorCode 0, authBytes "${escapeBytes(v.challenge)}" (error challenge)`, (b) => {
            const body = b as SaslAuthenticateResponse;
            if (body.errorCode !== 0) return `errorCode ${body.errorCode}, Kafka answers 0 with an error challenge`;
            return sameBytes(body.authBytes, v.challenge) ? null : 'a different error challenge';
          });
        case 'success':
          return response(API_KEY.SASL_AUTHENTICATE, 2, id, `errorCode 0, no authBytes, sessionLifetimeMs ≤ ${Math.max(0, v.expiresAtMs - nowMs)} (the token's remaining life)`, (b) => {
            const body = b as SaslAuthenticateResponse;
            if (body.errorCode !== 0) return `errorCode ${body.errorCode}, Kafka accepts (0)`;
            if (body.authBytes.length !== 0) return 'authBytes on success, Kafka sends none';
            const lifetime = body.sessionLifetimeMs ?? 0;
            // Kafka: the token's expiry minus the broker's clock, capped by connections.max.reauth.ms (1 s slack for clocks).
            if (!(lifetime > 0 && lifetime <= v.expiresAtMs - nowMs + 1000)) return `sessionLifetimeMs ${lifetime}, Kafka gives the token's remaining life (or less)`;
            return null;
          });
        case 'failure':
          return response(API_KEY.SASL_AUTHENTICATE, 2, id, `errorCode ${ERROR_CODE.SASL_AUTHENTICATION_FAILED}, errorMessage ${JSON.stringify(v.kafkaErrorMessage)}`, (b) => {
            const body = b as SaslAuthenticateResponse;
            if (body.errorCode !== ERROR_CODE.SASL_AUTHENTICATION_FAILED) return `errorCode ${body.errorCode}, Kafka answers ${ERROR_CODE.SASL_AUTHENTICATION_FAILED}`;
            return body.errorMessage === v.kafkaErrorMessage ? null : 'a different errorMessage';
          });
      }
    }, sent));
    if (v.kind === 'failure') steps.push({ send: null, sent: '(nothing)', expect: close('then closes the connection') });
  }
  return steps;
}

/** A fresh unsecured token as Kafka's unsecured login makes it (alg none, sub, iat, exp in seconds). */
export function unsecuredToken(claims: Record<string, unknown>): string {
  const part = (v: unknown): string => encodeBase64url(new TextEncoder().encode(JSON.stringify(v)));
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

/** The good token's claims at `nowMs`: principal `probe`, one hour left. */
export function goodClaims(nowMs: number): Record<string, unknown> {
  return { sub: 'probe', iat: Math.floor(nowMs / 1000), exp: Math.floor(nowMs / 1000) + 3600 };
}

/** A client initial response for `token` with `extensions`. */
export function initialResponse(token: string, extensions: Record<string, string> = {}): Uint8Array {
  return encodeClientResponse({ token, extensions });
}

/**
 * A SASL case after ApiVersions v3 (optional) and SaslHandshake v1: `messages` in SaslAuthenticate v2, each
 * answered as Kafka answers it; after a success, a Metadata request.
 */
export async function saslCase(id: string, title: string, messages: readonly Uint8Array[], nowMs: number, options: { apiVersions?: boolean } = {}): Promise<ProbeCase> {
  const r = new Requests();
  const verdicts = await kafkaVerdicts(messages, nowMs);
  const steps: Step[] = [];
  if (options.apiVersions !== false) steps.push(apiVersionsOk(r));
  steps.push(handshake(r, 1));
  steps.push(...authenticateSteps(r, messages, verdicts, nowMs));
  const last = verdicts.at(-1);
  if (last?.kind === 'success') steps.push(metadataAfterAuth(r));
  return { id, title, steps, message: messages[0]!, kafkaAccepts: last?.kind === 'success' };
}

interface GsVector { id: string; op: string; input: { message?: string; profile?: string }; expect: { ok?: unknown; error?: unknown } }

/** The kafka-profile GS2 vectors Kafka refuses (spec-vectors/gs2.json), as client messages. */
export function refusedGs2Vectors(gs2Json: unknown): Array<{ id: string; message: Uint8Array }> {
  const vectors = (gs2Json as { vectors?: GsVector[] }).vectors ?? [];
  return vectors
    .filter((v) => v.op === 'gs2.decode' && v.input.profile === 'kafka' && v.expect.error !== undefined && typeof v.input.message === 'string')
    .map((v) => ({ id: v.id, message: new TextEncoder().encode(v.input.message!) }));
}

/** The battery: each case on a fresh connection. `gs2Json` is spec-vectors/gs2.json, parsed. */
export async function probeCases(nowMs: number, gs2Json: unknown): Promise<ProbeCase[]> {
  const good = unsecuredToken(goodClaims(nowMs));
  const expired = unsecuredToken({ sub: 'probe', iat: Math.floor(nowMs / 1000) - 7200, exp: Math.floor(nowMs / 1000) - 600 });
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  const cases: ProbeCase[] = [];

  cases.push(await saslCase('good-token', 'a good unsecured token, with a SASL extension', [initialResponse(good, { traceId: 'probe' })], nowMs));
  cases.push(await saslCase('no-api-versions', 'a client that opens with SaslHandshake (no ApiVersions first)', [initialResponse(good)], nowMs, { apiVersions: false }));
  cases.push(await saslCase('expired-token', 'an expired token: error challenge, the client\'s %x01, failure',
    [initialResponse(expired), Uint8Array.of(0x01)], nowMs));
  cases.push(await saslCase('retry-after-challenge', 'after an error challenge, a new initial response instead of %x01 (Kafka takes it)',
    [initialResponse(expired), initialResponse(good)], nowMs));
  cases.push(await saslCase('bad-extension-key', 'an extension key with a digit', [enc(`n,,\x01x1=v\x01auth=Bearer ${good}\x01\x01`)], nowMs));
  cases.push(await saslCase('bad-extension-value', 'an extension with an empty value', [enc(`n,,\x01traceId=\x01auth=Bearer ${good}\x01\x01`)], nowMs));
  cases.push(await saslCase('bad-extension-non-ascii', 'an extension value that is not ASCII', [new Uint8Array([...enc('n,,\x01traceId='), 0xc3, 0xa9, ...enc(`\x01auth=Bearer ${good}\x01\x01`)])], nowMs));
  cases.push(await saslCase('bad-scheme', 'auth=Basic instead of Bearer (Kafka closes without a response)', [enc(`n,,\x01auth=Basic ${good}\x01\x01`)], nowMs));
  for (const v of refusedGs2Vectors(gs2Json)) {
    cases.push(await saslCase(`gs2:${v.id}`, `malformed GS2 (spec-vectors/gs2.json ${v.id})`, [v.message], nowMs, { apiVersions: false }));
  }

  {
    const r = new Requests();
    const steps = [apiVersionsOk(r), handshake(r, 1)];
    steps.push(r.request(API_KEY.SASL_AUTHENTICATE, 2, { authBytes: initialResponse(expired) }, (id) => response(API_KEY.SASL_AUTHENTICATE, 2, id,
      'errorCode 0 with the error challenge', (b) => ((b as SaslAuthenticateResponse).errorCode === 0 && (b as SaslAuthenticateResponse).authBytes.length > 0 ? null : 'no error challenge')),
    'SaslAuthenticate v2 (an expired token)'));
    steps.push(r.request(API_KEY.METADATA, 1, { topics: [{ name: 'probe' }] }, (id) => response(API_KEY.METADATA, 1, id,
      `a Metadata error response: topic errorCode ${ERROR_CODE.ILLEGAL_SASL_STATE} (ILLEGAL_SASL_STATE)`, (b) => {
        const topic = (b as MetadataResponse).topics[0];
        return topic?.errorCode === ERROR_CODE.ILLEGAL_SASL_STATE ? null : `topic errorCode ${String(topic?.errorCode)}, Kafka answers ${ERROR_CODE.ILLEGAL_SASL_STATE}`;
      }), 'Metadata v1 instead of the %x01 reply'));
    steps.push({ send: null, sent: '(nothing)', expect: close('then closes the connection') });
    cases.push({ id: 'skips-x01', title: 'a client that sends Metadata instead of the %x01 reply to the error challenge', steps });
  }
  {
    const r = new Requests();
    cases.push({ id: 'authenticate-before-handshake', title: 'SaslAuthenticate before any SaslHandshake', steps: [
      r.request(API_KEY.SASL_AUTHENTICATE, 2, { authBytes: initialResponse(good) }, () => close(), 'SaslAuthenticate v2 first'),
    ] });
  }
  {
    const r = new Requests();
    cases.push({ id: 'metadata-before-handshake', title: 'Metadata before any SaslHandshake', steps: [
      apiVersionsOk(r), r.request(API_KEY.METADATA, 1, { topics: null }, () => close(), 'Metadata v1 unauthenticated'),
    ] });
  }
  {
    const r = new Requests();
    cases.push({ id: 'unknown-mechanism', title: 'an unknown SASL mechanism', steps: [
      apiVersionsOk(r), handshake(r, 1, 'NOT-A-MECHANISM'),
      r.request(API_KEY.SASL_AUTHENTICATE, 2, { authBytes: initialResponse(good) }, () => close('closes the connection (no SaslAuthenticate response)'), 'SaslAuthenticate v2 anyway'),
    ] });
  }
  {
    const size = new Uint8Array(4);
    new DataView(size.buffer).setInt32(0, SASL_SERVER_MAX_RECEIVE_SIZE + 1);
    cases.push({ id: 'oversized-frame', title: `a frame of ${SASL_SERVER_MAX_RECEIVE_SIZE + 1} bytes (sasl.server.max.receive.size is ${SASL_SERVER_MAX_RECEIVE_SIZE})`, steps: [
      { send: size, sent: `a frame size of ${SASL_SERVER_MAX_RECEIVE_SIZE + 1}`, expect: close() },
    ] });
  }
  {
    const r = new Requests();
    const steps: Step[] = [apiVersionsOk(r), handshake(r, 0)];
    const message = initialResponse(good);
    steps.push({ send: encodeFrame(message), sent: `a raw frame (no Kafka header): ${redactedMessage(message)}`,
      expect: { kind: 'raw', kafka: 'a raw empty frame (success)', check: (bytes) => (bytes.length === 0 ? null : `a raw frame of ${bytes.length} bytes, Kafka sends 0`) } });
    steps.push(metadataAfterAuth(r));
    cases.push({ id: 'v0-raw-framing', title: 'SaslHandshake v0: the SASL tokens as raw frames, a good token', steps });
  }
  {
    const r = new Requests();
    const steps: Step[] = [apiVersionsOk(r), handshake(r, 0)];
    const challenge = enc('{"status":"invalid_token"}');
    steps.push({ send: encodeFrame(initialResponse(expired)), sent: 'a raw frame: an expired token',
      expect: { kind: 'raw', kafka: `a raw frame "${escapeBytes(challenge)}" (error challenge)`, check: (bytes) => (sameBytes(bytes, challenge) ? null : `a raw frame "${escapeBytes(bytes.subarray(0, 80))}"`) } });
    steps.push({ send: encodeFrame(Uint8Array.of(1)), sent: 'a raw frame: %x01', expect: close('closes the connection (v0 has no error response)') });
    cases.push({ id: 'v0-raw-refused', title: 'SaslHandshake v0: an expired token, raw error challenge, the client\'s %x01', steps });
  }
  return cases;
}

/** Decodes a response frame for `expect`, or says why it does not decode. */
export function readResponse(frame: Uint8Array, expect: Expectation & { kind: 'response' }): { body: unknown } | { problem: string } {
  try {
    const { header, body } = decodeResponse(frame, expect.apiKey, expect.apiVersion);
    if (header.correlationId !== expect.correlationId) return { problem: `a response with correlation id ${header.correlationId}, expected ${expect.correlationId}` };
    return { body };
  } catch (err) {
    if (!(err instanceof OAuthBearerError)) throw err;
    return { problem: `a frame that is not a ${apiName(expect.apiKey)} v${expect.apiVersion} response: ${err.code}: ${err.message}` };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Replaying spec-vectors/broker.json (op broker.session) over the socket.

interface SessionVector {
  id: string;
  source: string;
  op: string;
  input: { validator?: unknown; config?: Record<string, string>; nowMs: number; events: Array<{ atMs: number; request?: VectorRequest; raw?: unknown }> };
  expect: { ok?: { replies: VectorReply[] } };
}
interface VectorRequest { apiKey: number; apiVersion: number; header: { correlationId: number; clientId: string | null }; body: Record<string, unknown> }
type VectorReply = { response: { header: { correlationId: number }; body: Record<string, unknown> } } | { raw: unknown } | { close: true };

/** A FORMAT.md byte string: a JSON string for its UTF-8 bytes, or `{"base64": ...}`. */
function vectorBytes(value: unknown): Uint8Array {
  if (typeof value === 'string') return new TextEncoder().encode(value);
  const b64 = (value as { base64?: unknown } | null)?.base64;
  if (typeof b64 === 'string') return new Uint8Array(Buffer.from(b64, 'base64'));
  throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'a byte string is a JSON string or {"base64": ...}');
}

/**
 * The vector's unsecured tokens moved to now: `iat`, `exp` and `nbf` of every `alg: none` token in a client
 * message shift by the seconds between the vector's `nowMs` and now, so a token valid (or expired) at the vector's
 * time is valid (or expired by as much) on the broker's real clock.
 */
export function shiftTokens(message: Uint8Array, deltaSeconds: number): Uint8Array {
  const text = new TextDecoder('latin1').decode(message);
  const shifted = text.replace(/(auth=\S+ +)([-_A-Za-z0-9]+)\.([-_A-Za-z0-9]+)\.(?=\x01|$)/g, (whole, prefix: string, h: string, c: string) => {
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: unknown };
      if (header.alg !== 'none') return whole;
      const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as Record<string, unknown>;
      for (const name of ['iat', 'exp', 'nbf']) if (typeof claims[name] === 'number') claims[name] = (claims[name] as number) + deltaSeconds;
      return `${prefix}${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    } catch {
      return whole;
    }
  });
  return shifted === text ? message : new Uint8Array(Buffer.from(shifted, 'latin1'));
}

/** Kafka's ApiVersions answer to a version it does not know is a v0 response (SaslServerAuthenticator). */
const API_VERSIONS_MAX = 4;

function encodeVectorRequest(r: VectorRequest, deltaSeconds: number): Uint8Array {
  const body: Record<string, unknown> = { ...r.body };
  if (typeof body.authBytes === 'string') body.authBytes = shiftTokens(new Uint8Array(Buffer.from(body.authBytes, 'base64')), deltaSeconds);
  if (r.apiKey === API_KEY.API_VERSIONS && r.apiVersion > API_VERSIONS_MAX) {
    // A version our codec does not write: the v3 bytes with the version field set to the vector's.
    const frame = encodeRequest({ apiKey: r.apiKey, apiVersion: 3, correlationId: r.header.correlationId, clientId: r.header.clientId, body });
    new DataView(frame.buffer, frame.byteOffset).setInt16(6, r.apiVersion);
    return frame;
  }
  return encodeRequest({ apiKey: r.apiKey, apiVersion: r.apiVersion, correlationId: r.header.correlationId, clientId: r.header.clientId, body });
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Compares a response body with the vector's, on what a broker's own choices do not decide. */
function compareBody(apiKey: number, want: Record<string, unknown>, got: Record<string, unknown>, lifetimeSlackMs: number): string | null {
  if (want.errorCode !== undefined && got.errorCode !== want.errorCode) return `errorCode ${String(got.errorCode)}, Kafka answers ${String(want.errorCode)}`;
  switch (apiKey) {
    case API_KEY.SASL_HANDSHAKE:
      return JSON.stringify(got.mechanisms) === JSON.stringify(want.mechanisms) ? null : `mechanisms ${JSON.stringify(got.mechanisms)}, Kafka answers ${JSON.stringify(want.mechanisms)}`;
    case API_KEY.SASL_AUTHENTICATE: {
      if (want.errorMessage !== undefined && got.errorMessage !== want.errorMessage) return `errorMessage ${JSON.stringify(got.errorMessage)}, Kafka answers ${JSON.stringify(want.errorMessage)}`;
      if (typeof want.authBytes === 'string' && b64(got.authBytes as Uint8Array) !== want.authBytes) return 'different authBytes';
      const wantLife = typeof want.sessionLifetimeMs === 'number' ? want.sessionLifetimeMs : 0;
      const gotLife = typeof got.sessionLifetimeMs === 'number' ? got.sessionLifetimeMs : 0;
      // The token's remaining life on the broker's clock: the vector's value, less the time the replay took.
      if (wantLife === 0 ? gotLife !== 0 : !(gotLife > 0 && gotLife <= wantLife + 1000 && gotLife >= wantLife - lifetimeSlackMs)) {
        return `sessionLifetimeMs ${gotLife}, Kafka answers ${wantLife}`;
      }
      return null;
    }
    case API_KEY.METADATA: {
      // Brokers, cluster and controller are the broker's own; the topics' error codes are Kafka's rules.
      const codes = (b: Record<string, unknown>): string => JSON.stringify(((b.topics as Array<{ name: unknown; errorCode: unknown }> | undefined) ?? []).map((t) => [t.name, t.errorCode]));
      return codes(got) === codes(want) ? null : `topics ${codes(got)}, Kafka answers ${codes(want)}`;
    }
    default:
      return null;
  }
}

/**
 * The broker.session vectors a real broker can be held to: Kafka's default unsecured validator, no broker
 * settings and no waits (those need the broker's configuration or clock).
 */
export function vectorCases(brokerJson: unknown, nowMs: number): ProbeCase[] {
  const vectors = ((brokerJson as { vectors?: SessionVector[] }).vectors ?? []).filter((v) => v.op === 'broker.session'
    && JSON.stringify(v.input.validator) === '{"unsecured":{}}' && Object.keys(v.input.config ?? {}).length === 0
    && v.input.events.every((e) => e.atMs < 1000) && v.expect.ok !== undefined);
  return vectors.map((v) => {
    const deltaSeconds = Math.floor((nowMs - v.input.nowMs) / 1000);
    const replies = v.expect.ok!.replies;
    const steps: Step[] = [];
    for (let i = 0; i < replies.length && i < v.input.events.length; i++) {
      const event = v.input.events[i]!;
      const reply = replies[i]!;
      const request = event.request;
      const send = request !== undefined ? encodeVectorRequest(request, deltaSeconds) : encodeFrame(shiftTokens(vectorBytes(event.raw), deltaSeconds));
      const sent = request !== undefined ? `${apiName(request.apiKey)} v${request.apiVersion}` : 'a raw frame';
      let expect: Expectation;
      if ('close' in reply) {
        expect = close();
      } else if ('raw' in reply) {
        const want = vectorBytes(reply.raw);
        expect = { kind: 'raw', kafka: `a raw frame "${escapeBytes(want)}"`, check: (bytes) => (sameBytes(bytes, want) ? null : `a raw frame "${escapeBytes(bytes.subarray(0, 80))}"`) };
      } else {
        const apiKey = request!.apiKey;
        const apiVersion = apiKey === API_KEY.API_VERSIONS && request!.apiVersion > API_VERSIONS_MAX ? 0 : request!.apiVersion;
        const want = reply.response.body;
        expect = response(apiKey, apiVersion, reply.response.header.correlationId, describeWanted(apiKey, want),
          (body) => compareBody(apiKey, want, body as Record<string, unknown>, 30_000));
      }
      steps.push({ send, sent, expect });
    }
    return { id: `vector:${v.id}`, title: `spec-vectors/broker.json ${v.id}`, steps };
  });
}

function describeWanted(apiKey: number, want: Record<string, unknown>): string {
  const parts = [`errorCode ${String(want.errorCode ?? '(none)')}`];
  if (apiKey === API_KEY.SASL_AUTHENTICATE) {
    if (typeof want.errorMessage === 'string' && want.errorMessage !== '') parts.push(`errorMessage ${JSON.stringify(want.errorMessage)}`);
    if (typeof want.authBytes === 'string' && want.authBytes !== '') parts.push(`authBytes "${escapeBytes(new Uint8Array(Buffer.from(want.authBytes, 'base64')))}"`);
    if (typeof want.sessionLifetimeMs === 'number' && want.sessionLifetimeMs !== 0) parts.push(`sessionLifetimeMs ${want.sessionLifetimeMs}`);
  }
  if (apiKey === API_KEY.METADATA) return `topics ${JSON.stringify(((want.topics as Array<{ name: unknown; errorCode: unknown }> | undefined) ?? []).map((t) => ({ name: t.name, errorCode: t.errorCode })))}`;
  return parts.join(', ');
}
