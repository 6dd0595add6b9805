/**
 * The client's side of one Kafka connection until and while it is authenticated, as Kafka's
 * SaslClientAuthenticator has it (ApiVersions, SaslHandshake v1, SaslAuthenticate, KIP-368 re-authentication),
 * as a synchronous, I/O-free machine.
 * @module
 */
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { createClient, type Client } from '../../sasl/client.js';
import { clientReauthAtMs } from '../reauth.js';
import { API_KEY, ERROR_CODE, CLIENT_MAX_RECEIVE_SIZE, DEFAULT_REQUEST_TIMEOUT_MS, apiName } from './constants.js';
import { decodeResponse, encodeRequest } from './codec.js';
import { createFrameDecoder, encodeFrame } from './frame.js';
import type { ApiVersion, ApiVersionsResponse, MetadataResponse, SaslAuthenticateResponse, SaslHandshakeResponse } from './messages.js';

/**
 * Options of {@link createClientSession}.
 * @category Kafka wire
 */
export interface ClientSessionOptions {
  /** Request header client id, default `oauthbearer`. */
  readonly clientId?: string | null;
  /** ApiVersions v3 `clientSoftwareName`, default `oauthbearer`. */
  readonly softwareName?: string;
  /** ApiVersions v3 `clientSoftwareVersion`. */
  readonly softwareVersion?: string;
  /** The authzid to send, or null (default). */
  readonly authzid?: string | null;
  /** Uniform [0, 1) draw for KIP-368 re-authentication timing. */
  readonly random: () => number;
  /** `request.timeout.ms`, default 30000. */
  readonly requestTimeoutMs?: number;
}

/**
 * What the client machine asks of its driver, in order.
 * @category Kafka wire
 */
export type ClientAction =
  | { readonly type: 'send'; readonly bytes: Uint8Array }
  | { readonly type: 'need-token'; readonly reauthentication: boolean }
  | {
      readonly type: 'authenticated';
      readonly sessionLifetimeMs: number;
      readonly reauthAtMs: number | null;
      readonly reauthentication: boolean;
      readonly apiVersions: ReadonlyArray<{ readonly apiKey: number; readonly minVersion: number; readonly maxVersion: number }>;
    }
  | { readonly type: 'metadata'; readonly body: MetadataResponse }
  /** The broker refused; `error` carries the broker's errorMessage; the connection is over. */
  | { readonly type: 'failed'; readonly error: OAuthBearerError }
  | { readonly type: 'close'; readonly reason: OAuthBearerError };

/**
 * The token a `need-token` action asks for.
 * @category Kafka wire
 */
export type ProvidedToken = { readonly value: string; readonly extensions?: ReadonlyMap<string, string> } | { readonly error: unknown };

/**
 * One connection's client side; see {@link createClientSession}.
 * @example
 * ```ts
 * const client = createClientSession({ random: Math.random });
 * client.start(Date.now());
 * for (let a = client.poll(); a !== null; a = client.poll()) if (a.type === 'send') socket.write(a.bytes);
 * ```
 * @category Kafka wire
 */
export interface ClientSession {
  /** Sends ApiVersions. */
  start(nowMs: number): void;
  /** Bytes from the broker, in any split. */
  receive(bytes: Uint8Array, nowMs: number): void;
  /** The answer to `need-token`. */
  tokenProvided(token: ProvidedToken, nowMs: number): void;
  /** Asks for metadata, once authenticated; null or absent topics: all. */
  requestMetadata(nowMs: number, topics?: readonly string[] | null): void;
  /** Time has reached `pollTimeout()`; re-authenticates when KIP-368 says so. */
  handleTimeout(nowMs: number): void;
  poll(): ClientAction | null;
  pollTimeout(): number | null;
  readonly state: ClientSessionState;
}

/**
 * The client machine's states.
 * @category Kafka wire
 */
export type ClientSessionState = 'initial' | 'api-versions' | 'handshake' | 'need-token' | 'authenticating' | 'authenticated' | 'closed';

/** The highest versions this client sends: ApiVersions v3 (KIP-511 software name), SaslHandshake v1, SaslAuthenticate v2, Metadata v12. */
const OUR_MAX = { [API_KEY.API_VERSIONS]: 3, [API_KEY.SASL_HANDSHAKE]: 1, [API_KEY.SASL_AUTHENTICATE]: 2, [API_KEY.METADATA]: 12 } as const;
const OAUTHBEARER = 'OAUTHBEARER';

interface InFlight {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly deadlineMs: number;
}

/**
 * Creates the client side of one connection: ApiVersions v3 (v0 again when the broker answers UNSUPPORTED_VERSION),
 * SaslHandshake v1, SaslAuthenticate at the highest version both sides have (raw SaslHandshake v0 tokens when the
 * broker has no SaslAuthenticate), the OAUTHBEARER client mechanism with a token the driver provides, and KIP-368
 * re-authentication at Kafka's client time (SaslClientAuthenticator.ReauthInfo), told through `pollTimeout`.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for a bad option
 * @example
 * ```ts
 * const client = createClientSession({ random: Math.random });
 * client.start(Date.now());
 * for (let a = client.poll(); a !== null; a = client.poll()) if (a.type === 'send') socket.write(a.bytes);
 * ```
 * @category Kafka wire
 */
export function createClientSession(options: ClientSessionOptions): ClientSession {
  if (typeof options !== 'object' || options === null || typeof options.random !== 'function') {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'createClientSession: options.random (a uniform [0, 1) draw) is required');
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `createClientSession: requestTimeoutMs must be a positive number, not ${String(options.requestTimeoutMs)}`);
  }
  const clientId = options.clientId === undefined ? 'oauthbearer' : options.clientId;
  const softwareName = options.softwareName ?? 'oauthbearer';
  const softwareVersion = options.softwareVersion ?? '0';
  const frames = createFrameDecoder({ maxFrameBytes: CLIENT_MAX_RECEIVE_SIZE });
  const actions: ClientAction[] = [];

  let state: ClientSessionState = 'initial';
  let correlationId = 0;
  let inFlight: InFlight | null = null;
  let apiVersions: ApiVersion[] = [];
  const apiVersionsTried = new Set<number>();
  let handshakeVersion = 1;
  let authenticateVersion = 2;
  let raw = false;
  let sasl: Client | null = null;
  let reauthentication = false;
  let positiveSessionLifetimeMs = 0;
  let reauthAtMs: number | null = null;
  const metadataWanted: (readonly string[] | null)[] = [];
  let awaitingRawToken = false;

  const close = (reason: OAuthBearerError): void => {
    state = 'closed';
    inFlight = null;
    actions.push({ type: 'close', reason });
  };
  const fail = (error: OAuthBearerError): void => {
    state = 'closed';
    inFlight = null;
    actions.push({ type: 'failed', error });
  };
  const request = (apiKey: number, apiVersion: number, body: object, at: number): void => {
    correlationId = (correlationId + 1) | 0;
    inFlight = { apiKey, apiVersion, correlationId, deadlineMs: at + requestTimeoutMs };
    actions.push({ type: 'send', bytes: encodeRequest({ apiKey, apiVersion, correlationId, clientId, body }) });
  };
  /**
   * The highest version both sides have for an api: null when the broker does not list it, -1 when the ranges do
   * not meet (Kafka's client: UnsupportedVersionException).
   */
  const commonVersion = (apiKey: keyof typeof OUR_MAX): number | null => {
    const v = apiVersions.find((x) => x.apiKey === apiKey);
    if (v === undefined) return null;
    const version = Math.min(v.maxVersion, OUR_MAX[apiKey]);
    return version >= Math.max(0, v.minVersion) ? version : -1;
  };
  const sendApiVersions = (version: number, at: number): void => {
    apiVersionsTried.add(version);
    request(API_KEY.API_VERSIONS, version, version >= 3 ? { clientSoftwareName: softwareName, clientSoftwareVersion: softwareVersion } : {}, at);
  };
  const sendHandshake = (at: number): void => {
    state = 'handshake';
    request(API_KEY.SASL_HANDSHAKE, handshakeVersion, { mechanism: OAUTHBEARER }, at);
  };
  const sendMetadata = (topics: readonly string[] | null, at: number): void => {
    const version = commonVersion(API_KEY.METADATA) ?? 0;
    if (version < 0) {
      close(protocolError('The broker offers no Metadata version this client speaks (0-12)'));
      return;
    }
    const list = topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name }));
    request(API_KEY.METADATA, version, { topics: list, allowAutoTopicCreation: false }, at);
  };

  const onApiVersions = (body: ApiVersionsResponse, at: number): void => {
    if (body.errorCode === ERROR_CODE.UNSUPPORTED_VERSION) {
      // NetworkClient.handleApiVersionsResponse: retry at the broker's highest ApiVersions version (KIP-511), else v0.
      const theirs = body.apiKeys.find((k) => k.apiKey === API_KEY.API_VERSIONS)?.maxVersion ?? 0;
      const next = Math.max(0, Math.min(theirs, OUR_MAX[API_KEY.API_VERSIONS]));
      if (apiVersionsTried.has(next)) {
        close(protocolError(`The broker answered ApiVersions v${next} with UNSUPPORTED_VERSION again; it does not speak a version this client has`));
        return;
      }
      sendApiVersions(next, at);
      return;
    }
    if (body.errorCode !== ERROR_CODE.NONE) {
      close(protocolError(`The broker answered ApiVersions with error code ${body.errorCode}`));
      return;
    }
    apiVersions = body.apiKeys.map((k) => ({ apiKey: k.apiKey, minVersion: k.minVersion, maxVersion: k.maxVersion }));
    // SaslClientAuthenticator.setSaslAuthenticateAndHandshakeVersions.
    const hs = commonVersion(API_KEY.SASL_HANDSHAKE);
    if (hs === null || hs < 0) {
      close(protocolError(`The broker's ApiVersions answer has ${hs === null ? 'no SaslHandshake' : 'no SaslHandshake version this client speaks (0-1)'}; it cannot authenticate a SASL connection`));
      return;
    }
    const au = commonVersion(API_KEY.SASL_AUTHENTICATE);
    if (au !== null && au < 0) {
      close(protocolError('The broker offers no SaslAuthenticate version this client speaks (0-2)'));
      return;
    }
    // Without SaslAuthenticate (brokers before 1.0), tokens travel raw after a v0 handshake.
    raw = hs === 0 || au === null;
    handshakeVersion = raw ? 0 : hs;
    authenticateVersion = au ?? 0;
    sendHandshake(at);
  };

  const onHandshake = (body: SaslHandshakeResponse): void => {
    if (body.errorCode !== ERROR_CODE.NONE) {
      // SaslClientAuthenticator.handleSaslHandshakeResponse's three texts (Kafka names the error; we give its code).
      const enabled = `[${body.mechanisms.join(', ')}]`;
      const text = body.errorCode === ERROR_CODE.UNSUPPORTED_SASL_MECHANISM
        ? `Client SASL mechanism '${OAUTHBEARER}' not enabled in the server, enabled mechanisms are ${enabled}`
        : body.errorCode === ERROR_CODE.ILLEGAL_SASL_STATE
          ? `Unexpected handshake request with client mechanism ${OAUTHBEARER}, enabled mechanisms are ${enabled} (ILLEGAL_SASL_STATE: the broker does not take a re-authentication now)`
          : `Unknown error code ${body.errorCode}, client mechanism is ${OAUTHBEARER}, enabled mechanisms are ${enabled}`;
      fail(new OAuthBearerError('ERR_AUTHENTICATION_FAILED', text));
      return;
    }
    state = 'need-token';
    actions.push({ type: 'need-token', reauthentication });
  };

  const authenticated = (at: number): void => {
    state = 'authenticated';
    sasl = null;
    reauthAtMs = clientReauthAtMs({ authenticationEndMs: at, sessionLifetimeMs: positiveSessionLifetimeMs, draw: drawOnce() });
    actions.push({ type: 'authenticated', sessionLifetimeMs: positiveSessionLifetimeMs, reauthAtMs, reauthentication, apiVersions: apiVersions.map((v) => ({ ...v })) });
    const wanted = metadataWanted.shift();
    if (wanted !== undefined) sendMetadata(wanted, at);
  };
  const drawOnce = (): number => {
    const d = options.random();
    if (!(d >= 0 && d < 1)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `createClientSession: random() must return a number in [0, 1), not ${String(d)}`);
    return d;
  };

  const onServerToken = (token: Uint8Array, at: number): void => {
    let step;
    try {
      step = sasl!.receive(token);
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      close(protocolError(`The broker's SASL message does not fit the exchange: ${err.message}`, err));
      return;
    }
    if (step.action === 'success') {
      authenticated(at);
      return;
    }
    // An error challenge: answer %x01 (RFC 7628 §3.2.3); the broker then reports the failure.
    if (raw) {
      awaitingRawToken = true;
      actions.push({ type: 'send', bytes: encodeFrame(step.message) });
    } else request(API_KEY.SASL_AUTHENTICATE, authenticateVersion, { authBytes: step.message }, at);
  };

  const onAuthenticate = (body: SaslAuthenticateResponse, at: number): void => {
    if (body.errorCode !== ERROR_CODE.NONE) {
      const message = body.errorMessage ?? `error code ${body.errorCode}`;
      fail(sasl !== null && (sasl.state === 'awaiting-server' || sasl.state === 'awaiting-failure') ? sasl.fail(message) : new OAuthBearerError('ERR_AUTHENTICATION_FAILED', `The server failed the SASL exchange: ${message.slice(0, 500)}`));
      return;
    }
    if ((body.sessionLifetimeMs ?? 0) > 0) positiveSessionLifetimeMs = body.sessionLifetimeMs!;
    onServerToken(body.authBytes, at);
  };

  const onFrame = (frame: Uint8Array, at: number): void => {
    if (raw && awaitingRawToken && inFlight === null) {
      awaitingRawToken = false;
      onServerToken(frame, at);
      return;
    }
    const f = inFlight;
    if (f === null) {
      close(protocolError(`The broker sent a frame of ${frame.length} bytes when no request was waiting for an answer`));
      return;
    }
    let decoded;
    try {
      decoded = decodeResponse(frame, f.apiKey, f.apiVersion);
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      close(protocolError(`The broker's ${apiName(f.apiKey)} v${f.apiVersion} response does not parse: ${err.message}`, err));
      return;
    }
    if (decoded.header.correlationId !== f.correlationId) {
      close(protocolError(`Correlation id for response (${decoded.header.correlationId}) does not match request (${f.correlationId}) for ${apiName(f.apiKey)}`));
      return;
    }
    inFlight = null;
    switch (f.apiKey) {
      case API_KEY.API_VERSIONS:
        onApiVersions(decoded.body as ApiVersionsResponse, at);
        return;
      case API_KEY.SASL_HANDSHAKE:
        onHandshake(decoded.body as SaslHandshakeResponse);
        return;
      case API_KEY.SASL_AUTHENTICATE:
        onAuthenticate(decoded.body as SaslAuthenticateResponse, at);
        return;
      case API_KEY.METADATA: {
        actions.push({ type: 'metadata', body: decoded.body as MetadataResponse });
        const wanted = metadataWanted.shift();
        if (wanted !== undefined) sendMetadata(wanted, at);
        return;
      }
    }
  };

  const checkTime = (at: number, name: string): void => {
    if (!Number.isFinite(at)) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${name}: nowMs must be a finite number`);
  };

  return {
    start(at) {
      checkTime(at, 'start');
      if (state !== 'initial') throw new OAuthBearerError('ERR_USAGE_STATE', `start() is called once; the client session is ${state}`);
      state = 'api-versions';
      sendApiVersions(OUR_MAX[API_KEY.API_VERSIONS], at);
    },
    receive(bytes, at) {
      checkTime(at, 'receive');
      if (state === 'closed') return;
      if (state === 'initial') throw new OAuthBearerError('ERR_USAGE_STATE', 'receive() before start()');
      frames.push(bytes);
      for (;;) {
        if ((state as ClientSessionState) === 'closed') return;
        let frame: Uint8Array | null;
        try {
          frame = frames.next();
        } catch (err) {
          if (!isOAuthBearerError(err)) throw err;
          close(protocolError(`The broker sent a frame this client refuses (${err.message})`, err));
          return;
        }
        if (frame === null) return;
        onFrame(frame, at);
      }
    },
    tokenProvided(token, at) {
      checkTime(at, 'tokenProvided');
      if (state !== 'need-token') throw new OAuthBearerError('ERR_USAGE_STATE', `tokenProvided() answers a 'need-token' action; the client session is ${state}`);
      if ('error' in token) {
        const cause = token.error;
        fail(new OAuthBearerError('ERR_TOKEN_PROVIDER', `No token to authenticate with: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }));
        return;
      }
      let initial: Uint8Array;
      try {
        sasl = createClient({
          token: token.value,
          ...(options.authzid == null ? {} : { authzid: options.authzid }),
          ...(token.extensions === undefined ? {} : { extensions: extensionsObject(token.extensions) }),
        });
        initial = sasl.start();
      } catch (err) {
        if (!isOAuthBearerError(err)) throw err;
        fail(new OAuthBearerError(err.code, `The token or its extensions cannot be sent: ${err.message}`, { cause: err }));
        return;
      }
      state = 'authenticating';
      if (raw) {
        awaitingRawToken = true;
        actions.push({ type: 'send', bytes: encodeFrame(initial) });
      } else request(API_KEY.SASL_AUTHENTICATE, authenticateVersion, { authBytes: initial }, at);
    },
    requestMetadata(at, topics = null) {
      checkTime(at, 'requestMetadata');
      if (state === 'closed' || state === 'initial') throw new OAuthBearerError('ERR_USAGE_STATE', `requestMetadata() needs an open session; the client session is ${state}`);
      const list = topics === null ? null : [...topics];
      if (state === 'authenticated' && inFlight === null) sendMetadata(list, at);
      else metadataWanted.push(list);
    },
    handleTimeout(at) {
      checkTime(at, 'handleTimeout');
      if (state === 'closed') return;
      if (inFlight !== null && at >= inFlight.deadlineMs) {
        close(protocolError(`The broker did not answer ${apiName(inFlight.apiKey)} within request.timeout.ms (${requestTimeoutMs} ms)`));
        return;
      }
      if (state === 'authenticated' && inFlight === null && reauthAtMs !== null && at >= reauthAtMs) {
        // KIP-368: re-authenticate on the same connection, from the ApiVersions of the first authentication.
        reauthentication = true;
        reauthAtMs = null;
        positiveSessionLifetimeMs = 0;
        sendHandshake(at);
      }
    },
    poll() {
      return actions.shift() ?? null;
    },
    pollTimeout() {
      if (state === 'closed') return null;
      if (inFlight !== null) return inFlight.deadlineMs;
      if (state === 'authenticated') return reauthAtMs;
      return null;
    },
    get state() {
      return state;
    },
  };
}

function protocolError(message: string, cause?: unknown): OAuthBearerError {
  return new OAuthBearerError('ERR_KAFKA_PROTOCOL', message, cause === undefined ? {} : { cause });
}

/** A provided token's extensions as the SASL client takes them; a typed error for anything but a Map. */
function extensionsObject(extensions: ReadonlyMap<string, string>): Record<string, string> {
  if (!(extensions instanceof Map)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', "The provided token's extensions must be a Map of extension names to values");
  }
  return Object.fromEntries(extensions);
}
