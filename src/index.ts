/**
 * oauthbearer: SASL/OAUTHBEARER (RFC 7628) and Kafka's OAuth semantics as an I/O-free engine. This entry uses only
 * web-standard globals and runs in every runtime; Node adapters are in `oauthbearer/node`.
 * @module oauthbearer
 */

// Errors and ports
export { OAuthBearerError, isOAuthBearerError } from './errors.js';
export type { ErrorCode, ProtocolStatus, OAuthBearerErrorOptions } from './errors.js';
export { systemClock, webRandom, uniformDraw } from './ports.js';
export type { HttpPort, Clock, Random, CryptoPort, KeyHandle, Jwk, JwsAlgorithm } from './ports.js';
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
} from './kafka/unsecured.js';
export type { UnsecuredToken, UnsecuredJws, UnsecuredValidatorConfig, JaasOptions } from './kafka/unsecured.js';
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

// Kafka's wire protocol: codec and connection machines (src/kafka/wire)
export {
  API_KEY, ERROR_CODE, SASL_SERVER_MAX_RECEIVE_SIZE, CLIENT_MAX_RECEIVE_SIZE, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, API_TABLE, apiName,
  encodeRequest, decodeRequest, decodeRequestHeader, encodeResponse, decodeResponse, requestHeaderVersion, responseHeaderVersion, SUPPORTED_VERSIONS,
  createFrameDecoder, encodeFrame, createBrokerSession, createClientSession,
} from './kafka/wire/index.js';
export type {
  TaggedField, UnknownTaggedFields, RequestHeader, ResponseHeader, ApiVersionsRequest, ApiVersion, SupportedFeatureKey, FinalizedFeatureKey,
  ApiVersionsResponse, SaslHandshakeRequest, SaslHandshakeResponse, SaslAuthenticateRequest, SaslAuthenticateResponse, MetadataRequestTopic,
  MetadataRequest, MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic, MetadataResponse, RequestBody, ResponseBody,
  DecodedRequest, DecodedRequestHeader, DecodedResponse, RequestToEncode, ResponseToEncode, FrameDecoder, FrameDecoderOptions,
  BrokerSession, BrokerSessionOptions, BrokerAction, BrokerSessionState, ClientSession, ClientSessionOptions, ClientAction, ClientSessionState,
  ProvidedToken,
} from './kafka/wire/index.js';

// Checking signed tokens (KIP-768, RFC 7515/7519/8725/8705)
export { createJwtValidator, DEFAULT_TOKEN_CACHE_ENTRIES } from './jose/validator.js';
export type { JwtValidatorOptions } from './jose/validator.js';
export { validateClientJwt, checkBrokerClaims } from './jose/claims.js';
export type { ClaimsOptions, ClientJwtOptions, ClaimsFacts } from './jose/claims.js';
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
export type { ServerMetadata, DiscoveryOptions, DiscoveryKind } from './jose/discovery.js';

// Getting tokens (KIP-768, KIP-1139, KIP-1258, RFC 6749/7523/8705)
export { tokenRequest, toFetchRequest, basicAuthorization, GRANT_TYPE_CLIENT_CREDENTIALS, GRANT_TYPE_JWT_BEARER } from './oauth/request.js';
export type { TokenRequest, TokenRequestInput, GrantType } from './oauth/request.js';
export { processTokenResponse, readBoundedBody, UNRETRYABLE_STATUSES, MAX_TOKEN_RESPONSE_BYTES } from './oauth/response.js';
export type { TokenResponse, TokenResponseInput } from './oauth/response.js';
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

// Conformance vectors
export { runVectorFile, runVector, readVectorFile, VECTOR_FORMAT } from './vectors/runner.js';
export type { VectorResult, VectorFileResult } from './vectors/runner.js';
export { allOps } from './vectors/ops/index.js';
export type { VectorOp, VectorOps, VectorInput } from './vectors/types.js';
