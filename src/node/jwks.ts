/**
 * Node wiring for JWKS key sources (RFC 7517 §5): a JWKS file read once (Kafka's `file:` JWKS URL,
 * `JwksFileVerificationKeyResolver`), and a remote JWKS with Node's fetch, clock and timers.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { OAuthBearerError } from '../errors.js';
import { systemClock, type HttpPort } from '../ports.js';
import { MAX_JWKS_LENGTH } from '../jose/jwk.js';
import { createRemoteJwks, staticKeySource, type JwksRefreshConfig, type KeySource, type RemoteJwks, type RemoteJwksOptions } from '../jose/jwks.js';

/**
 * A key source from a JWKS file (a path or a `file:` URL), read once, as Kafka reads
 * `sasl.oauthbearer.jwks.endpoint.url=file:...` at startup.
 * @throws OAuthBearerError `ERR_FILE` when the file cannot be read or is too large, `ERR_JWKS` when it is not a JWKS
 * @example
 * ```ts
 * const keys = await jwksFile('file:///etc/kafka/jwks.json');
 * ```
 * @category Node adapters
 */
export async function jwksFile(pathOrUrl: string): Promise<KeySource> {
  const path = pathOrUrl.startsWith('file:') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_JWKS_LENGTH) throw new OAuthBearerError('ERR_FILE', `The JWKS file is ${info.size} bytes; the limit is ${MAX_JWKS_LENGTH}`);
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (cause instanceof OAuthBearerError) throw cause;
    throw new OAuthBearerError('ERR_FILE', `The JWKS file ${path} could not be read: ${(cause as Error).message}`, { cause });
  }
  return staticKeySource(text);
}

/**
 * Options of {@link remoteJwks}: Kafka's `sasl.oauthbearer.jwks.endpoint.*` settings; ports default to Node's.
 * @category Node adapters
 */
export interface NodeRemoteJwksOptions extends JwksRefreshConfig, Pick<RemoteJwksOptions, 'connectTimeoutMs' | 'readTimeoutMs' | 'onFetchFailed'> {
  readonly http?: HttpPort;
}

/**
 * A remote JWKS with Node's global fetch, `Date.now` and timers; fetches the first key set before returning, as
 * Kafka's broker does at startup (a failure there is thrown).
 * @throws OAuthBearerError `ERR_JWKS` / `ERR_HTTP` / `ERR_HTTP_TIMEOUT` when the first fetch fails within the retry
 * budget (each attempt ends at `connectTimeoutMs + readTimeoutMs`, 40 000 ms by default)
 * @example
 * ```ts
 * const keys = await remoteJwks('https://idp.example/jwks', { refreshMs: 3_600_000 });
 * ```
 * @category Node adapters
 */
export async function remoteJwks(url: string, options: NodeRemoteJwksOptions = {}): Promise<RemoteJwks> {
  const jwks = createRemoteJwks({
    ...options,
    url,
    http: options.http ?? ((request) => fetch(request)),
    clock: systemClock,
    sleep: (ms) => delay(ms, undefined, { ref: false }),
  });
  await jwks.refresh();
  if (!jwks.cache.hasKeys) {
    const cause = jwks.cache.lastError;
    if (cause instanceof OAuthBearerError) throw cause;
    throw new OAuthBearerError('ERR_JWKS', `The JWKS at ${url} could not be fetched`, { cause });
  }
  return jwks;
}
