/**
 * Node defaults for the token retriever: fetch, the system clock, WebCrypto random bytes, timers for the backoff
 * sleeps, node:crypto for signing; and a one-call retriever from Kafka's settings (KIP-768, KIP-1139, KIP-1258).
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, webRandom, type HttpPort } from '../ports.js';
import { parseKafkaTokenConfig, tokenRetrieverConfig, type KafkaTokenConfig } from '../oauth/config.js';
import { createTokenRetriever, type TokenRetrieverPorts } from '../oauth/retriever.js';
import type { TokenResponse } from '../oauth/response.js';
import { resolve } from 'node:path';
import { checkFileAllowed, checkUrlAllowed } from '../oauth/urls.js';
import { KAFKA } from '../oauth/config.js';
import type { KafkaProps } from '../kafka/properties.js';
import { nodeCryptoPort } from './crypto.js';
import { nodeFileSources, tokenFileSource } from './files.js';
import { fetchHttp } from './http.js';

/**
 * The retriever's ports on Node; pass `http` for mutual TLS (`tlsHttp`) or a custom CA.
 * @example
 * ```ts
 * const retrieve = createTokenRetriever(config, nodeRetrieverPorts({ http: tlsHttp({ cert, key, ca }) }));
 * ```
 * @category Node adapters
 */
export function nodeRetrieverPorts(overrides: Partial<TokenRetrieverPorts> = {}): TokenRetrieverPorts {
  return {
    http: fetchHttp as HttpPort,
    clock: systemClock,
    random: webRandom,
    sleep: (ms: number) => sleep(ms),
    crypto: nodeCryptoPort,
    ...overrides,
  };
}

/**
 * A token retriever from Kafka properties (text, a Map or a plain object) and the login module's JAAS options (by
 * default those of the `sasl.jaas.config` property): client_credentials with a client
 * secret or a client assertion, the jwt-bearer grant, or a `file:` token, with files re-read when they change.
 * Credential files must be on the file allow-list (`allowedFiles` or Kafka's
 * `org.apache.kafka.sasl.oauthbearer.allowed.files`, absolute paths; default none), as newer Kafka requires.
 * @throws OAuthBearerError `ERR_CONFIG`, `ERR_URL_NOT_ALLOWED` (at creation); the function throws as
 * `createTokenRetriever`'s does, or `ERR_FILE` for a `file:` token that never held a JWT
 * @example
 * ```ts
 * const retrieve = kafkaTokenRetriever(props, jaasOptions, { allowedUrls: 'https://idp.example/token' });
 * const { accessToken } = await retrieve();
 * ```
 * @category Node adapters
 */
export function kafkaTokenRetriever(
  props: KafkaProps,
  jaas?: KafkaProps,
  options: { allowedUrls?: string; allowedFiles?: string; ports?: Partial<TokenRetrieverPorts> } = {},
): () => Promise<TokenResponse> {
  const config = parseKafkaTokenConfig(props, jaas, {
    ...(options.allowedUrls === undefined ? {} : { allowedUrls: options.allowedUrls }),
    ...(options.allowedFiles === undefined ? {} : { allowedFiles: options.allowedFiles }),
  });
  checkFiles(config);
  if (config.retriever === 'file') {
    checkUrlAllowed(config.tokenEndpoint, config.allowedUrls, 'token file URL (sasl.oauthbearer.token.endpoint.url)');
    const file = tokenFileSource(config.tokenFile!);
    return async () => ({ accessToken: await file.current(), tokenType: null, expiresAtMs: null, scope: null });
  }
  return createTokenRetriever(tokenRetrieverConfig(config, nodeFileSources), nodeRetrieverPorts(options.ports));
}

/** Checks every credential file the settings name against the file allow-list, by absolute path. */
function checkFiles(config: KafkaTokenConfig): void {
  const a = config.assertion;
  if (a === null) return;
  const files: Array<[string, string]> = a.kind === 'file'
    ? [[a.path, KAFKA.assertionFile]]
    : [[a.privateKeyFile, KAFKA.assertionPrivateKeyFile], ...(a.templateFile === undefined ? [] : [[a.templateFile, KAFKA.assertionTemplateFile] as [string, string]])];
  for (const [path, what] of files) checkFileAllowed(resolve(path), config.allowedFiles, what);
}
