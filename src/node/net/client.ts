/**
 * The client's socket driver: one `node:net` or `node:tls` connection driven by the client machine
 * (src/kafka/wire/client.ts). The driver moves bytes, answers `need-token` from the caller's token source, keeps the
 * machine's timer (request timeouts, the KIP-368 re-authentication time) and queues what happened as events.
 * @module
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { uniformDraw, webRandom } from '../../ports.js';
import { createClientSession, type ClientSession, type ClientSessionOptions, type ProvidedToken } from '../../kafka/wire/index.js';
import type { MetadataResponse } from '../../kafka/wire/messages.js';
import type { TlsMaterial } from './tls.js';

/**
 * Options of {@link connectBroker}.
 * @category Node adapters
 */
export interface BrokerConnectOptions {
  readonly host: string;
  readonly port: number;
  /** TLS (SASL_SSL): trust, an optional client keystore (mTLS), and whether to check the broker's host name. */
  readonly tls?: { readonly material: TlsMaterial; readonly checkHostname: boolean } | null;
  /** The machine's options; `random` defaults to WebCrypto draws. */
  readonly session?: Omit<ClientSessionOptions, 'random'> & { readonly random?: () => number };
  /** Answers the machine's `need-token` (first authentication and each re-authentication). */
  readonly token: (reauthentication: boolean) => ProvidedToken | Promise<ProvidedToken>;
  /** Connect (and TLS handshake) timeout, default 10000 ms. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * What happened on the connection, in order.
 * @category Node adapters
 */
export type ClientEvent =
  | { readonly type: 'authenticated'; readonly reauthentication: boolean; readonly sessionLifetimeMs: number; readonly reauthAtMs: number | null; readonly atMs: number }
  | { readonly type: 'metadata'; readonly body: MetadataResponse }
  | { readonly type: 'failed'; readonly error: OAuthBearerError }
  /** The connection is over: `reason` from the machine, or the socket's end (`by: 'broker'`). */
  | { readonly type: 'closed'; readonly by: 'client' | 'broker'; readonly reason: OAuthBearerError | null; readonly socketError: string | null };

/**
 * An open connection to a broker.
 * @category Node adapters
 */
export interface BrokerConnection {
  /** The next event, or null when `timeoutMs` passes first (or `signal` aborts). After `closed`, always `closed`. */
  next(timeoutMs: number, signal?: AbortSignal): Promise<ClientEvent | null>;
  /** Asks for metadata (after `authenticated`). */
  requestMetadata(topics?: readonly string[] | null): void;
  /** Closes the connection. */
  close(): void;
  /** The machine's state. */
  readonly state: string;
}

/** How long a closing connection may take to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2_000;

function networkError(message: string, cause?: unknown): OAuthBearerError {
  return new OAuthBearerError('ERR_NETWORK', message, cause === undefined ? {} : { cause });
}

/**
 * Opens a connection and starts the machine (ApiVersions first). Resolves once the socket (and TLS) is up.
 * @throws OAuthBearerError `ERR_NETWORK` when the broker cannot be reached (`connect ECONNREFUSED 127.0.0.1:9092`),
 *   the TLS handshake fails, or the connect timeout passes
 * @example
 * ```ts
 * const connection = await connectBroker({ host: '127.0.0.1', port: 9092, token: () => ({ value: jws }) });
 * const event = await connection.next(30_000); // { type: 'authenticated', ... }
 * ```
 * @category Node adapters
 */
export async function connectBroker(options: BrokerConnectOptions): Promise<BrokerConnection> {
  const now = options.now ?? Date.now;
  const where = `${options.host}:${options.port}`;
  const socket: Socket = await new Promise<Socket>((resolve, reject) => {
    let s: Socket;
    const tls = options.tls ?? null;
    if (tls === null) {
      s = netConnect({ host: options.host, port: options.port });
    } else {
      const m = tls.material;
      s = tlsConnect({
        host: options.host, port: options.port,
        ...(/^[\d.]+$|:/.test(options.host) ? {} : { servername: options.host }),
        ...(m.ca === undefined ? {} : { ca: m.ca }),
        ...(m.key === undefined ? {} : { key: m.key }), ...(m.cert === undefined ? {} : { cert: m.cert }),
        ...(m.pfx === undefined ? {} : { pfx: Buffer.from(m.pfx) }), ...(m.passphrase === undefined ? {} : { passphrase: m.passphrase }),
        // ssl.endpoint.identification.algorithm empty: the chain is still checked, the host name is not.
        ...(tls.checkHostname ? {} : { checkServerIdentity: () => undefined }),
      });
    }
    const ready = tls === null ? 'connect' : 'secureConnect';
    const timer = setTimeout(() => {
      s.destroy();
      reject(networkError(`connect to ${where} timed out after ${options.connectTimeoutMs ?? 10_000} ms`));
    }, options.connectTimeoutMs ?? 10_000);
    s.once(ready, () => {
      clearTimeout(timer);
      s.off('error', onError);
      resolve(s);
    });
    const onError = (error: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      reject(networkError(tls === null ? error.message : `TLS connection to ${where} failed: ${error.message}`, error));
    };
    s.once('error', onError);
  });
  socket.setNoDelay(true);

  const { random, ...sessionOptions } = options.session ?? {};
  const session: ClientSession = createClientSession({ ...sessionOptions, random: random ?? (() => uniformDraw(webRandom)) });
  const queue: ClientEvent[] = [];
  const waiters: Array<() => void> = [];
  let closed: ClientEvent | null = null;
  let timer: NodeJS.Timeout | null = null;
  let socketError: string | null = null;

  const emit = (event: ClientEvent): void => {
    if (closed !== null) return;
    if (event.type === 'closed') closed = event;
    queue.push(event);
    for (const wake of waiters.splice(0)) wake();
  };
  const schedule = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (closed !== null) return;
    const at = session.pollTimeout();
    if (at === null) return;
    timer = setTimeout(() => {
      timer = null;
      step(() => session.handleTimeout(now()));
    }, Math.min(Math.max(0, at - now()), 2 ** 31 - 1));
    timer.unref();
  };
  const finish = (by: 'client' | 'broker', reason: OAuthBearerError | null): void => {
    emit({ type: 'closed', by, reason, socketError });
    if (timer !== null) clearTimeout(timer);
    socket.end(() => socket.destroy());
    // A peer that does not read keeps our queued bytes from flushing: do not wait for it.
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  };
  const step = (call: () => void): void => {
    if (closed !== null) return;
    try {
      call();
    } catch (error) {
      finish('client', isOAuthBearerError(error) ? error : new OAuthBearerError('ERR_USAGE_STATE', `The client machine failed: ${String(error)}`, { cause: error }));
      return;
    }
    for (let action = session.poll(); action !== null; action = session.poll()) {
      switch (action.type) {
        case 'send':
          socket.write(action.bytes);
          break;
        case 'need-token': {
          const provide = (token: ProvidedToken): void => step(() => session.tokenProvided(token, now()));
          let result: ProvidedToken | Promise<ProvidedToken>;
          try {
            result = options.token(action.reauthentication);
          } catch (error) {
            queueMicrotask(() => provide({ error }));
            break;
          }
          Promise.resolve(result).then(provide, (error: unknown) => provide({ error }));
          break;
        }
        case 'authenticated':
          emit({ type: 'authenticated', reauthentication: action.reauthentication, sessionLifetimeMs: action.sessionLifetimeMs, reauthAtMs: action.reauthAtMs, atMs: now() });
          break;
        case 'metadata':
          emit({ type: 'metadata', body: action.body });
          break;
        case 'failed':
          emit({ type: 'failed', error: action.error });
          break;
        case 'close':
          finish('client', action.reason);
          return;
      }
    }
    schedule();
  };

  socket.on('data', (chunk: Buffer) => step(() => session.receive(chunk, now())));
  socket.on('error', (error: NodeJS.ErrnoException) => {
    socketError = error.code ?? error.message;
  });
  socket.on('close', () => {
    if (timer !== null) clearTimeout(timer);
    emit({ type: 'closed', by: 'broker', reason: null, socketError });
  });
  step(() => session.start(now()));

  return {
    get state() {
      return session.state;
    },
    async next(timeoutMs, signal) {
      for (;;) {
        const event = queue.shift();
        if (event !== undefined) return event;
        if (closed !== null) return closed;
        if (signal?.aborted === true) return null;
        const woke = await new Promise<boolean>((resolve) => {
          const t = setTimeout(() => resolve(false), Math.max(0, timeoutMs));
          const onAbort = (): void => resolve(false);
          signal?.addEventListener('abort', onAbort, { once: true });
          waiters.push(() => {
            clearTimeout(t);
            signal?.removeEventListener('abort', onAbort);
            resolve(true);
          });
        });
        if (!woke) return queue.shift() ?? null;
      }
    },
    requestMetadata(topics) {
      step(() => session.requestMetadata(now(), topics ?? null));
    },
    close() {
      if (closed === null) {
        emit({ type: 'closed', by: 'client', reason: null, socketError: null });
        if (timer !== null) clearTimeout(timer);
        socket.end(() => socket.destroy());
        setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
      }
    },
  };
}
