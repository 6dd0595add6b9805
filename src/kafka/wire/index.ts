/**
 * Kafka's wire protocol for an authenticating connection: the codec (framing, headers, ApiVersions,
 * SaslHandshake, SaslAuthenticate, Metadata) and the broker and client connection machines.
 *
 * Additions to CONTRACT.md §A (nothing it names changed): `decodeRequestHeader` (the header of a request of any
 * api, so the broker can name one it does not serve), `requestHeaderVersion`/`responseHeaderVersion`,
 * `SUPPORTED_VERSIONS`, `encodeFrame` (SaslHandshake v0 raw tokens), `FrameDecoder.setMaxFrameBytes` and
 * `bufferedBytes`, `apiName`/`API_TABLE`, an optional second argument `nowMs` of `createBrokerSession` (when the
 * connection opened: the idle clock starts there; pass it), the option `failedAuthenticationDelayMs` (Kafka's
 * `connection.failed.authentication.delay.ms`, default 100: a failed authentication's answer and close come that
 * much later, as Kafka's Selector delays them; `pollTimeout` says when), `ProvidedToken`, the state unions
 * `BrokerSessionState`/`ClientSessionState`, and the error codes `ERR_KAFKA_VERSION` (an api or version the codec
 * does not read or write) and `ERR_KAFKA_PROTOCOL` (a peer broke the connection's sequence; close reasons).
 * `encodeRequest` writes an ApiVersions request above v4 in the v4 layout (to test a broker's KIP-511 answer).
 * The broker's `state` reads `closed` from the moment a failed authentication is decided.
 * @module oauthbearer/wire
 */
export { API_KEY, ERROR_CODE, SASL_SERVER_MAX_RECEIVE_SIZE, CLIENT_MAX_RECEIVE_SIZE, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, API_TABLE, apiName } from './constants.js';
export type * from './messages.js';
export {
  encodeRequest, decodeRequest, decodeRequestHeader, encodeResponse, decodeResponse, requestHeaderVersion, responseHeaderVersion, SUPPORTED_VERSIONS,
} from './codec.js';
export type { DecodedRequest, DecodedRequestHeader, DecodedResponse, RequestToEncode, ResponseToEncode } from './codec.js';
export { createFrameDecoder, encodeFrame } from './frame.js';
export type { FrameDecoder, FrameDecoderOptions } from './frame.js';
export { createBrokerSession, SOCKET_REQUEST_MAX_BYTES, DEFAULT_FAILED_AUTHENTICATION_DELAY_MS } from './broker.js';
export type { BrokerSession, BrokerSessionOptions, BrokerAction, BrokerSessionState } from './broker.js';
export { createClientSession } from './client.js';
export type { ClientSession, ClientSessionOptions, ClientAction, ClientSessionState, ProvidedToken } from './client.js';
