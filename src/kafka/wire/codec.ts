/**
 * Kafka request and response encoding: headers (RequestHeader.json v0–v2, ResponseHeader.json v0–v1, KIP-482
 * flexible versions) and the bodies of ApiVersions, SaslHandshake, SaslAuthenticate and Metadata.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { Reader, frameError, sharedWriter, type Writer } from './bytes.js';
import { API_CODECS, type ApiCodec } from './apis.js';
import { apiName, firstFlexibleVersion } from './constants.js';
import type { ApiVersion, RequestBody, RequestHeader, ResponseBody, ResponseHeader, TaggedField } from './messages.js';

/**
 * A request as {@link decodeRequest} reads it.
 * @category Kafka wire
 */
export interface DecodedRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly header: RequestHeader;
  readonly body: RequestBody;
}

/**
 * A request header read on its own (any api Kafka defines), and where its body starts.
 * @category Kafka wire
 */
export interface DecodedRequestHeader {
  readonly header: RequestHeader;
  readonly headerVersion: number;
  readonly bodyOffset: number;
}

/**
 * A response as {@link decodeResponse} reads it.
 * @category Kafka wire
 */
export interface DecodedResponse {
  readonly header: ResponseHeader;
  readonly body: ResponseBody;
}

/**
 * A request to encode.
 * @category Kafka wire
 */
export interface RequestToEncode {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  readonly body: object;
  /** Header tagged fields (header v2), written back as given. */
  readonly headerTaggedFields?: readonly TaggedField[];
}

/**
 * A response to encode.
 * @category Kafka wire
 */
export interface ResponseToEncode {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly body: object;
}

/**
 * The version ranges this codec reads and writes, per api (what our broker puts in ApiVersionsResponse).
 * @category Kafka wire
 */
export const SUPPORTED_VERSIONS: readonly ApiVersion[] = [
  { apiKey: 3, minVersion: 0, maxVersion: 12 },
  { apiKey: 17, minVersion: 0, maxVersion: 1 },
  { apiKey: 18, minVersion: 0, maxVersion: 4 },
  { apiKey: 36, minVersion: 0, maxVersion: 2 },
];

/** Largest correlation id, client id etc. are Kafka's int32 and int16 ranges. */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** ControlledShutdown v0 is the one request with header v0 (RequestHeader.json). */
const CONTROLLED_SHUTDOWN = 7;

function versionError(message: string): never {
  throw new OAuthBearerError('ERR_KAFKA_VERSION', message);
}

function codecFor(apiKey: number, what: string): ApiCodec {
  const codec = API_CODECS.get(apiKey);
  if (codec === undefined) {
    versionError(`${what}: this codec reads and writes ApiVersions, SaslHandshake, SaslAuthenticate and Metadata, not ${apiName(apiKey)}`);
  }
  return codec;
}

function checkVersion(codec: ApiCodec, apiVersion: number, what: string): void {
  if (!Number.isInteger(apiVersion) || apiVersion < codec.minVersion || apiVersion > codec.maxVersion) {
    versionError(`${what}: ${codec.name} has versions ${codec.minVersion}-${codec.maxVersion}, not ${apiVersion}`);
  }
}

/**
 * The request header version of a request (ApiMessageType.requestHeaderVersion): 2 for a flexible api version, 1
 * otherwise, 0 for ControlledShutdown v0.
 * @throws OAuthBearerError `ERR_KAFKA_VERSION` for an api key Kafka does not define
 * @example
 * ```ts
 * requestHeaderVersion(API_KEY.SASL_AUTHENTICATE, 2); // 2
 * ```
 * @category Kafka wire
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  const flexibleFrom = firstFlexibleVersion(apiKey);
  if (flexibleFrom === undefined) return versionError(`Unknown API key ${apiKey}`);
  if (apiKey === CONTROLLED_SHUTDOWN && apiVersion === 0) return 0;
  return flexibleFrom >= 0 && apiVersion >= flexibleFrom ? 2 : 1;
}

/**
 * The response header version of a response (ApiMessageType.responseHeaderVersion): 1 for a flexible api version,
 * 0 otherwise; ApiVersions responses always use 0 so that any client can read the error of an unknown version.
 * @throws OAuthBearerError `ERR_KAFKA_VERSION` for an api key Kafka does not define
 * @example
 * ```ts
 * responseHeaderVersion(API_KEY.API_VERSIONS, 3); // 0
 * ```
 * @category Kafka wire
 */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  const flexibleFrom = firstFlexibleVersion(apiKey);
  if (flexibleFrom === undefined) return versionError(`Unknown API key ${apiKey}`);
  if (apiKey === 18) return 0;
  return flexibleFrom >= 0 && apiVersion >= flexibleFrom ? 1 : 0;
}

function isFlexible(codec: ApiCodec, apiVersion: number): boolean {
  return codec.firstFlexibleVersion >= 0 && apiVersion >= codec.firstFlexibleVersion;
}

function checkInt32(value: number, field: string): void {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${field} must be an int32, not ${String(value)}`);
  }
}

function checkBody(body: unknown, what: string): void {
  if (typeof body !== 'object' || body === null) throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `${what}: the body must be an object`);
}

/** Starts a frame in the shared writer: 4 bytes kept for the size. */
function beginFrame(): Writer {
  const w = sharedWriter.reset();
  w.ensure(4);
  w.pos = 4;
  return w;
}

function endFrame(w: Writer): Uint8Array {
  w.view.setInt32(0, w.length - 4);
  return w.take();
}

/**
 * Encodes a request with its header and 4-byte size. An ApiVersions request above v4 is written in the v4 layout
 * (a newer client's request, for testing a broker's KIP-511 answer).
 * @throws OAuthBearerError `ERR_KAFKA_VERSION` for an api or version this codec does not write, `ERR_USAGE_ARGUMENT` for a bad field
 * @example
 * ```ts
 * const bytes = encodeRequest({ apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: 1, correlationId: 1, clientId: 'me', body: { mechanism: 'OAUTHBEARER' } });
 * ```
 * @category Kafka wire
 */
export function encodeRequest(request: RequestToEncode): Uint8Array {
  const what = 'encodeRequest';
  const codec = codecFor(request.apiKey, what);
  // An ApiVersions request above the versions we know is written in the newest layout: that is how a newer client's
  // request reaches an older broker, which answers it at v0 (KIP-511). Every other api is held to its versions.
  const futureApiVersions = request.apiKey === 18 && Number.isInteger(request.apiVersion) && request.apiVersion > codec.maxVersion && request.apiVersion <= 0x7fff;
  if (!futureApiVersions) checkVersion(codec, request.apiVersion, what);
  checkInt32(request.correlationId, 'correlationId');
  checkBody(request.body, what);
  const flexible = isFlexible(codec, request.apiVersion);
  const w = beginFrame();
  w.int16(request.apiKey);
  w.int16(request.apiVersion);
  w.int32(request.correlationId);
  // ClientId keeps the classic int16 length in every header version (RequestHeader.json "flexibleVersions": "none").
  w.string(request.clientId, false, 'clientId');
  if (flexible) w.taggedFields(request.headerTaggedFields);
  codec.writeRequest(w, request.body, request.apiVersion, flexible);
  return endFrame(w);
}

/**
 * Reads the request header of one frame (size prefix removed), for any api Kafka defines: Kafka's
 * RequestHeader.parse, which reads a null client id as `""`.
 * @throws OAuthBearerError `ERR_KAFKA_FRAME` for a truncated header or an api key Kafka does not define
 * @example
 * ```ts
 * decodeRequestHeader(frame).header.requestApiKey; // 0 for a Produce request
 * ```
 * @category Kafka wire
 */
export function decodeRequestHeader(frame: Uint8Array): DecodedRequestHeader {
  const r = new Reader(frame, 'RequestHeader');
  const { header, headerVersion } = readRequestHeader(r);
  return { header, headerVersion, bodyOffset: r.pos };
}

function readRequestHeader(r: Reader): { header: RequestHeader; headerVersion: number } {
  const apiKey = r.int16('requestApiKey');
  const apiVersion = r.int16('requestApiVersion');
  const flexibleFrom = firstFlexibleVersion(apiKey);
  if (flexibleFrom === undefined) frameError(`RequestHeader: unknown API key ${apiKey} (not a Kafka request)`);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const correlationId = r.int32('correlationId');
  let clientId: string | null = null;
  if (headerVersion >= 1) clientId = r.nullableString(false, 'clientId') ?? '';
  const header: RequestHeader = { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId };
  if (headerVersion >= 2) {
    const tags = r.taggedFields();
    if (tags !== undefined) header.unknownTaggedFields = tags;
  }
  return { header, headerVersion };
}

/**
 * Decodes one request frame (size prefix removed). Bytes left after the body are ignored, as Kafka does.
 * @throws OAuthBearerError `ERR_KAFKA_FRAME` for bad bytes, `ERR_KAFKA_VERSION` for an api or version this codec does not read
 * @example
 * ```ts
 * const { apiKey, header, body } = decodeRequest(frame);
 * ```
 * @category Kafka wire
 */
export function decodeRequest(frame: Uint8Array): DecodedRequest {
  const r = new Reader(frame, 'RequestHeader');
  const { header } = readRequestHeader(r);
  const apiKey = header.requestApiKey;
  const apiVersion = header.requestApiVersion;
  const codec = codecFor(apiKey, 'decodeRequest');
  checkVersion(codec, apiVersion, 'decodeRequest');
  r.what = codec.requestName;
  r.version = apiVersion;
  const body = codec.readRequest(r, apiVersion, isFlexible(codec, apiVersion)) as RequestBody;
  return { apiKey, apiVersion, header, body };
}

/**
 * Encodes a response with its header and 4-byte size.
 * @throws OAuthBearerError `ERR_KAFKA_VERSION` for an api or version this codec does not write, `ERR_USAGE_ARGUMENT` for a bad field
 * @example
 * ```ts
 * encodeResponse({ apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: 1, correlationId: 1, body: { errorCode: 0, mechanisms: ['OAUTHBEARER'] } });
 * ```
 * @category Kafka wire
 */
export function encodeResponse(response: ResponseToEncode): Uint8Array {
  const what = 'encodeResponse';
  const codec = codecFor(response.apiKey, what);
  checkVersion(codec, response.apiVersion, what);
  checkInt32(response.correlationId, 'correlationId');
  checkBody(response.body, what);
  const flexible = isFlexible(codec, response.apiVersion);
  const w = beginFrame();
  w.int32(response.correlationId);
  if (responseHeaderVersion(response.apiKey, response.apiVersion) >= 1) w.taggedFields(undefined);
  codec.writeResponse(w, response.body, response.apiVersion, flexible);
  return endFrame(w);
}

/**
 * Decodes one response frame (size prefix removed) to a request of `apiKey` at `apiVersion`. As Kafka's client, it
 * does not check the version against the api's, and reads an ApiVersions response that does not parse at the
 * version asked for again at v0 (ApiVersionsResponse.parse: a broker answers an unknown version at v0); when v0 fails too, its
 * error carries the first one as `cause`.
 * @throws OAuthBearerError `ERR_KAFKA_FRAME` for bad bytes, `ERR_KAFKA_VERSION` for an api this codec does not read
 * @example
 * ```ts
 * const { body } = decodeResponse(frame, API_KEY.SASL_AUTHENTICATE, 2);
 * ```
 * @category Kafka wire
 */
export function decodeResponse(frame: Uint8Array, apiKey: number, apiVersion: number): DecodedResponse {
  const codec = codecFor(apiKey, 'decodeResponse');
  if (!Number.isInteger(apiVersion) || apiVersion < 0 || apiVersion > 0x7fff) {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `decodeResponse: apiVersion must be an int16 version, not ${String(apiVersion)}`);
  }
  const r = new Reader(frame, 'ResponseHeader');
  const header: ResponseHeader = { correlationId: r.int32('correlationId') };
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) {
    const tags = r.taggedFields();
    if (tags !== undefined) header.unknownTaggedFields = tags;
  }
  const start = r.pos;
  r.what = codec.responseName;
  r.version = apiVersion;
  try {
    return { header, body: codec.readResponse(r, apiVersion, isFlexible(codec, apiVersion)) as ResponseBody };
  } catch (err) {
    if (apiKey !== 18 || apiVersion === 0) throw err;
    const again = new Reader(frame, `${codec.name}Response v0 (after v${apiVersion} did not parse)`, start);
    try {
      return { header, body: codec.readResponse(again, 0, false) as ResponseBody };
    } catch (retry) {
      // Kafka throws the v0 error; why the version asked for did not parse is kept as its cause.
      if (retry instanceof OAuthBearerError) throw new OAuthBearerError(retry.code, retry.message, { cause: err });
      throw retry;
    }
  }
}
