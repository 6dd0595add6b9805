/**
 * Getting tokens (KIP-768, KIP-1139, KIP-1258, RFC 6749/7523/8705): token requests and responses, client
 * authentication (client secrets, client assertions, private_key_jwt, mTLS), assertion building, Kafka's retry
 * with backoff, the token retriever driven by Kafka's `sasl.oauthbearer.*` settings, the URL allow-list, PEM private
 * keys, secret redaction, and the HTTP deadlines named after Kafka's `sasl.login.*.timeout.ms` settings. Like
 * `oauthbearer`, it uses only web-standard globals and runs in every runtime; HTTP, clock, randomness and crypto are
 * ports (a WebCrypto port is in `oauthbearer/jose`, node:crypto and HTTP ports in `oauthbearer/node`).
 * @module oauthbearer/oauth
 */
export { tokenRequest, toFetchRequest, basicAuthorization, GRANT_TYPE_CLIENT_CREDENTIALS, GRANT_TYPE_JWT_BEARER } from './request.js';
export type { TokenRequest, TokenRequestInput, GrantType } from './request.js';
export { processTokenResponse, readBoundedBody, UNRETRYABLE_STATUSES, MAX_TOKEN_RESPONSE_BYTES, MAX_ERROR_DESCRIPTION_LENGTH, MAX_EXPIRES_AT_MS } from './response.js';
export type { TokenResponse, TokenResponseInput, ProcessTokenResponseOptions } from './response.js';
export { secretForms, redactSecrets, MIN_SECRET_PREFIX } from './redact.js';
export {
  clientSecretBasic, clientSecretPost, clientAssertion, privateKeyJwt, tlsClientAuth, none, resolveClientAuth,
} from './client-auth.js';
export type {
  ClientAuth, ClientAuthMethod, PrivateKeyJwtOptions, ClientSecretBasic, ClientSecretPost, ClientAssertion, TlsClientAuth, NoClientAuth,
  PrivateKeyJwt, SigningContext,
} from './client-auth.js';
export { createAssertion, layerAssertion, parseAssertionTemplate } from './assertion.js';
export type { Assertion, AssertionInput, AssertionTemplate, AssertionLayers } from './assertion.js';
export { retry, retryDelayMs, checkRetryConfig } from './retry.js';
export type { RetryConfig, RetryPorts } from './retry.js';
export { createTokenRetriever, layeredAssertionSource, staticAssertionSource } from './retriever.js';
export type {
  TokenRetrieverConfig, TokenRetrieverPorts, AssertionSource, SourcedClientAssertion, ValueSource, AssertionContext, LayeredAssertionOptions,
} from './retriever.js';
export { parseKafkaTokenConfig, tokenRetrieverConfig, RETRIEVER_CLASSES, KAFKA } from './config.js';
export type { KafkaTokenConfig, KafkaFileSources, AssertionConfig, Props } from './config.js';
export { parseAllowedUrls, checkUrlAllowed, checkFileAllowed, allowListedHttp } from './urls.js';
export type { AllowedUrls } from './urls.js';
export { privateKeyFromFile, decryptPkcs8 } from './pem.js';
// Every HTTP attempt's deadline (headers and body), named after Kafka's sasl.login.*.timeout.ms settings; the same
// constants are exported by `oauthbearer/jose`.
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS } from '../deadline.js';
export type { TimeoutPort } from '../deadline.js';
// The ports this entry's signatures name, for convenience (defined in, and also exported by, `oauthbearer`).
export type {
  HttpPort, Clock, Random, CryptoPort, KeyHandle, Jwk, JwsAlgorithm, RequestLike, ResponseLike, HeadersLike, AbortSignalLike,
} from '../ports.js';
