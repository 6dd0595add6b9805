/**
 * Kafka's wire protocol for an authenticating connection: the codec (framing, headers, ApiVersions,
 * SaslHandshake, SaslAuthenticate, Metadata) and the broker and client connection machines.
 *
 * Additions to CONTRACT.md §A (no deviations in what it names): `decodeRequestHeader` (read the header of a
 * request of any api, so the broker can name one it does not serve), `requestHeaderVersion`/`responseHeaderVersion`,
 * `SUPPORTED_VERSIONS`, `encodeFrame` (SaslHandshake v0 raw tokens), `FrameDecoder.setMaxFrameBytes`, `apiName`, an
 * optional `nowMs` second argument of `createBrokerSession` (when the connection opened, for the idle timeout),
 * error codes `ERR_KAFKA_VERSION` (an api or version the codec does not read) and `ERR_KAFKA_PROTOCOL` (a peer
 * broke the connection's sequence).
 * @module
 */
export { API_KEY, ERROR_CODE, SASL_SERVER_MAX_RECEIVE_SIZE, CLIENT_MAX_RECEIVE_SIZE, DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, API_TABLE, apiName } from './constants.js';
export type * from './messages.js';
export {
  encodeRequest, decodeRequest, decodeRequestHeader, encodeResponse, decodeResponse, requestHeaderVersion, responseHeaderVersion, SUPPORTED_VERSIONS,
} from './codec.js';
export type { DecodedRequest, DecodedRequestHeader, DecodedResponse, RequestToEncode, ResponseToEncode } from './codec.js';
export { createFrameDecoder, encodeFrame } from './frame.js';
export type { FrameDecoder, FrameDecoderOptions } from './frame.js';
export { createBrokerSession } from './broker.js';
export type { BrokerSession, BrokerSessionOptions, BrokerAction, BrokerSessionState } from './broker.js';
export { createClientSession } from './client.js';
export type { ClientSession, ClientSessionOptions, ClientAction, ClientSessionState, ProvidedToken } from './client.js';
