/**
 * The broker's side of one Kafka connection until and while it is authenticated, as Kafka's
 * SaslServerAuthenticator has it (clients/src/main/java/org/apache/kafka/common/security/authenticator/
 * SaslServerAuthenticator.java), as a synchronous, I/O-free machine: bytes and validation verdicts in, actions out.
 * @module
 */
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import type { BearerToken, ExtensionsVerdict } from '../../token.js';
import { createServer, type Server, type ServerStep, type TokenValidation } from '../../sasl/server.js';
import type { Gs2Profile } from '../../sasl/gs2.js';
import { serverSessionLifetimeMs } from '../reauth.js';
import { API_KEY, ERROR_CODE, SASL_SERVER_MAX_RECEIVE_SIZE, DEFAULT_IDLE_TIMEOUT_MS, apiName } from './constants.js';
import { decodeRequest, decodeRequestHeader, encodeResponse, SUPPORTED_VERSIONS, type DecodedRequest } from './codec.js';
import { createFrameDecoder, encodeFrame, type FrameDecoder } from './frame.js';
import { ZERO_UUID } from './apis.js';
import type { ApiVersionsRequest, MetadataRequest, MetadataResponse, RequestHeader, SaslAuthenticateRequest, SaslHandshakeRequest } from './messages.js';

/**
 * Options of {@link createBrokerSession}.
 * @category Kafka wire
 */
export interface BrokerSessionOptions {
  /** Enabled SASL mechanisms (`sasl.enabled.mechanisms`), default `['OAUTHBEARER']`; only OAUTHBEARER authenticates. */
  readonly mechanisms?: readonly string[];
  /** `connections.max.reauth.ms` (null or ≤ 0: none). */
  readonly maxReauthMs?: number | null;
  /** `sasl.server.max.receive.size`, default 524288. */
  readonly maxReceiveBytes?: number;
  /** `connections.max.idle.ms`, default 600000 (Kafka's broker default). */
  readonly idleTimeoutMs?: number;
  /** GS2 grammar, default `kafka`. */
  readonly profile?: Gs2Profile;
  /** `connection.failed.authentication.delay.ms`, default 100: how long a failed connection waits before its answer and close. */
  readonly failedAuthenticationDelayMs?: number;
  /** The one broker Metadata answers with. */
  readonly broker: { readonly nodeId: number; readonly host: string; readonly port: number; readonly rack?: string | null; readonly clusterId?: string | null };
}

/**
 * What the broker machine asks of its driver, in order.
 * @category Kafka wire
 */
export type BrokerAction =
  /** Write these bytes (already framed). */
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  /** Validate the token, then call `tokenValidated`. */
  | { readonly type: 'validate'; readonly token: string; readonly authzid: string | null; readonly extensions: ReadonlyMap<string, string>; readonly reauthentication: boolean }
  /** Check the extensions, then call `extensionsChecked`. */
  | { readonly type: 'check-extensions'; readonly token: BearerToken; readonly extensions: ReadonlyMap<string, string> }
  /** The connection authenticated (or re-authenticated). */
  | {
      readonly type: 'authenticated';
      readonly principal: string;
      readonly token: BearerToken;
      readonly extensions: ReadonlyMap<string, string>;
      readonly sessionLifetimeMs: number;
      readonly reauthentication: boolean;
      readonly clientSoftware: { readonly name: string; readonly version: string } | null;
    }
  /** The exchange failed; `error.cause` keeps the validator's own error. */
  | {
      readonly type: 'authentication-failed';
      readonly error: OAuthBearerError;
      /** What the broker sent, or null when it closes without a response. */
      readonly kafkaErrorCode: number | null;
      readonly kafkaErrorMessage: string | null;
      readonly reauthentication: boolean;
    }
  /**
   * A SaslHandshake on an authenticated connection within a second of the last re-authentication's start (Kafka's
   * one per second): answered ILLEGAL_SASL_STATE as an authenticated connection's request; the session goes on.
   */
  | { readonly type: 'reauthentication-refused'; readonly error: OAuthBearerError; readonly sinceReauthenticationMs: number; readonly sinceAuthenticationMs: number }
  /** A request arrived (for logs). */
  | { readonly type: 'request'; readonly apiKey: number; readonly apiVersion: number; readonly correlationId: number; readonly clientId: string | null }
  /** Flush the earlier sends, then close; nothing more follows. */
  | { readonly type: 'close'; readonly reason: OAuthBearerError };

/**
 * One connection's broker side; see {@link createBrokerSession}.
 * @example
 * ```ts
 * const broker = createBrokerSession({ broker: { nodeId: 1, host: '127.0.0.1', port: 9092 } }, Date.now());
 * broker.receive(bytes, Date.now());
 * for (let a = broker.poll(); a !== null; a = broker.poll()) if (a.type === 'send') socket.write(a.bytes);
 * ```
 * @category Kafka wire
 */
export interface BrokerSession {
  /** Bytes from the client, in any split. */
  receive(bytes: Uint8Array, nowMs: number): void;
  /** The answer to a `validate` action. */
  tokenValidated(result: TokenValidation, nowMs: number): void;
  /** The answer to a `check-extensions` action. */
  extensionsChecked(verdict: ExtensionsVerdict | { readonly error: unknown }, nowMs: number): void;
  /** Time has reached `pollTimeout()`. */
  handleTimeout(nowMs: number): void;
  /** The next action, or null; drain after every call. */
  poll(): BrokerAction | null;
  /** Absolute ms at which `handleTimeout` must be called, or null. */
  pollTimeout(): number | null;
  /** Where the connection stands. */
  readonly state: BrokerSessionState;
}

/**
 * The broker machine's states.
 * @category Kafka wire
 */
export type BrokerSessionState = 'initial' | 'handshaken' | 'authenticating' | 'authenticated' | 'closed';

/**
 * Kafka's `socket.request.max.bytes` default (SocketServerConfigs): the frame bound once a connection is authenticated.
 * @category Kafka wire
 */
export const SOCKET_REQUEST_MAX_BYTES = 104_857_600;
/**
 * Kafka's `connection.failed.authentication.delay.ms` default (BrokerSecurityConfigs).
 * @category Kafka wire
 */
export const DEFAULT_FAILED_AUTHENTICATION_DELAY_MS = 100;
/** KafkaChannel.MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS: a second re-authentication within a second is not one. */
const MIN_REAUTH_INTERVAL_MS = 1000;
/** ApiVersionsRequest.isValid: KIP-511's pattern for clientSoftwareName and clientSoftwareVersion. */
const SOFTWARE_NAME_VERSION = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;
/** KafkaPrincipal.USER_TYPE: the type Kafka's default principal builder gives an OAUTHBEARER principal. */
const USER_TYPE = 'User';
const OAUTHBEARER = 'OAUTHBEARER';
const EMPTY = new Uint8Array(0);

type Phase =
  /** SaslServerAuthenticator HANDSHAKE_OR_VERSIONS_REQUEST (and INITIAL_REQUEST). */
  | { readonly kind: 'initial' }
  /** HANDSHAKE_REQUEST: ApiVersions answered, SaslHandshake expected. */
  | { readonly kind: 'handshaken' }
  /** AUTHENTICATE: SASL tokens, Kafka-framed (handshake v1) or raw (v0). */
  | {
      readonly kind: 'authenticating';
      readonly server: Server | null; // null: an enabled mechanism other than OAUTHBEARER, which this broker cannot run
      readonly mechanism: string;
      readonly raw: boolean;
      pending: { readonly correlationId: number; readonly apiVersion: number } | null;
      waiting: 'validate' | 'check-extensions' | null;
      challengeCause: OAuthBearerError | null;
    }
  | { readonly kind: 'authenticated' }
  /** Failed: the answer (if any) and the close wait for `connection.failed.authentication.delay.ms`. */
  | { readonly kind: 'failing'; readonly atMs: number; readonly bytes: Uint8Array | null; readonly reason: OAuthBearerError }
  | { readonly kind: 'closed' };

interface Session {
  principal: string;
  mechanism: string;
  expiresAtMs: number | null;
  lastReauthStartMs: number | null;
  authenticatedAtMs: number;
}

/** ApiKeys' enum name (`METADATA`, `SASL_HANDSHAKE`), as Kafka's exception texts show an api. */
function apiEnumName(apiKey: number): string {
  return apiName(apiKey).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

function ids(request: DecodedRequest): { correlationId: number; apiKey: number; apiVersion: number } {
  return { correlationId: request.header.correlationId, apiKey: request.apiKey, apiVersion: request.apiVersion };
}

function protocolError(message: string, cause?: unknown): OAuthBearerError {
  return new OAuthBearerError('ERR_KAFKA_PROTOCOL', message, cause === undefined ? {} : { cause });
}

/**
 * Creates the broker side of one connection, opened at `nowMs` (pass it: the idle clock starts there; without it,
 * at the first call that carries a time): Kafka's SaslServerAuthenticator (ApiVersions first
 * or not at all, the SaslHandshake mechanism check, SaslAuthenticate through the OAUTHBEARER server mechanism,
 * SaslHandshake v0's raw tokens), the KIP-368 session and re-authentication, and what Kafka's SocketServer and
 * KafkaApis do once the connection is authenticated (ApiVersions, Metadata with this one broker; an expired session
 * closed at its next request).
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a bad option
 * @example
 * ```ts
 * const broker = createBrokerSession({ broker: { nodeId: 1, host: '127.0.0.1', port: 9092 } }, Date.now());
 * broker.receive(bytes, Date.now());
 * for (let a = broker.poll(); a !== null; a = broker.poll()) if (a.type === 'send') socket.write(a.bytes);
 * ```
 * @category Kafka wire
 */
export function createBrokerSession(options: BrokerSessionOptions, nowMs?: number): BrokerSession {
  if (typeof options !== 'object' || options === null || typeof options.broker !== 'object' || options.broker === null) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'createBrokerSession: options.broker ({ nodeId, host, port }) is required');
  }
  const mechanisms = [...(options.mechanisms ?? [OAUTHBEARER])];
  if (mechanisms.length === 0 || !mechanisms.every((m) => typeof m === 'string' && m.length > 0)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'createBrokerSession: mechanisms must be a non-empty list of mechanism names (sasl.enabled.mechanisms)');
  }
  const nonNegative = (value: number | undefined, fallback: number, name: string): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `createBrokerSession: ${name} must be a number ≥ 0, not ${String(value)}`);
    return v;
  };
  const idleTimeoutMs = nonNegative(options.idleTimeoutMs, DEFAULT_IDLE_TIMEOUT_MS, 'idleTimeoutMs');
  const failedDelayMs = nonNegative(options.failedAuthenticationDelayMs, DEFAULT_FAILED_AUTHENTICATION_DELAY_MS, 'failedAuthenticationDelayMs');
  const maxReauthMs = options.maxReauthMs ?? null;
  const profile = options.profile ?? 'kafka';
  const broker = options.broker;
  const maxReceiveBytes = options.maxReceiveBytes ?? SASL_SERVER_MAX_RECEIVE_SIZE;
  const frames: FrameDecoder = createFrameDecoder({ maxFrameBytes: maxReceiveBytes });

  const actions: BrokerAction[] = [];
  let phase: Phase = { kind: 'initial' };
  let session: Session | null = null;
  let clientSoftware: { name: string; version: string } | null = null;
  if (nowMs !== undefined && !Number.isFinite(nowMs)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'createBrokerSession: nowMs must be a finite number');
  // The idle clock starts when the connection opened, or, when that time is not given, at the first call with a time.
  let lastActivityMs = nowMs ?? Number.NaN;
  let reauthentication = false;

  let currentMs = nowMs ?? 0;
  const send = (bytes: Uint8Array): void => {
    // Kafka's idle clock counts traffic both ways.
    lastActivityMs = currentMs;
    actions.push({ type: 'send', bytes });
  };
  const closeNow = (reason: OAuthBearerError): void => {
    phase = { kind: 'closed' };
    actions.push({ type: 'close', reason });
  };
  /** An AuthenticationException: the answer (or none) and the close come after the failed-authentication delay. */
  const failAuthentication = (reason: OAuthBearerError, bytes: Uint8Array | null, at: number): void => {
    if (failedDelayMs === 0) {
      if (bytes !== null) send(bytes);
      closeNow(reason);
      return;
    }
    phase = { kind: 'failing', atMs: at + failedDelayMs, bytes, reason };
  };
  const reportFailure = (error: OAuthBearerError, kafkaErrorCode: number | null, kafkaErrorMessage: string | null): void => {
    actions.push({ type: 'authentication-failed', error, kafkaErrorCode, kafkaErrorMessage, reauthentication });
  };
  const respond = (request: { correlationId: number; apiKey: number; apiVersion: number }, body: object): Uint8Array =>
    encodeResponse({ apiKey: request.apiKey, apiVersion: request.apiVersion, correlationId: request.correlationId, body });

  // --- Answers shared by several phases ---

  const apiVersionsAnswer = (header: RequestHeader, frame: Uint8Array): { bytes: Uint8Array; ok: boolean; body?: ApiVersionsRequest } => {
    const version = header.requestApiVersion;
    const range = SUPPORTED_VERSIONS.find((v) => v.apiKey === API_KEY.API_VERSIONS)!;
    if (version < range.minVersion || version > range.maxVersion) {
      // RequestContext.parseRequest / ApiVersionsRequest.getErrorResponse: a v0 answer with the supported range (KIP-511).
      return { ok: false, bytes: respond({ correlationId: header.correlationId, apiKey: API_KEY.API_VERSIONS, apiVersion: 0 }, { errorCode: ERROR_CODE.UNSUPPORTED_VERSION, apiKeys: [range] }) };
    }
    const body = decodeRequest(frame).body as ApiVersionsRequest;
    const request = { correlationId: header.correlationId, apiKey: API_KEY.API_VERSIONS, apiVersion: version };
    if (version >= 3 && !(SOFTWARE_NAME_VERSION.test(body.clientSoftwareName ?? '') && SOFTWARE_NAME_VERSION.test(body.clientSoftwareVersion ?? ''))) {
      return { ok: false, bytes: respond(request, { errorCode: ERROR_CODE.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 }) };
    }
    return { ok: true, body, bytes: respond(request, { errorCode: ERROR_CODE.NONE, apiKeys: SUPPORTED_VERSIONS.map((v) => ({ ...v })), throttleTimeMs: 0 }) };
  };

  const metadataAnswer = (request: DecodedRequest, errorCode: number | null): Uint8Array => {
    const body = request.body as MetadataRequest;
    const requested = request.apiVersion === 0 && body.topics !== null && body.topics.length === 0 ? null : body.topics;
    const topics = (requested ?? []).map((t) => ({
      // Kafka: UNKNOWN_TOPIC_OR_PARTITION for a name it does not have, UNKNOWN_TOPIC_ID (100) for an id alone.
      errorCode: errorCode ?? (t.name === null ? 100 : ERROR_CODE.UNKNOWN_TOPIC_OR_PARTITION),
      // MetadataRequest.getErrorResponse: "the response does not allow null, so convert to empty string".
      name: t.name === null && (request.apiVersion < 12 || errorCode !== null) ? '' : t.name,
      topicId: t.topicId ?? ZERO_UUID,
      isInternal: false,
      partitions: [],
    }));
    const answer: MetadataResponse = errorCode !== null
      ? { throttleTimeMs: 0, brokers: [], topics }
      : {
          throttleTimeMs: 0,
          brokers: [{ nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack ?? null }],
          clusterId: broker.clusterId ?? null,
          controllerId: broker.nodeId,
          topics,
        };
    return respond(ids(request), answer);
  };

  /** The error response Kafka builds for a request that is not SaslAuthenticate during authentication (getErrorResponse), or null for an api we do not encode. */
  const illegalStateAnswer = (request: DecodedRequest): Uint8Array | null => {
    const code = ERROR_CODE.ILLEGAL_SASL_STATE;
    switch (request.apiKey) {
      case API_KEY.API_VERSIONS:
        return respond(ids(request), { errorCode: code, apiKeys: [], throttleTimeMs: 0 });
      case API_KEY.SASL_HANDSHAKE:
        return respond(ids(request), { errorCode: code, mechanisms: [] });
      case API_KEY.METADATA:
        return metadataAnswer(request, code);
      default:
        return null;
    }
  };

  // --- Phases ---

  let firstFrame = true;
  /** The request header of a frame, or null after closing for a frame that is not a Kafka request. */
  const readHeader = (frame: Uint8Array, what: string, at: number): RequestHeader | null => {
    const first = firstFrame;
    firstFrame = false;
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(frame).header;
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      const reason = protocolError(`The client sent a frame of ${frame.length} bytes that is not a Kafka request ${first ? 'as its first request' : what}: ${err.message}`, err);
      if (first) {
        // INITIAL_REQUEST: not a Kafka request, and GSSAPI (the 0.9 fallback) not enabled: UnsupportedSaslMechanismException.
        reportFailure(reason, null, null);
        failAuthentication(reason, null, at);
      } else closeNow(reason); // InvalidRequestException: closed at once.
      return null;
    }
    actions.push({ type: 'request', apiKey: header.requestApiKey, apiVersion: header.requestApiVersion, correlationId: header.correlationId, clientId: header.clientId });
    return header;
  };

  const onHandshake = (header: RequestHeader, frame: Uint8Array, at: number): void => {
    let body: SaslHandshakeRequest;
    try {
      body = decodeRequest(frame).body as SaslHandshakeRequest;
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      closeNow(protocolError(`The client's SaslHandshake v${header.requestApiVersion} request does not parse: ${err.message}`, err));
      return;
    }
    const version = header.requestApiVersion;
    const request = { correlationId: header.correlationId, apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: version };
    const mechanism = body.mechanism;
    if (!mechanisms.includes(mechanism)) {
      const reason = new OAuthBearerError('ERR_KAFKA_PROTOCOL', `The client asked for SASL mechanism "${mechanism.slice(0, 64)}", which is not enabled here (enabled: ${mechanisms.join(', ')}); Kafka answers UNSUPPORTED_SASL_MECHANISM and closes`);
      reportFailure(reason, ERROR_CODE.UNSUPPORTED_SASL_MECHANISM, null);
      failAuthentication(reason, respond(request, { errorCode: ERROR_CODE.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...mechanisms] }), at);
      return;
    }
    send(respond(request, { errorCode: ERROR_CODE.NONE, mechanisms: [...mechanisms] }));
    if (reauthentication && session !== null && session.mechanism !== mechanism) {
      // ReauthInfo.saslMechanismUnchanged: REAUTH_BAD_MECHANISM fails at the next token, with no answer.
      phase = { kind: 'authenticating', server: null, mechanism, raw: version === 0, pending: null, waiting: null, challengeCause: null };
      return;
    }
    const server = mechanism === OAUTHBEARER ? createServer({ profile, maxMessageBytes: maxReceiveBytes, reauthentication }) : null;
    phase = { kind: 'authenticating', server, mechanism, raw: version === 0, pending: null, waiting: null, challengeCause: null };
  };

  const onInitial = (frame: Uint8Array, at: number, afterApiVersions: boolean): void => {
    const header = readHeader(frame, afterApiVersions ? 'after ApiVersions' : 'before SaslHandshake', at);
    if (header === null) return;
    const apiKey = header.requestApiKey;
    if (apiKey === API_KEY.API_VERSIONS) {
      if (afterApiVersions) {
        closeNow(protocolError('The client sent ApiVersions a second time before its SaslHandshake; Kafka closes the connection (Unexpected ApiVersions request received during SASL authentication state HANDSHAKE_REQUEST)'));
        return;
      }
      let answer;
      try {
        answer = apiVersionsAnswer(header, frame);
      } catch (err) {
        if (!isOAuthBearerError(err)) throw err;
        closeNow(protocolError(`The client's ApiVersions v${header.requestApiVersion} request does not parse: ${err.message}`, err));
        return;
      }
      send(answer.bytes);
      if (answer.ok) {
        const body = answer.body!;
        if (body.clientSoftwareName !== undefined) clientSoftware = { name: body.clientSoftwareName, version: body.clientSoftwareVersion ?? '' };
        phase = { kind: 'handshaken' };
      }
      return;
    }
    if (apiKey === API_KEY.SASL_HANDSHAKE) {
      onHandshake(header, frame, at);
      return;
    }
    // SaslServerAuthenticator.handleKafkaRequest: IllegalSaslStateException, no answer.
    const reason = protocolError(`The client sent ${apiName(apiKey)} before SaslHandshake; Kafka closes the connection without an answer (Unexpected Kafka request of type ${apiEnumName(apiKey)} during SASL handshake.)`);
    reportFailure(reason, null, null);
    failAuthentication(reason, null, at);
  };

  const onSaslStep = (step: ServerStep, at: number): void => {
    const p = phase;
    if (p.kind !== 'authenticating') return;
    const frameAnswer = (body: { errorCode: number; errorMessage: string | null; authBytes: Uint8Array; sessionLifetimeMs: number }): Uint8Array | null => {
      if (p.raw) return null;
      return respond({ correlationId: p.pending!.correlationId, apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: p.pending!.apiVersion }, body);
    };
    switch (step.action) {
      case 'validate':
        p.waiting = 'validate';
        actions.push({ type: 'validate', token: step.token, authzid: step.authzid, extensions: step.extensions, reauthentication });
        return;
      case 'check-extensions':
        p.waiting = 'check-extensions';
        actions.push({ type: 'check-extensions', token: step.token, extensions: step.extensions });
        return;
      case 'send':
        p.waiting = null;
        p.challengeCause = step.cause;
        send(p.raw ? encodeFrame(step.challenge) : frameAnswer({ errorCode: ERROR_CODE.NONE, errorMessage: '', authBytes: step.challenge, sessionLifetimeMs: 0 })!);
        p.pending = null;
        return;
      case 'finish': {
        p.waiting = null;
        const outcome = step.outcome;
        if (outcome.state === 'failure') {
          const message = outcome.kafkaErrorMessage;
          // Raw (v0) tokens: Kafka has no answer for a failure and closes.
          const bytes = message === null ? null : frameAnswer({ errorCode: ERROR_CODE.SASL_AUTHENTICATION_FAILED, errorMessage: message, authBytes: EMPTY, sessionLifetimeMs: 0 });
          reportFailure(outcome.error, bytes === null ? null : ERROR_CODE.SASL_AUTHENTICATION_FAILED, bytes === null ? null : message);
          failAuthentication(outcome.error, bytes, at);
          return;
        }
        if (reauthentication && session !== null && session.principal !== outcome.principal) {
          const message = `Cannot change principals during re-authentication from ${USER_TYPE}.${session.principal}: ${USER_TYPE}.${outcome.principal}`;
          const error = new OAuthBearerError('ERR_AUTHENTICATION_FAILED', `The re-authentication presented a token for another principal; Kafka keeps a connection's principal for its life: ${message}`);
          const bytes = frameAnswer({ errorCode: ERROR_CODE.SASL_AUTHENTICATION_FAILED, errorMessage: message, authBytes: EMPTY, sessionLifetimeMs: 0 });
          reportFailure(error, bytes === null ? null : ERROR_CODE.SASL_AUTHENTICATION_FAILED, bytes === null ? null : message);
          failAuthentication(error, bytes, at);
          return;
        }
        const sessionLifetimeMs = serverSessionLifetimeMs({ nowMs: at, maxReauthMs, tokenExpiryMs: outcome.token.lifetimeMs });
        const lastReauthStartMs = session?.lastReauthStartMs ?? null;
        session = { principal: outcome.principal, mechanism: p.mechanism, expiresAtMs: at + sessionLifetimeMs, lastReauthStartMs, authenticatedAtMs: at };
        send(p.raw ? encodeFrame(outcome.challenge) : frameAnswer({ errorCode: ERROR_CODE.NONE, errorMessage: '', authBytes: outcome.challenge, sessionLifetimeMs })!);
        phase = { kind: 'authenticated' };
        frames.setMaxFrameBytes(SOCKET_REQUEST_MAX_BYTES);
        actions.push({
          type: 'authenticated', principal: outcome.principal, token: outcome.token, extensions: outcome.extensions, sessionLifetimeMs, reauthentication, clientSoftware,
        });
        return;
      }
    }
  };

  const onAuthenticating = (frame: Uint8Array, at: number): void => {
    const p = phase;
    if (p.kind !== 'authenticating') return;
    let token: Uint8Array;
    if (p.raw) {
      token = frame;
    } else {
      const header = readHeader(frame, 'during SASL authentication', at);
      if (header === null) return;
      let request: DecodedRequest | null = null;
      try {
        request = decodeRequest(frame);
      } catch (err) {
        if (!isOAuthBearerError(err)) throw err;
        if (err.code === 'ERR_KAFKA_FRAME' || header.requestApiKey === API_KEY.SASL_AUTHENTICATE) {
          closeNow(protocolError(`The client's ${apiName(header.requestApiKey)} v${header.requestApiVersion} request during SASL authentication does not parse or has an unsupported version: ${err.message}`, err));
          return;
        }
      }
      if (header.requestApiKey !== API_KEY.SASL_AUTHENTICATE) {
        const name = apiName(header.requestApiKey);
        const instead = p.challengeCause !== null ? `instead of the %x01 reply to the error challenge` : `instead of SaslAuthenticate after SaslHandshake`;
        const reason = protocolError(`The client sent ${name} ${instead}; Kafka answers ILLEGAL_SASL_STATE and closes (Unexpected Kafka request of type ${apiEnumName(header.requestApiKey)} during SASL authentication.)`, p.challengeCause ?? undefined);
        const bytes = request === null ? null : illegalStateAnswer(request);
        reportFailure(reason, bytes === null ? null : ERROR_CODE.ILLEGAL_SASL_STATE, null);
        failAuthentication(reason, bytes, at);
        return;
      }
      p.pending = { correlationId: header.correlationId, apiVersion: header.requestApiVersion };
      token = (request!.body as SaslAuthenticateRequest).authBytes;
    }
    if (p.server === null) {
      const text = reauthentication && session !== null && session.mechanism !== p.mechanism
        ? `SASL mechanism '${p.mechanism}' requested by client is not supported for re-authentication of mechanism '${session.mechanism}'`
        : `Authentication failed during ${reauthentication ? 're-authentication' : 'authentication'} due to invalid credentials with SASL mechanism ${p.mechanism}`;
      const error = new OAuthBearerError('ERR_AUTHENTICATION_FAILED', `This broker authenticates OAUTHBEARER only, not ${p.mechanism.slice(0, 64)}: ${text}`);
      reportFailure(error, null, null);
      failAuthentication(error, null, at);
      return;
    }
    let step: ServerStep;
    try {
      step = p.server.receive(token);
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      closeNow(protocolError(`The SASL exchange could not take the client's message: ${err.message}`, err));
      return;
    }
    onSaslStep(step, at);
  };

  const onAuthenticated = (frame: Uint8Array, at: number): void => {
    const header = readHeader(frame, 'after authentication', at);
    if (header === null) return;
    const apiKey = header.requestApiKey;
    const version = header.requestApiVersion;
    const range = SUPPORTED_VERSIONS.find((v) => v.apiKey === apiKey);
    // SocketServer.parseRequestHeader: an api or version the broker has not enabled closes the connection.
    if (range === undefined || ((version < range.minVersion || version > range.maxVersion) && apiKey !== API_KEY.API_VERSIONS)) {
      closeNow(protocolError(`The client sent ${apiName(apiKey)} v${version}, which this broker does not serve (after authentication it answers ApiVersions and Metadata only); Kafka closes the connection (Received request api key ${apiEnumName(apiKey)} with version ${version} which is not enabled)`));
      return;
    }
    const s = session!;
    if (apiKey === API_KEY.SASL_HANDSHAKE && s.expiresAtMs !== null && (s.lastReauthStartMs === null || at - s.lastReauthStartMs >= MIN_REAUTH_INTERVAL_MS)) {
      // KafkaChannel.maybeBeginServerReauthentication.
      s.lastReauthStartMs = at;
      reauthentication = true;
      frames.setMaxFrameBytes(maxReceiveBytes);
      onHandshake(header, frame, at);
      return;
    }
    // SocketServer.processCompletedReceives: a session past its expiry is closed at its next request.
    if (s.expiresAtMs !== null && at > s.expiresAtMs) {
      closeNow(protocolError(`The client sent ${apiName(apiKey)} ${at - s.expiresAtMs} ms after its session expired (KIP-368 session lifetime, token expiry or connections.max.reauth.ms) instead of re-authenticating; Kafka closes the connection`));
      return;
    }
    let request: DecodedRequest;
    try {
      if (apiKey === API_KEY.API_VERSIONS) {
        send(apiVersionsAnswer(header, frame).bytes);
        return;
      }
      request = decodeRequest(frame);
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      closeNow(protocolError(`The client's ${apiName(apiKey)} v${version} request does not parse: ${err.message}`, err));
      return;
    }
    switch (apiKey) {
      case API_KEY.METADATA:
        send(metadataAnswer(request, null));
        return;
      case API_KEY.SASL_HANDSHAKE:
        // KafkaApis.handleSaslHandshakeRequest.
        actions.push(refusedReauthentication(s, at));
        send(respond(ids(request), { errorCode: ERROR_CODE.ILLEGAL_SASL_STATE, mechanisms: [] }));
        return;
      case API_KEY.SASL_AUTHENTICATE:
        // KafkaApis.handleSaslAuthenticateRequest.
        send(respond(ids(request), { errorCode: ERROR_CODE.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication', authBytes: EMPTY, sessionLifetimeMs: 0 }));
        return;
    }
  };

  /** Handles buffered frames while no validation is pending. */
  const pump = (at: number): void => {
    for (;;) {
      const p = phase;
      if (p.kind === 'closed' || p.kind === 'failing') return;
      if (p.kind === 'authenticating' && p.waiting !== null) return;
      let frame: Uint8Array | null;
      try {
        frame = frames.next();
      } catch (err) {
        if (!isOAuthBearerError(err)) throw err;
        const before = p.kind !== 'authenticated';
        const reason = protocolError(
          before
            ? `The client sent a frame above sasl.server.max.receive.size (${maxReceiveBytes} bytes) before authenticating, or a negative size; Kafka fails the authentication and closes (${err.message})`
            : `The client sent a frame above socket.request.max.bytes (${SOCKET_REQUEST_MAX_BYTES} bytes) or a negative size; Kafka closes the connection (${err.message})`,
          err,
        );
        if (before) {
          reportFailure(reason, null, null);
          failAuthentication(reason, null, at);
        } else closeNow(reason);
        return;
      }
      if (frame === null) return;
      switch (p.kind) {
        case 'initial':
          onInitial(frame, at, false);
          break;
        case 'handshaken':
          onInitial(frame, at, true);
          break;
        case 'authenticating':
          onAuthenticating(frame, at);
          break;
        case 'authenticated':
          onAuthenticated(frame, at);
          break;
      }
    }
  };

  const checkTime = (at: number, name: string): void => {
    if (!Number.isFinite(at)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${name}: nowMs must be a finite number`);
  };

  return {
    receive(bytes, at) {
      checkTime(at, 'receive');
      currentMs = at;
      if (phase.kind === 'closed' || phase.kind === 'failing') return; // Kafka mutes a failed channel; a closed one reads nothing.
      frames.push(bytes);
      lastActivityMs = at;
      pump(at);
    },
    tokenValidated(result, at) {
      checkTime(at, 'tokenValidated');
      currentMs = at;
      const p = phase;
      if (p.kind !== 'authenticating' || p.waiting !== 'validate' || p.server === null) {
        throw new OAuthBearerError('ERR_USAGE_STATE', `tokenValidated() answers a 'validate' action; the broker session is ${phase.kind} and asked for none`);
      }
      onSaslStep(p.server.tokenValidated(result), at);
      pump(at);
    },
    extensionsChecked(verdict, at) {
      checkTime(at, 'extensionsChecked');
      currentMs = at;
      const p = phase;
      if (p.kind !== 'authenticating' || p.waiting !== 'check-extensions' || p.server === null) {
        throw new OAuthBearerError('ERR_USAGE_STATE', `extensionsChecked() answers a 'check-extensions' action; the broker session is ${phase.kind} and asked for none`);
      }
      onSaslStep(p.server.extensionsChecked(verdict), at);
      pump(at);
    },
    handleTimeout(at) {
      checkTime(at, 'handleTimeout');
      currentMs = at;
      if (Number.isNaN(lastActivityMs)) lastActivityMs = at;
      const p = phase;
      if (p.kind === 'closed') return;
      if (p.kind === 'failing') {
        if (at >= p.atMs) {
          if (p.bytes !== null) send(p.bytes);
          closeNow(p.reason);
        }
        return;
      }
      if (idleTimeoutMs > 0 && at >= lastActivityMs + idleTimeoutMs && !(p.kind === 'authenticating' && p.waiting !== null)) {
        closeNow(protocolError(`The connection was idle for ${at - lastActivityMs} ms (connections.max.idle.ms is ${idleTimeoutMs}); Kafka closes idle connections`));
      }
    },
    poll() {
      return actions.shift() ?? null;
    },
    pollTimeout() {
      const p = phase;
      if (p.kind === 'closed') return null;
      if (p.kind === 'failing') return p.atMs;
      if (p.kind === 'authenticating' && p.waiting !== null) return null;
      return idleTimeoutMs > 0 && !Number.isNaN(lastActivityMs) ? lastActivityMs + idleTimeoutMs : null;
    },
    get state() {
      const k = phase.kind;
      if (k === 'failing') return 'closed';
      return k;
    },
  };
}

/**
 * The action for a SaslHandshake on an authenticated connection that began no re-authentication. Every session has
 * an expiry, so that is Kafka's one-per-second rule: the last re-authentication began less than a second ago.
 */
function refusedReauthentication(s: Session, at: number): BrokerAction {
  const since = at - (s.lastReauthStartMs ?? s.authenticatedAtMs);
  const sinceAuthentication = at - s.authenticatedAtMs;
  return {
    type: 'reauthentication-refused', sinceReauthenticationMs: since, sinceAuthenticationMs: sinceAuthentication,
    error: protocolError(`The client began a re-authentication ${since} ms after its previous one began (${sinceAuthentication} ms after it last authenticated); `
      + "Kafka's broker allows one re-authentication per second (KafkaChannel MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS), answers this SaslHandshake "
      + "as an authenticated connection's request and keeps the current session"),
  };
}
