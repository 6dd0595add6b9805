/**
 * HTTP ports for Node: the global fetch for plain HTTPS, and a `node:https` port whose TLS connections present a
 * client certificate (RFC 8705 §2.1 `tls_client_auth`, §3 certificate-bound tokens) and trust a given CA.
 * Node 20's global fetch is undici, but `Agent`/`dispatcher` need the `undici` package, so the mTLS port uses
 * `node:https`, which needs nothing installed.
 * @module
 */
import { request as httpsRequest, Agent, type AgentOptions } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { OAuthBearerError } from '../errors.js';
import type { HttpPort } from '../ports.js';

/**
 * The runtime's fetch, as a port.
 * @category Node adapters
 */
export const fetchHttp: HttpPort = (request) => fetch(request);

/**
 * TLS options of {@link tlsHttp} (PEM strings or bytes, as `node:tls` takes them).
 * @category Node adapters
 */
export interface TlsHttpOptions {
  /** The client certificate chain (PEM) presented to the server, for `tls_client_auth`. */
  readonly cert?: string | Uint8Array;
  /** The client certificate's private key (PEM). */
  readonly key?: string | Uint8Array;
  /** The passphrase of an encrypted `key`. */
  readonly passphrase?: string;
  /** CA certificates (PEM) to trust instead of the system's. */
  readonly ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array>;
  /** Keep connections open between requests (default true). */
  readonly keepAlive?: boolean;
}

/**
 * An HTTP port over `node:https` that presents a client certificate and trusts `ca`. `http:` URLs go over
 * `node:http` without TLS. The request's `signal` aborts the request and its body.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` when only one of `cert` and `key` is given
 * @example
 * ```ts
 * const http = tlsHttp({ cert: readFileSync('client.crt'), key: readFileSync('client.key'), ca: readFileSync('ca.crt') });
 * const retrieve = createTokenRetriever({ ...config, clientAuth: tlsClientAuth('svc') }, { ...nodeRetrieverPorts(), http });
 * ```
 * @category Node adapters
 */
export function tlsHttp(options: TlsHttpOptions): HttpPort & { close(): void } {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', 'A client certificate needs both "cert" and "key"');
  }
  const agentOptions: AgentOptions = { keepAlive: options.keepAlive ?? true };
  if (options.cert !== undefined) agentOptions.cert = toNode(options.cert);
  if (options.key !== undefined) agentOptions.key = toNode(options.key);
  if (options.passphrase !== undefined) agentOptions.passphrase = options.passphrase;
  if (options.ca !== undefined) agentOptions.ca = Array.isArray(options.ca) ? options.ca.map(toNode) : toNode(options.ca as string | Uint8Array);
  const agent = new Agent(agentOptions);

  const port = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const body = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => { headers[name] = value; });
    if (body !== null) headers['content-length'] = String(body.byteLength);
    const signal = request.signal;
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : null;
      if (send === null) {
        reject(new OAuthBearerError('ERR_HTTP', `Unsupported URL scheme ${url.protocol}; use https`));
        return;
      }
      const req = send(url, { method: request.method, headers, ...(url.protocol === 'https:' ? { agent } : {}), signal }, (res: IncomingMessage) => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
          else if (value !== undefined) responseHeaders.set(name, value);
        }
        const status = res.statusCode ?? 0;
        const noBody = status === 204 || status === 304 || request.method === 'HEAD';
        resolve(new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers: responseHeaders }));
      });
      req.on('error', reject);
      req.end(body === null ? undefined : body);
    });
  };
  return Object.assign(port, { close: () => agent.destroy() });
}

function toNode(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
