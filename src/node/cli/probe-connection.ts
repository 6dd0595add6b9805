/**
 * One probe connection to a broker over node:net or node:tls: send bytes, then wait a bounded time for the next
 * frame, the peer's close, or nothing. Frames are read with the wire codec's frame decoder (any split).
 * @module
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { OAuthBearerError } from '../../errors.js';
import { createFrameDecoder, type FrameDecoder } from '../../kafka/wire/frame.js';
import { CLIENT_MAX_RECEIVE_SIZE } from '../../kafka/wire/constants.js';

/** Where and how to connect. */
export interface ProbeTarget {
  readonly host: string;
  readonly port: number;
  /** TLS options, or null for plaintext. */
  readonly tls: { readonly ca?: string; readonly insecure: boolean } | null;
}

/** What a wait for the broker's next message gave. */
export type Arrival =
  | { readonly kind: 'frame'; readonly bytes: Uint8Array }
  | { readonly kind: 'closed' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'bad-frame'; readonly error: OAuthBearerError };

/**
 * Parses `HOST:PORT` (`[::1]:9092` for IPv6).
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT`
 */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || m[1] === '' || !(port >= 1 && port <= 65535)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${JSON.stringify(text)} is not HOST:PORT (e.g. 127.0.0.1:9092)`);
  }
  return { host: m[1]!, port };
}

/** An open connection. */
export class ProbeConnection {
  private readonly frames: FrameDecoder = createFrameDecoder({ maxFrameBytes: CLIENT_MAX_RECEIVE_SIZE });
  private closed = false;
  private frameError: OAuthBearerError | null = null;
  private wake: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.notify();
    });
    const end = (): void => {
      this.closed = true;
      this.notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    // A reset after the broker's close is a close too; the error itself says nothing more here.
    socket.on('error', end);
  }

  /**
   * Connects (and for TLS, handshakes) within `timeoutMs`.
   * @throws OAuthBearerError `ERR_NETWORK` with the system or TLS error as its cause
   */
  static open(target: ProbeTarget, timeoutMs: number): Promise<ProbeConnection> {
    return new Promise((resolve, reject) => {
      const socket = target.tls === null
        ? netConnect({ host: target.host, port: target.port })
        : tlsConnect({
          host: target.host, port: target.port, rejectUnauthorized: !target.tls.insecure,
          ...(target.tls.ca === undefined ? {} : { ca: target.tls.ca }),
          ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
        });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(connectError(target, new OAuthBearerError('ERR_NETWORK', `no connection within ${timeoutMs} ms`)));
      }, timeoutMs);
      const fail = (cause: unknown): void => {
        clearTimeout(timer);
        reject(connectError(target, cause));
      };
      socket.once('error', fail);
      socket.once(target.tls === null ? 'connect' : 'secureConnect', () => {
        clearTimeout(timer);
        socket.off('error', fail);
        resolve(new ProbeConnection(socket));
      });
    });
  }

  /** Writes bytes (a whole frame, or a part of one). */
  send(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** The next frame, the peer's close, or `timeout` after `timeoutMs`. */
  async next(timeoutMs: number): Promise<Arrival> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ready = this.take();
      if (ready !== null) return ready;
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = null;
          resolve();
        }, left);
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  /** Closes our side at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private take(): Arrival | null {
    if (this.frameError !== null) return { kind: 'bad-frame', error: this.frameError };
    try {
      const frame = this.frames.next();
      if (frame !== null) return { kind: 'frame', bytes: frame };
    } catch (err) {
      if (!(err instanceof OAuthBearerError)) throw err;
      this.frameError = err;
      return { kind: 'bad-frame', error: err };
    }
    return this.closed ? { kind: 'closed' } : null;
  }

  private notify(): void {
    this.wake?.();
  }
}

/** The error for a broker we could not reach: the address, and the system error as its cause. */
export function connectError(target: ProbeTarget, cause: unknown): OAuthBearerError {
  return new OAuthBearerError('ERR_NETWORK',
    `Cannot connect to ${target.host}:${target.port}${target.tls === null ? '' : ' over TLS'}; is the broker listening there${target.tls === null ? '' : ' with TLS (and is its certificate trusted: --ca FILE, or --insecure)'}?`,
    { cause });
}
