/**
 * Kafka request and response encoding: headers (RequestHeader.json v0–v2, ResponseHeader.json v0–v1, KIP-482
 * flexible versions) and the bodies of ApiVersions, SaslHandshake, SaslAuthenticate and Metadata.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import type { ApiVersion, RequestBody, RequestHeader, ResponseBody, ResponseHeader, TaggedField } from './messages.js';

/** A request as {@link decodeRequest} reads it. */
export interface DecodedRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly header: RequestHeader;
  readonly body: RequestBody;
}

/** A request header read on its own (any api Kafka defines), and where its body starts. */
export interface DecodedRequestHeader {
  readonly header: RequestHeader;
  readonly headerVersion: number;
  readonly bodyOffset: number;
}

/** A response as {@link decodeResponse} reads it. */
export interface DecodedResponse {
  readonly header: ResponseHeader;
  readonly body: ResponseBody;
}

/** A request to encode. */
export interface RequestToEncode {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly body: object;
  /** Header tagged fields (header v2), written back as given. */
  readonly headerTaggedFields?: readonly TaggedField[];
}

/** A response to encode. */
export interface ResponseToEncode {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly body: object;
}

/** The version ranges this codec reads and writes, per api (what our broker puts in ApiVersionsResponse). */
export const SUPPORTED_VERSIONS: readonly ApiVersion[] = [
  { apiKey: 3, minVersion: 0, maxVersion: 12 },
  { apiKey: 17, minVersion: 0, maxVersion: 1 },
  { apiKey: 18, minVersion: 0, maxVersion: 4 },
  { apiKey: 36, minVersion: 0, maxVersion: 2 },
];

const notImplemented = (name: string): never => {
  throw new OAuthBearerError('ERR_USAGE_STATE', `${name}: not implemented yet`);
};

/** The request header version of a request (ApiMessageType.requestHeaderVersion). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  void apiKey; void apiVersion;
  return notImplemented('requestHeaderVersion');
}

/** The response header version of a response (ApiMessageType.responseHeaderVersion; ApiVersions always 0). */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  void apiKey; void apiVersion;
  return notImplemented('responseHeaderVersion');
}

/**
 * Encodes a request with its header and 4-byte size.
 * @throws OAuthBearerError `ERR_KAFKA_VERSION` for an api or version this codec does not write, `ERR_USAGE_ARGUMENT` for a bad field
 */
export function encodeRequest(request: RequestToEncode): Uint8Array {
  void request;
  return notImplemented('encodeRequest');
}

/**
 * Reads the request header of one frame (size prefix removed), for any api Kafka defines.
 * @throws OAuthBearerError `ERR_KAFKA_FRAME` for a truncated header, `ERR_KAFKA_VERSION` for an api key Kafka does not define
 */
export function decodeRequestHeader(frame: Uint8Array): DecodedRequestHeader {
  void frame;
  return notImplemented('decodeRequestHeader');
}

/**
 * Decodes one request frame (size prefix removed).
 * @throws OAuthBearerError `ERR_KAFKA_FRAME` for bad bytes, `ERR_KAFKA_VERSION` for an api or version this codec does not read
 */
export function decodeRequest(frame: Uint8Array): DecodedRequest {
  void frame;
  return notImplemented('decodeRequest');
}

/**
 * Encodes a response with its header and 4-byte size.
 * @throws OAuthBearerError `ERR_KAFKA_VERSION` for an api or version this codec does not write
 */
export function encodeResponse(response: ResponseToEncode): Uint8Array {
  void response;
  return notImplemented('encodeResponse');
}

/**
 * Decodes one response frame (size prefix removed) to a request of `apiKey` at `apiVersion`.
 * @throws OAuthBearerError `ERR_KAFKA_FRAME` for bad bytes, `ERR_KAFKA_VERSION` for an api or version this codec does not read
 */
export function decodeResponse(frame: Uint8Array, apiKey: number, apiVersion: number): DecodedResponse {
  void frame; void apiKey; void apiVersion;
  return notImplemented('decodeResponse');
}
