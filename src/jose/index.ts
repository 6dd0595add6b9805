/**
 * Checking signed tokens (KIP-768, RFC 7515/7519/8725/8705): the JWT validator a SASL server takes as its
 * `validator`, its claim rules, JWS decoding and verification, JWKS key sources (static and remote, with Kafka's
 * refresh and backoff), the WebCrypto port (with `@noble/ed25519` loaded only where a runtime's WebCrypto lacks
 * Ed25519), the algorithm allow-list, OAuth/OIDC discovery, and the HTTP deadlines named after Kafka's
 * `sasl.login.*.timeout.ms` settings. Like `oauthbearer`, it uses only web-standard globals and runs in every
 * runtime; the SASL machines, errors and ports are in `oauthbearer`.
 * @module oauthbearer/jose
 */
export { createJwtValidator, DEFAULT_TOKEN_CACHE_ENTRIES } from './validator.js';
export type { JwtValidatorOptions } from './validator.js';
export { validateClientJwt, checkBrokerClaims, UNCHECKABLE_CNF_MEMBERS } from './claims.js';
export type { ClaimsOptions, ClientJwtOptions, ClaimsFacts, CertificateBinding } from './claims.js';
export { verifyJws, verifySignature, decodeJws, MAX_TOKEN_LENGTH } from './jws.js';
export type { DecodedJws, VerifiedJws, VerifyJwsOptions, Base64urlDecoder } from './jws.js';
export { staticKeySource, createRemoteJwks, JwksCache, JWKS_DEFAULTS } from './jwks.js';
export type { KeySource, RemoteJwks, RemoteJwksOptions, JwksRefreshConfig, JwksAction } from './jwks.js';
export { parseJwks } from './jwk.js';
export type { Jwks } from './jwk.js';
export { webCryptoPort, createWebCryptoPort } from './webcrypto.js';
export type { WebCryptoPortOptions } from './webcrypto.js';
export { DEFAULT_ALGORITHMS } from './algorithms.js';
export { discover, discoveryRequest, processDiscoveryResponse, metadataUrl, MAX_METADATA_BYTES } from './discovery.js';
export type { ServerMetadata, DiscoveryOptions, DiscoverOptions, DiscoveryKind } from './discovery.js';
// Every HTTP attempt's deadline (headers and body), named after Kafka's sasl.login.*.timeout.ms settings; the same
// constants are exported by `oauthbearer/oauth`.
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS } from '../deadline.js';
export type { TimeoutPort } from '../deadline.js';
// The ports and token types this entry's signatures name, for convenience (defined in, and also exported by, `oauthbearer`).
export type {
  CryptoPort, KeyHandle, Jwk, JwsAlgorithm, HttpPort, Clock, SubtleCryptoLike, RequestLike, ResponseLike, HeadersLike, AbortSignalLike,
} from '../ports.js';
export type { BearerToken, ValidationContext, TokenValidator } from '../token.js';
