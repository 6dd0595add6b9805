// The codec's entry points (src/kafka/wire/codec.ts): header versions for every kind of api, the argument checks of
// encode and decode with their exact texts, the header's own fields, and ApiVersions' v0 fallback (only for
// ApiVersions, only above v0), with the reason the asked-for version failed kept as the cause.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../../src/errors.js';
import { decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse, requestHeaderVersion, responseHeaderVersion } from '../../../src/kafka/wire/codec.js';
import { apiName } from '../../../src/kafka/wire/constants.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
/** An OAuthBearerError with this code and exactly this message (a bare Error instance in toThrow checks the message only). */
const err = (code: string, message: string): unknown => expect.objectContaining({ name: 'OAuthBearerError', code, message });
const handshake = (over: Record<string, unknown> = {}) => ({ apiKey: 17, apiVersion: 1, correlationId: 1, clientId: 'c', body: { mechanism: 'M' }, ...over });

describe('header versions', () => {
  it('are flexible from version 0 for an api flexible from its first version', () => {
    expect(requestHeaderVersion(45, 0)).toBe(2);
    expect(responseHeaderVersion(45, 0)).toBe(1);
  });
  it('give ControlledShutdown header v0 at v0 only', () => {
    expect(requestHeaderVersion(7, 0)).toBe(0);
    expect(requestHeaderVersion(7, 1)).toBe(1);
    expect(requestHeaderVersion(7, 3)).toBe(2);
  });
  it('refuse an api key Kafka does not define, by number', () => {
    expect(() => requestHeaderVersion(999, 0)).toThrow(err('ERR_KAFKA_VERSION', 'Unknown API key 999'));
    expect(() => responseHeaderVersion(999, 0)).toThrow(err('ERR_KAFKA_VERSION', 'Unknown API key 999'));
    expect(apiName(9999)).toBe('api key 9999');
  });
});

describe('encodeRequest / encodeResponse argument checks', () => {
  it('name the api the codec does not serve and the versions it has', () => {
    expect(() => encodeRequest(handshake({ apiKey: 0 }))).toThrow(err('ERR_KAFKA_VERSION', 'encodeRequest: this codec reads and writes ApiVersions, SaslHandshake, SaslAuthenticate and Metadata, not Produce'));
    expect(() => encodeResponse({ apiKey: 0, apiVersion: 0, correlationId: 1, body: {} })).toThrow('encodeResponse: this codec reads and writes ApiVersions, SaslHandshake, SaslAuthenticate and Metadata, not Produce');
    expect(() => encodeRequest(handshake({ apiVersion: 2 }))).toThrow(err('ERR_KAFKA_VERSION', 'encodeRequest: SaslHandshake has versions 0-1, not 2'));
    expect(() => encodeRequest(handshake({ apiVersion: -1 }))).toThrow('encodeRequest: SaslHandshake has versions 0-1, not -1');
    expect(() => encodeRequest(handshake({ apiVersion: 0.5 }))).toThrow('encodeRequest: SaslHandshake has versions 0-1, not 0.5');
    expect(() => encodeResponse({ apiKey: 36, apiVersion: 3, correlationId: 1, body: {} })).toThrow(err('ERR_KAFKA_VERSION', 'encodeResponse: SaslAuthenticate has versions 0-2, not 3'));
    expect(() => encodeRequest({ apiKey: 36, apiVersion: 3, correlationId: 1, clientId: null, body: { authBytes: new Uint8Array() } })).toThrow('encodeRequest: SaslAuthenticate has versions 0-2, not 3');
  });
  it('hold the correlation id to an int32', () => {
    for (const bad of [2147483648, -2147483649, 1.5, Number.NaN]) {
      expect(() => encodeRequest(handshake({ correlationId: bad }))).toThrow(err('ERR_USAGE_ARGUMENT', `correlationId must be an int32, not ${String(bad)}`));
      expect(() => encodeResponse({ apiKey: 17, apiVersion: 1, correlationId: bad, body: { errorCode: 0, mechanisms: [] } })).toThrow(`correlationId must be an int32, not ${String(bad)}`);
    }
    expect(hex(encodeRequest(handshake({ correlationId: 2147483647 }))).slice(16, 24)).toBe('7fffffff');
    expect(hex(encodeRequest(handshake({ correlationId: -2147483648 }))).slice(16, 24)).toBe('80000000');
  });
  it('want the body to be an object', () => {
    for (const body of [null, 'x', 1, undefined]) {
      expect(() => encodeRequest(handshake({ body }))).toThrow(err('ERR_USAGE_ARGUMENT', 'encodeRequest: the body must be an object'));
      expect(() => encodeResponse({ apiKey: 17, apiVersion: 1, correlationId: 1, body: body as unknown as object })).toThrow('encodeResponse: the body must be an object');
    }
  });
});

describe('encodeRequest of an ApiVersions request above v4 (KIP-511: a newer client\'s request)', () => {
  it('writes it in the v4 layout with the version asked for, up to 32767', () => {
    const body = { clientSoftwareName: 'n', clientSoftwareVersion: '1' };
    for (const v of [5, 32767]) {
      const bytes = encodeRequest({ apiKey: 18, apiVersion: v, correlationId: 1, clientId: 'c', body });
      expect(hex(bytes)).toBe('00000011' + '0012' + v.toString(16).padStart(4, '0') + '00000001' + '000163' + '00' + '026e' + '0231' + '00');
      expect(decodeRequestHeader(bytes.subarray(4)).header.requestApiVersion).toBe(v);
    }
  });
  it('refuses a version that is not an int16 or not an integer, and any other api above its versions', () => {
    for (const v of [32768, 4.5, -1]) {
      expect(() => encodeRequest({ apiKey: 18, apiVersion: v, correlationId: 1, clientId: 'c', body: {} })).toThrow(err('ERR_KAFKA_VERSION', `encodeRequest: ApiVersions has versions 0-4, not ${v}`));
    }
    expect(() => encodeRequest({ apiKey: 3, apiVersion: 13, correlationId: 1, clientId: 'c', body: { topics: null } })).toThrow('encodeRequest: Metadata has versions 0-12, not 13');
  });
});

describe('request headers', () => {
  it('name the header field a short frame cuts', () => {
    expect(() => decodeRequestHeader(unhex('00'))).toThrow(err('ERR_KAFKA_FRAME', 'RequestHeader: requestApiKey needs 2 bytes but the frame has 1 left (truncated frame or field)'));
    expect(() => decodeRequestHeader(unhex('0011'))).toThrow('RequestHeader: requestApiVersion needs 2 bytes but the frame has 0 left');
    expect(() => decodeRequestHeader(unhex('00110001000000'))).toThrow('RequestHeader: correlationId needs 4 bytes but the frame has 3 left');
    expect(() => decodeRequestHeader(unhex('0011000100000001' + '00'))).toThrow('RequestHeader: clientId needs 2 bytes but the frame has 1 left');
    expect(() => decodeRequest(unhex('00'))).toThrow('RequestHeader: requestApiKey needs 2 bytes but the frame has 1 left');
    expect(() => decodeRequestHeader(unhex('03e70000'))).toThrow(err('ERR_KAFKA_FRAME', 'RequestHeader: unknown API key 999 (not a Kafka request)'));
  });
  it('have no client id in header v0 (ControlledShutdown v0)', () => {
    const d = decodeRequestHeader(unhex('0007' + '0000' + '00000005' + 'ffff'));
    expect(d).toStrictEqual({ header: { requestApiKey: 7, requestApiVersion: 0, correlationId: 5, clientId: null }, headerVersion: 0, bodyOffset: 8 });
  });
  it('have an unknownTaggedFields key only when header v2 carries tagged fields', () => {
    const plain = decodeRequest(encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 1, clientId: 'c', body: { authBytes: new Uint8Array() } }).subarray(4));
    expect(Object.keys(plain.header)).toEqual(['requestApiKey', 'requestApiVersion', 'correlationId', 'clientId']);
    expect(Object.keys(plain.body)).toEqual(['authBytes']);
  });
  it('name the decoder when the codec does not read the api or version', () => {
    expect(() => decodeRequest(unhex('0000' + '0009' + '00000001' + '0000' + '00'))).toThrow(err('ERR_KAFKA_VERSION', 'decodeRequest: this codec reads and writes ApiVersions, SaslHandshake, SaslAuthenticate and Metadata, not Produce'));
    expect(() => decodeRequest(unhex('0024' + '0003' + '00000001' + '0000' + '00'))).toThrow(err('ERR_KAFKA_VERSION', 'decodeRequest: SaslAuthenticate has versions 0-2, not 3'));
  });
});

describe('decodeResponse', () => {
  it('holds the version to an int16 and names the api it does not read', () => {
    for (const v of [-1, 32768, 1.5]) {
      expect(() => decodeResponse(unhex('00000001'), 17, v)).toThrow(err('ERR_USAGE_ARGUMENT', `decodeResponse: apiVersion must be an int16 version, not ${v}`));
    }
    expect(() => decodeResponse(unhex('00000001'), 0, 0)).toThrow(err('ERR_KAFKA_VERSION', 'decodeResponse: this codec reads and writes ApiVersions, SaslHandshake, SaslAuthenticate and Metadata, not Produce'));
    // Kafka's client does not hold a response to the api's versions: 32767 reads in the newest layout.
    expect(decodeResponse(unhex('00000001' + '0000' + '01' + '00000000' + '00'), 18, 32767).body).toStrictEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
  });
  it('names the response header field a short frame cuts', () => {
    expect(() => decodeResponse(unhex('000000'), 17, 1)).toThrow(err('ERR_KAFKA_FRAME', 'ResponseHeader: correlationId needs 4 bytes but the frame has 3 left (truncated frame or field)'));
  });
  it('keeps the tagged fields of a v1 response header, and has no key for them when there are none', () => {
    const frame = unhex('00000001' + '01' + '0502abcd' + '0000' + '00' + '01' + '0000000000000000' + '00');
    expect(decodeResponse(frame, 36, 2).header).toStrictEqual({ correlationId: 1, unknownTaggedFields: [{ tag: 5, data: new Uint8Array([0xab, 0xcd]) }] });
    expect(decodeResponse(unhex('00000001' + '00' + '0000' + '00' + '01' + '0000000000000000' + '00'), 36, 2).header).toStrictEqual({ correlationId: 1 });
  });
  it('rereads at v0 only ApiVersions answered above v0; any other api\'s short answer is an error', () => {
    // SaslAuthenticate v1 without its session lifetime would parse at v0: it must not be read so.
    const v0Layout = unhex('00000001' + '0000' + 'ffff' + '00000000');
    expect(() => decodeResponse(v0Layout, 36, 1)).toThrow(err('ERR_KAFKA_FRAME', 'SaslAuthenticateResponse v1: sessionLifetimeMs needs 8 bytes but the frame has 0 left (truncated frame or field)'));
    expect(decodeResponse(v0Layout, 36, 0).body).toStrictEqual({ errorCode: 0, errorMessage: null, authBytes: new Uint8Array() });
    // ApiVersions v0 that does not parse is its own error, not a second v0 read.
    const e = (() => { try { decodeResponse(unhex('00000001' + '0000' + '000000'), 18, 0); } catch (x) { return x as OAuthBearerError; } return null; })();
    expect(e).toStrictEqual(err('ERR_KAFKA_FRAME', 'ApiVersionsResponse v0: apiKeys needs 4 bytes but the frame has 3 left (truncated frame or field)'));
    expect(e!.cause).toBeUndefined();
    // v3 failing and v0 failing: the v0 error, with the v3 one as its cause.
    const both = (() => { try { decodeResponse(unhex('00000001' + '0000' + '02'), 18, 3); } catch (x) { return x as OAuthBearerError; } return null; })();
    expect(both).toBeInstanceOf(OAuthBearerError);
    expect(both!.code).toBe('ERR_KAFKA_FRAME');
    expect(both!.message).toBe('ApiVersionsResponse v0 (after v3 did not parse): apiKeys needs 4 bytes but the frame has 1 left (truncated frame or field)');
    expect((both!.cause as OAuthBearerError).message).toBe('ApiVersionsResponse v3: apiKeys announces 1 elements, but there are only 0 bytes remaining');
    // v3 failing and v0 parsing: the v0 body (a broker answering an unknown version at v0).
    expect(decodeResponse(unhex('00000001' + '0023' + '00000000'), 18, 3).body).toStrictEqual({ errorCode: 35, apiKeys: [] });
  });
});
