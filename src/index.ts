/**
 * oauthbearer: SASL/OAUTHBEARER (RFC 7628) and Kafka's OAuth semantics as an I/O-free engine. This entry uses only
 * web-standard globals and runs in every runtime; Node adapters are in `oauthbearer/node`.
 * @module oauthbearer
 */

// Errors and ports
export { OAuthBearerError, isOAuthBearerError } from './errors.js';
export type { ErrorCode, ProtocolStatus, OAuthBearerErrorOptions } from './errors.js';
export { systemClock, webRandom, uniformDraw } from './ports.js';
export type {
  HttpPort, Clock, Random, CryptoPort, KeyHandle, Jwk, JwsAlgorithm, RequestLike, ResponseLike, HeadersLike, AbortSignalLike, SubtleCryptoLike,
} from './ports.js';
export { acceptAllExtensions } from './token.js';
export type { BearerToken, ValidationContext, TokenValidator, ExtensionsValidator, ExtensionsVerdict } from './token.js';
export { encodeBase64url, decodeBase64url } from './encoding/base64.js';
export type { Base64DecodeOptions } from './encoding/base64.js';

// SASL framing (RFC 7628)
export { encodeClientResponse, decodeClientResponse, checkExtension, isB64Token, MAX_CLIENT_RESPONSE_BYTES } from './sasl/gs2.js';
export type { ClientResponse, ClientResponseFields, DecodeClientResponseOptions, Gs2Profile } from './sasl/gs2.js';
export { encodeErrorChallenge, decodeErrorChallenge, errorChallengeText, MAX_CHALLENGE_BYTES } from './sasl/challenge.js';
export type { ErrorChallenge, ErrorChallengeFields, EncodeErrorChallengeOptions } from './sasl/challenge.js';
export { createClient } from './sasl/client.js';
export type { Client, ClientStep, ClientStateKind } from './sasl/client.js';
export { createServer, authenticateStep } from './sasl/server.js';
export type {
  Server, ServerOptions, ServerStep, ServerOutcome, ServerState, TokenValidation, AuthenticateStepOptions, AuthenticateStepResult,
} from './sasl/server.js';

// Kafka semantics (KIP-255, KIP-368, JAAS, librdkafka)
export {
  createUnsecuredToken, createUnsecuredJws, unsecuredLoginExtensions, validateUnsecuredToken, unsecuredValidator, unsecuredValidatorConfig,
  MAX_UNSECURED_TOKEN_LENGTH,
} from './kafka/unsecured.js';
export type { UnsecuredToken, UnsecuredJws, UnsecuredValidatorConfig, JaasOptions, UnsecuredLimits } from './kafka/unsecured.js';
export { parseJaasConfig } from './kafka/jaas.js';
export type { JaasEntry } from './kafka/jaas.js';
export { parseProperties, kafkaSaslConfig } from './kafka/properties.js';
export type { KafkaProps, KafkaSaslConfig } from './kafka/properties.js';
export { createRdkafkaUnsecuredToken, parseRdkafkaOauthbearerConfig } from './kafka/rdkafka.js';
export type { RdkafkaUnsecuredConfig, RdkafkaUnsecuredToken } from './kafka/rdkafka.js';
export { refreshConfig, refreshAtMs, nextRefreshWakeMs, DEFAULT_REFRESH_CONFIG, RELOGIN_RETRY_DELAY_MS } from './kafka/refresh.js';
export type { RefreshConfig, RefreshInput } from './kafka/refresh.js';
export { serverSessionLifetimeMs, clientReauthAtMs } from './kafka/reauth.js';
export type { ServerReauthInput, ClientReauthInput } from './kafka/reauth.js';
export { TokenHolder, driveTokenHolder } from './kafka/holder.js';
export type { HolderAction, HolderState, HolderSnapshot, HolderPorts } from './kafka/holder.js';

// Kafka's wire protocol (codec and connection machines) is its own entry, `oauthbearer/wire`, so a bundle that
// only frames SASL does not carry it.

// Checking signed tokens (KIP-768, RFC 7515/7519/8725/8705)
export { createJwtValidator, DEFAULT_TOKEN_CACHE_ENTRIES } from './jose/validator.js';
export type { JwtValidatorOptions } from './jose/validator.js';
export { validateClientJwt, checkBrokerClaims, UNCHECKABLE_CNF_MEMBERS } from './jose/claims.js';
export type { ClaimsOptions, ClientJwtOptions, ClaimsFacts, CertificateBinding } from './jose/claims.js';
export { verifyJws, verifySignature, decodeJws, MAX_TOKEN_LENGTH } from './jose/jws.js';
export type { DecodedJws, VerifiedJws, VerifyJwsOptions, Base64urlDecoder } from './jose/jws.js';
export { staticKeySource, createRemoteJwks, JwksCache, JWKS_DEFAULTS } from './jose/jwks.js';
export type { KeySource, RemoteJwks, RemoteJwksOptions, JwksRefreshConfig, JwksAction } from './jose/jwks.js';
export { parseJwks } from './jose/jwk.js';
export type { Jwks } from './jose/jwk.js';
export { webCryptoPort, createWebCryptoPort } from './jose/webcrypto.js';
export type { WebCryptoPortOptions } from './jose/webcrypto.js';
export { DEFAULT_ALGORITHMS } from './jose/algorithms.js';
export { discover, discoveryRequest, processDiscoveryResponse, metadataUrl, MAX_METADATA_BYTES } from './jose/discovery.js';
export type { ServerMetadata, DiscoveryOptions, DiscoverOptions, DiscoveryKind } from './jose/discovery.js';
// Every HTTP attempt's deadline (headers and body), named after Kafka's sasl.login.*.timeout.ms settings.
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS } from './deadline.js';
export type { TimeoutPort } from './deadline.js';

// Getting tokens (KIP-768, KIP-1139, KIP-1258, RFC 6749/7523/8705)
export { tokenRequest, toFetchRequest, basicAuthorization, GRANT_TYPE_CLIENT_CREDENTIALS, GRANT_TYPE_JWT_BEARER } from './oauth/request.js';
export type { TokenRequest, TokenRequestInput, GrantType } from './oauth/request.js';
export { processTokenResponse, readBoundedBody, UNRETRYABLE_STATUSES, MAX_TOKEN_RESPONSE_BYTES, MAX_ERROR_DESCRIPTION_LENGTH, MAX_EXPIRES_AT_MS } from './oauth/response.js';
export type { TokenResponse, TokenResponseInput, ProcessTokenResponseOptions } from './oauth/response.js';
export { secretForms, redactSecrets, MIN_SECRET_PREFIX } from './oauth/redact.js';
export {
  clientSecretBasic, clientSecretPost, clientAssertion, privateKeyJwt, tlsClientAuth, none, resolveClientAuth,
} from './oauth/client-auth.js';
export type {
  ClientAuth, ClientAuthMethod, PrivateKeyJwtOptions, ClientSecretBasic, ClientSecretPost, ClientAssertion, TlsClientAuth, NoClientAuth,
  PrivateKeyJwt, SigningContext,
} from './oauth/client-auth.js';
export { createAssertion, layerAssertion, parseAssertionTemplate } from './oauth/assertion.js';
export type { Assertion, AssertionInput, AssertionTemplate, AssertionLayers } from './oauth/assertion.js';
export { retry, retryDelayMs, checkRetryConfig } from './oauth/retry.js';
export type { RetryConfig, RetryPorts } from './oauth/retry.js';
export { createTokenRetriever, layeredAssertionSource, staticAssertionSource } from './oauth/retriever.js';
export type {
  TokenRetrieverConfig, TokenRetrieverPorts, AssertionSource, SourcedClientAssertion, ValueSource, AssertionContext, LayeredAssertionOptions,
} from './oauth/retriever.js';
export { parseKafkaTokenConfig, tokenRetrieverConfig, RETRIEVER_CLASSES, KAFKA } from './oauth/config.js';
export type { KafkaTokenConfig, KafkaFileSources, AssertionConfig, Props } from './oauth/config.js';
export { parseAllowedUrls, checkUrlAllowed, checkFileAllowed, allowListedHttp } from './oauth/urls.js';
export { privateKeyFromFile, decryptPkcs8 } from './oauth/pem.js';
export type { AllowedUrls } from './oauth/urls.js';

