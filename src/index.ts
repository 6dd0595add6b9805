/**
 * oauthbearer: SASL/OAUTHBEARER (RFC 7628) and Kafka's OAuth semantics as an I/O-free engine: the errors and ports,
 * base64url, the SASL framing and machines, and Kafka's semantics (unsecured tokens, JAAS, properties, librdkafka,
 * refresh and re-authentication timing, the token holder). This entry uses only web-standard globals and runs in
 * every runtime. The other capabilities are entries of their own, so a bundle pays only for what it imports:
 * checking signed tokens in `oauthbearer/jose`, getting tokens in `oauthbearer/oauth`, Kafka's wire protocol in
 * `oauthbearer/wire`, the conformance runner in `oauthbearer/vectors`, and the Node adapters in `oauthbearer/node`.
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

// Checking signed tokens is its own entry, `oauthbearer/jose` (the JWT validator, JWS, JWKS, the WebCrypto port,
// discovery), and getting tokens is `oauthbearer/oauth` (token requests and responses, client authentication,
// assertions, retry, the token retriever and Kafka's sasl.oauthbearer.* settings); both export the HTTP deadline
// constants. A bundle that frames SASL and applies Kafka's semantics carries neither.
