/**
 * The broker's socket driver: a `node:net` or `node:tls` server whose every connection is one broker machine
 * (src/kafka/wire/broker.ts). The driver only moves bytes, runs the validator the machine asks for (with the client
 * certificate's thumbprint for RFC 8705 §3), keeps the machine's timer, and reports what happened as events.
 * @module
 */
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { acceptAllExtensions, type BearerToken, type ExtensionsValidator, type ExtensionsVerdict, type TokenValidator } from '../../token.js';
import type { TokenValidation } from '../../sasl/server.js';
import {
  API_KEY, DEFAULT_FAILED_AUTHENTICATION_DELAY_MS, ERROR_CODE, createBrokerSession, createFrameDecoder, decodeRequest, decodeResponse,
  type BrokerSession, type BrokerSessionOptions,
} from '../../kafka/wire/index.js';
import type { ApiVersionsRequest, SaslAuthenticateResponse } from '../../kafka/wire/messages.js';
import { certificateThumbprint, type SslClientAuth, type TlsMaterial } from './tls.js';

/**
 * Options of {@link startBroker}.
 * @category Node adapters
 */
export interface BrokerServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** TLS (SASL_SSL): the key material and `ssl.client.auth`; absent: plaintext (SASL_PLAINTEXT). */
  readonly tls?: { readonly material: TlsMaterial; readonly clientAuth: SslClientAuth } | null;
  /** The machine's options; `broker` defaults to node 0 at the bound address. */
  readonly session?: Omit<BrokerSessionOptions, 'broker'> & { readonly broker?: Partial<BrokerSessionOptions['broker']> };
  readonly validator: TokenValidator;
  /** Default: accept every extension, as Kafka's validator handlers do. */
  readonly extensionsValidator?: ExtensionsValidator;
  /** Every event, synchronously. */
  readonly onEvent: (event: BrokerEvent) => void;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The client software a connection named in ApiVersions v3.
 * @category Node adapters
 */
export type ClientSoftware = { readonly name: string; readonly version: string } | null;

/**
 * What the driver reports. `connection` numbers connections from 1; `peer` is `HOST:PORT`.
 * @category Node adapters
 */
export type BrokerEvent =
  | { readonly type: 'connected'; readonly connection: number; readonly peer: string; readonly tls: boolean; readonly certificateThumbprint: string | null }
  | {
    readonly type: 'authenticated'; readonly connection: number; readonly peer: string; readonly reauthentication: boolean;
    readonly principal: string; readonly extensions: ReadonlyMap<string, string>;
    /**
     * The session lifetime (KIP-368): the broker closes the connection after it unless re-authenticated. After a
     * SaslHandshake v0 it is not sent (raw tokens carry no SaslAuthenticate response), but Kafka's broker still
     * enforces it (SaslServerAuthenticator.handleSaslToken, since KAFKA-9241), and so does the machine.
     */
    readonly sessionLifetimeMs: number;
    /** False after a SaslHandshake v0: the client was never told {@link sessionLifetimeMs}. */
    readonly sessionLifetimeSent: boolean;
    readonly clientSoftware: ClientSoftware; readonly token: BearerToken; readonly certificateThumbprint: string | null | undefined;
  }
  | {
    readonly type: 'authentication-failed'; readonly connection: number; readonly peer: string; readonly reauthentication: boolean;
    readonly error: OAuthBearerError; readonly kafkaErrorCode: number | null; readonly kafkaErrorMessage: string | null;
    readonly clientSoftware: ClientSoftware;
    /** The token the client sent last on this connection, or null (show only its header and claims). */
    readonly token: string | null;
  }
  | {
    readonly type: 'closed'; readonly connection: number; readonly peer: string;
    /** `broker`: the machine closed it (reason given); `client`: the client closed or reset it. */
    readonly by: 'broker' | 'client';
    readonly reason: OAuthBearerError | null;
    /** The socket error, if the connection ended with one (ECONNRESET). */
    readonly socketError: string | null;
    /** The machine's state when it ended. */
    readonly state: string;
    /** An `authentication-failed` event came first on this connection (it has the reason). */
    readonly afterFailure: boolean;
    /** After a failure by the client: `connection.failed.authentication.delay.ms`, when the client left before it ended (the answer was not sent). */
    readonly failedAuthenticationDelayMs: number | null;
    /**
     * The RFC 7628 error challenge the broker sent last, when the client closed without its `%x01` reply (so no
     * `authentication-failed` event says why): its JSON and the validator's error.
     */
    readonly challenge: { readonly text: string; readonly error: OAuthBearerError } | null;
  }
  | {
    /**
     * A KIP-368 re-authentication refused under Kafka's one-per-second rule (KafkaChannel
     * MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS): its SaslHandshake was answered as an authenticated connection's request
     * (ILLEGAL_SASL_STATE) and the current session goes on. Times are from the previous re-authentication's start and
     * from the last authentication's end.
     */
    readonly type: 'reauthentication-refused'; readonly connection: number; readonly peer: string;
    readonly error: OAuthBearerError; readonly kafkaErrorCode: number;
    readonly sinceReauthenticationMs: number; readonly sinceAuthenticationMs: number;
    readonly clientSoftware: ClientSoftware;
  }
  | { readonly type: 'tls-failed'; readonly peer: string; readonly message: string };

/**
 * A running broker.
 * @category Node adapters
 */
export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** Open connections. */
  readonly connections: number;
  /** Stops accepting, closes every connection, resolves when all are gone. */
  close(): Promise<void>;
}

/** How long a closing connection may take to flush its last responses before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** Most bytes read to find the client software in ApiVersions v3 (the first frames only). */
const SNIFF_LIMIT_BYTES = 65_536;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The RFC 7628 error challenge in a send: the raw SASL frame after SaslHandshake v0, else SaslAuthenticate's authBytes.
 * Null when it does not decode (it always does: the machine made it).
 */
function challengeText(bytes: Uint8Array, authenticateVersion: number | null): string | null {
  try {
    const payload = authenticateVersion === null ? bytes.subarray(4)
      : (decodeResponse(bytes.subarray(4), API_KEY.SASL_AUTHENTICATE, authenticateVersion).body as SaslAuthenticateResponse).authBytes;
    return UTF8.decode(payload);
  } catch {
    return null;
  }
}

/** OpenSSL's `…:error:0A0000C7:SSL routines:FUNCTION:REASON:file:line:` as `REASON (FUNCTION)`. */
function opensslReason(message: string): string {
  const m = /:SSL routines:([^:]*):([^:]+):/.exec(message);
  return m === null ? message.trim() : `${m[2]} (${m[1]})`;
}

/** Peer addresses of TCP sockets under TLS, noted at accept: a TLS socket whose handshake failed has lost its own. */
const tcpPeers = new WeakMap<Socket, string>();

function peerOf(socket: Socket): string {
  if (socket.remoteAddress === undefined) {
    const known = tcpPeers.get((socket as { _parent?: Socket })._parent ?? socket);
    if (known !== undefined) return known;
  }
  const host = socket.remoteAddress ?? '?';
  return `${host.includes(':') ? `[${host}]` : host}:${socket.remotePort ?? 0}`;
}

/**
 * Reads ApiVersions v3's clientSoftwareName/Version from the first frames, without touching the machine. Lazily:
 * `push` only keeps the connection's first chunks (at most SNIFF_LIMIT_BYTES and the chunk that crosses it) until
 * `seal()` (the connection has left ApiVersions and SaslHandshake behind, so no later byte can change the answer);
 * they are decoded the first time `software` is read, which most connections never do (the machine names the
 * client software of an authenticated connection itself).
 */
function softwareSniffer(): { push(bytes: Uint8Array): void; seal(): void; readonly sealed: boolean; readonly software: ClientSoftware } {
  let chunks: Uint8Array[] | null = [];
  let seen = 0;
  let sealed = false;
  let decoded: { software: ClientSoftware; chunks: number } | null = null;
  const decode = (kept: readonly Uint8Array[]): ClientSoftware => {
    let software: ClientSoftware = null;
    let total = 0;
    const frames = createFrameDecoder({ maxFrameBytes: SNIFF_LIMIT_BYTES });
    // The same walk as over the chunks one by one as they came: frames in order, up to the first frame that is not
    // ApiVersions, one that does not decode, or the limit.
    for (const bytes of kept) {
      total += bytes.length;
      try {
        frames.push(bytes);
        for (let frame = frames.next(); frame !== null; frame = frames.next()) {
          const request = decodeRequest(frame);
          if (request.apiKey !== API_KEY.API_VERSIONS) return software;
          const body = request.body as ApiVersionsRequest;
          if (body.clientSoftwareName !== undefined) software = { name: body.clientSoftwareName, version: body.clientSoftwareVersion ?? '' };
        }
      } catch {
        return software;
      }
      if (total > SNIFF_LIMIT_BYTES) return software;
    }
    return software;
  };
  return {
    push(bytes) {
      if (sealed || chunks === null) return;
      chunks.push(bytes);
      seen += bytes.length;
      if (seen > SNIFF_LIMIT_BYTES) sealed = true;
    },
    seal() {
      sealed = true;
    },
    get sealed() {
      return sealed;
    },
    get software() {
      if (chunks === null) return decoded!.software;
      if (decoded === null || decoded.chunks !== chunks.length) decoded = { software: decode(chunks), chunks: chunks.length };
      if (sealed) chunks = null;
      return decoded.software;
    },
  };
}

/**
 * Starts a broker listening on `host:port`.
 * @throws OAuthBearerError `ERR_CONFIG` when the address cannot be bound (in use, not local); `ERR_USAGE_ARGUMENT`
 *   for session options the broker machine refuses
 * @example
 * ```ts
 * const broker = await startBroker({ host: '127.0.0.1', port: 0, validator: unsecuredValidator({}), onEvent: console.log });
 * await broker.close();
 * ```
 * @category Node adapters
 */
export async function startBroker(options: BrokerServerOptions): Promise<RunningBroker> {
  const now = options.now ?? Date.now;
  const checkExtensions = options.extensionsValidator ?? acceptAllExtensions;
  const sockets = new Set<Socket>();
  let nextId = 1;
  let boundHost = options.host;
  let boundPort = options.port;
  const tls = options.tls ?? null;

  // Every connection's machine options, made once the address is bound (a connection never comes before).
  let resolvedSessionOptions: BrokerSessionOptions | null = null;
  const sessionOptions = (): BrokerSessionOptions => {
    if (resolvedSessionOptions === null) {
      const session = options.session ?? {};
      resolvedSessionOptions = { ...session, broker: { nodeId: 0, host: boundHost, port: boundPort, ...session.broker } };
    }
    return resolvedSessionOptions;
  };

  const handle = (socket: Socket, thumbprint: string | null | undefined): void => {
    const id = nextId++;
    const peer = peerOf(socket);
    sockets.add(socket);
    socket.setNoDelay(true);
    options.onEvent({ type: 'connected', connection: id, peer, tls: tls !== null, certificateThumbprint: thumbprint ?? null });
    // The options were checked once at start, so this does not throw.
    const session: BrokerSession = createBrokerSession(sessionOptions(), now());
    const sniffer = softwareSniffer();
    let lastToken: string | null = null;
    let closing: OAuthBearerError | null = null;
    let socketError: string | null = null;
    let timer: NodeJS.Timeout | null = null;
    /** The machine's wake-up time the timer was set for. */
    let timerAt = 0;
    let ended = false;
    // What the lines need that the machine's actions do not say (read off the requests and the bytes sent).
    let afterFailure = false;
    /** The SaslHandshake version of the exchange under way (0: raw tokens, no SaslAuthenticate). */
    let handshakeVersion: number | null = null;
    let authenticateVersion: number | null = null;
    /** The validator's error whose challenge may be the next send; then the challenge awaiting its %x01. */
    let challengeCause: OAuthBearerError | null = null;
    let challenge: { text: string; error: OAuthBearerError } | null = null;
    const closedEvent = (by: 'broker' | 'client', reason: OAuthBearerError | null): BrokerEvent => ({
      type: 'closed', connection: id, peer, by, reason, socketError: by === 'client' ? socketError : null, state: session.state, afterFailure,
      failedAuthenticationDelayMs: by === 'client' && afterFailure ? options.session?.failedAuthenticationDelayMs ?? DEFAULT_FAILED_AUTHENTICATION_DELAY_MS : null,
      challenge,
    });

    // One timer per connection, re-set only when the machine wants to wake earlier than it is set for: every
    // request moves connections.max.idle.ms's deadline later, and a timer that fires before the machine's current
    // time only sets itself again, so a connection costs one setTimeout instead of one per step.
    const onTimer = (): void => {
      timer = null;
      const at = session.pollTimeout();
      if (at !== null && at > timerAt) schedule();
      else step((t) => session.handleTimeout(t));
    };
    const schedule = (): void => {
      if (ended) return;
      const at = session.pollTimeout();
      if (at === null) {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        return;
      }
      if (timer !== null) {
        if (timerAt <= at) return;
        clearTimeout(timer);
      }
      timerAt = at;
      timer = setTimeout(onTimer, Math.min(Math.max(0, at - now()), 2 ** 31 - 1));
      timer.unref();
    };

    const validated = (result: TokenValidation): void => {
      // A refusal with a protocol status is answered with an error challenge (the first send that follows).
      if ('error' in result && isOAuthBearerError(result.error) && result.error.status !== undefined && result.error.status !== '') challengeCause = result.error;
      step((at) => session.tokenValidated(result, at));
      challengeCause = null;
    };
    const checked = (verdict: ExtensionsVerdict | { error: unknown }): void => step((at) => session.extensionsChecked(verdict, at));

    /** Runs one machine call at the time it is given, then carries out every action it queued. */
    const step = (call: (at: number) => void): void => {
      if (ended || closing !== null) return;
      const at = now();
      try {
        call(at);
      } catch (error) {
        // The machine refused its driver's call: a bug here, not the peer's. Close rather than crash the broker.
        closing = isOAuthBearerError(error) ? error : new OAuthBearerError('ERR_USAGE_STATE', `The broker machine failed: ${String(error)}`, { cause: error });
        options.onEvent(closedEvent('broker', closing));
        socket.destroy();
        return;
      }
      for (let action = session.poll(); action !== null; action = session.poll()) {
        switch (action.type) {
          case 'send':
            if (challengeCause !== null) {
              const text = challengeText(action.bytes, handshakeVersion === 0 ? null : authenticateVersion);
              if (text !== null) challenge = { text, error: challengeCause };
            }
            socket.write(action.bytes);
            break;
          case 'validate': {
            lastToken = action.token;
            challenge = null;
            let result: BearerToken | Promise<BearerToken>;
            try {
              result = options.validator(action.token, { nowMs: now(), ...(thumbprint === undefined ? {} : { certificateThumbprint: thumbprint }) });
            } catch (error) {
              queueMicrotask(() => validated({ error }));
              break;
            }
            Promise.resolve(result).then((token) => validated({ token }), (error: unknown) => validated({ error }));
            break;
          }
          case 'check-extensions': {
            let verdict: ExtensionsVerdict | Promise<ExtensionsVerdict>;
            try {
              verdict = checkExtensions(action.token, action.extensions);
            } catch (error) {
              queueMicrotask(() => checked({ error }));
              break;
            }
            Promise.resolve(verdict).then((v) => checked(v), (error: unknown) => checked({ error }));
            break;
          }
          case 'authenticated':
            challenge = null;
            options.onEvent({
              type: 'authenticated', connection: id, peer, reauthentication: action.reauthentication, principal: action.principal,
              extensions: action.extensions, sessionLifetimeMs: action.sessionLifetimeMs, sessionLifetimeSent: handshakeVersion !== 0,
              clientSoftware: action.clientSoftware ?? sniffer.software, token: action.token, certificateThumbprint: thumbprint,
            });
            break;
          case 'authentication-failed':
            afterFailure = true;
            challenge = null;
            options.onEvent({
              type: 'authentication-failed', connection: id, peer, reauthentication: action.reauthentication, error: action.error,
              kafkaErrorCode: action.kafkaErrorCode, kafkaErrorMessage: action.kafkaErrorMessage, clientSoftware: sniffer.software, token: lastToken,
            });
            break;
          case 'reauthentication-refused':
            options.onEvent({
              type: 'reauthentication-refused', connection: id, peer, error: action.error, kafkaErrorCode: ERROR_CODE.ILLEGAL_SASL_STATE,
              sinceReauthenticationMs: action.sinceReauthenticationMs, sinceAuthenticationMs: action.sinceAuthenticationMs, clientSoftware: sniffer.software,
            });
            break;
          case 'request':
            if (action.apiKey === API_KEY.SASL_HANDSHAKE) {
              handshakeVersion = action.apiVersion;
            } else if (action.apiKey === API_KEY.SASL_AUTHENTICATE) authenticateVersion = action.apiVersion;
            break;
          case 'close':
            closing = action.reason;
            options.onEvent(closedEvent('broker', action.reason));
            // Kafka closes after the queued responses are written; a client that does not read is not waited for.
            socket.end(() => socket.destroy());
            setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
            break;
        }
        challengeCause = null;
        if (closing !== null) break;
      }
      schedule();
    };

    // The machine may already want to wake (connections.max.idle.ms from the connection's start).
    step(() => {});
    socket.on('data', (chunk: Buffer) => {
      if (closing !== null) return;
      if (!sniffer.sealed) sniffer.push(chunk);
      step((at) => session.receive(chunk, at));
      // Past SaslHandshake no later byte can change what the sniffer finds.
      if (!sniffer.sealed && (session.state === 'authenticating' || session.state === 'authenticated')) sniffer.seal();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socketError = error.code ?? error.message;
    });
    socket.on('close', () => {
      ended = true;
      if (timer !== null) clearTimeout(timer);
      sockets.delete(socket);
      if (closing === null) {
        options.onEvent(closedEvent('client', null));
      }
    });
    socket.on('end', () => {
      // The client half-closed: Kafka's broker closes its side too.
      if (closing === null) socket.end();
    });
  };

  // Bad machine options fail here, at start, not on the first connection.
  createBrokerSession({ ...options.session, broker: { nodeId: 0, host: options.host, port: options.port, ...options.session?.broker } }, now());

  let server: NetServer;
  if (tls === null) {
    server = createNetServer((socket) => handle(socket, undefined));
  } else {
    const m = tls.material;
    server = createTlsServer({
      ...(m.key === undefined ? {} : { key: m.key }), ...(m.cert === undefined ? {} : { cert: m.cert }),
      ...(m.pfx === undefined ? {} : { pfx: Buffer.from(m.pfx) }), ...(m.passphrase === undefined ? {} : { passphrase: m.passphrase }),
      ...(m.ca === undefined ? {} : { ca: m.ca }),
      requestCert: tls.clientAuth !== 'none',
      rejectUnauthorized: tls.clientAuth === 'required',
    }, (socket: TLSSocket) => {
      // `requested` (Java's setWantClientAuth): no certificate is fine, an untrusted one fails the handshake.
      const thumbprint = certificateThumbprint(socket);
      if (tls.clientAuth === 'requested' && thumbprint !== null && !socket.authorized) {
        options.onEvent({ type: 'tls-failed', peer: peerOf(socket), message: `the client certificate is not trusted: ${String(socket.authorizationError)}` });
        socket.destroy();
        return;
      }
      handle(socket, thumbprint);
    });
    server.on('connection', (raw: Socket) => tcpPeers.set(raw, peerOf(raw)));
    server.on('tlsClientError', (error: NodeJS.ErrnoException, socket: TLSSocket) => {
      // A refused certificate surfaces as a reset ("socket hang up"); the verification's own reason is kept apart.
      const refused = (socket as { authorizationError?: Error | string }).authorizationError;
      const message = refused !== undefined && refused !== null ? `the client certificate is not trusted: ${String(refused)}` : opensslReason(error.message);
      options.onEvent({ type: 'tls-failed', peer: peerOf(socket), message });
    });
  }
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(new OAuthBearerError('ERR_CONFIG', `Cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  boundHost = address.address;
  boundPort = address.port;
  return {
    host: boundHost,
    port: boundPort,
    get connections() {
      return sockets.size;
    },
    close() {
      // Resolve only after every connection's own 'close' handler has run (and reported), not merely when the
      // server's count reaches zero, which Node signals before later 'close' listeners run.
      const closed = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
      return new Promise<void>((resolve) => {
        server.close(() => void Promise.all(closed).then(() => resolve()));
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
