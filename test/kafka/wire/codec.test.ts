// The Kafka wire codec (src/kafka/wire/codec.ts, apis.ts, bytes.ts): header versions, every api at every version,
// Kafka's parser leniency, and fast-check properties (any bytes → a value or OAuthBearerError; round trips).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../../src/errors.js';
import {
  decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse, requestHeaderVersion, responseHeaderVersion,
} from '../../../src/kafka/wire/codec.js';
import { API_KEY, API_TABLE } from '../../../src/kafka/wire/constants.js';

const frameOf = (bytes: Uint8Array): Uint8Array => bytes.subarray(4);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const VERSIONS: Record<number, number> = { 3: 12, 17: 1, 18: 4, 36: 2 };

describe('header versions (ApiMessageType, RequestHeader.json, ResponseHeader.json)', () => {
  it('are 2/1 for flexible api versions and 1/0 otherwise; ApiVersions responses always 0; ControlledShutdown v0 has header v0', () => {
    expect(requestHeaderVersion(API_KEY.SASL_AUTHENTICATE, 1)).toBe(1);
    expect(requestHeaderVersion(API_KEY.SASL_AUTHENTICATE, 2)).toBe(2);
    expect(requestHeaderVersion(API_KEY.METADATA, 9)).toBe(2);
    expect(requestHeaderVersion(API_KEY.SASL_HANDSHAKE, 1)).toBe(1);
    expect(requestHeaderVersion(7, 0)).toBe(0);
    expect(responseHeaderVersion(API_KEY.API_VERSIONS, 4)).toBe(0);
    expect(responseHeaderVersion(API_KEY.METADATA, 9)).toBe(1);
    expect(responseHeaderVersion(API_KEY.METADATA, 8)).toBe(0);
    expect(() => requestHeaderVersion(999, 0)).toThrow(expect.objectContaining({ code: 'ERR_KAFKA_VERSION' }));
  });
  it('reads the header of an api this codec does not serve, so the broker can name it', () => {
    const produce = new Uint8Array([0, 0, 0, 9, 0, 0, 0, 5, 0, 1, 0x63, 0, 1, 2, 3]);
    const { header, headerVersion, bodyOffset } = decodeRequestHeader(produce);
    expect(header).toEqual({ requestApiKey: 0, requestApiVersion: 9, correlationId: 5, clientId: 'c' });
    expect([headerVersion, bodyOffset]).toEqual([2, 12]);
    expect(API_TABLE.length).toBeGreaterThan(80);
  });
});

describe('encodeRequest / decodeRequest', () => {
  it('writes the size prefix and the client id as a classic string even in header v2', () => {
    const bytes = encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 3, clientId: 'me', body: { authBytes: new Uint8Array([1]) } });
    expect(hex(bytes)).toBe('00000010' + '0024' + '0002' + '00000003' + '00026d65' + '00' + '0201' + '00');
  });
  it('refuses an api or version it does not have, with ERR_KAFKA_VERSION', () => {
    expect(() => encodeRequest({ apiKey: 0, apiVersion: 0, correlationId: 1, clientId: null, body: {} })).toThrow(expect.objectContaining({ code: 'ERR_KAFKA_VERSION' }));
    const v3 = encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 1, clientId: null, body: { authBytes: new Uint8Array() } });
    const bumped = v3.slice(4);
    bumped[3] = 3;
    expect(() => decodeRequest(bumped)).toThrow(expect.objectContaining({ code: 'ERR_KAFKA_VERSION' }));
  });
  it('reads a null client id as "" and ignores bytes after the message', () => {
    const bytes = encodeRequest({ apiKey: 17, apiVersion: 1, correlationId: 1, clientId: null, body: { mechanism: 'OAUTHBEARER' } });
    const withTrailer = new Uint8Array([...frameOf(bytes), 9, 9, 9]);
    const d = decodeRequest(withTrailer);
    expect(d.header.clientId).toBe('');
    expect(d.body).toEqual({ mechanism: 'OAUTHBEARER' });
  });
  it('keeps unknown tagged fields and writes them back', () => {
    const bytes = encodeRequest({
      apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'c', headerTaggedFields: [{ tag: 9, data: new Uint8Array([7]) }],
      body: { clientSoftwareName: 'n', clientSoftwareVersion: '1', unknownTaggedFields: [{ tag: 4, data: new Uint8Array([1, 2]) }] },
    });
    const d = decodeRequest(frameOf(bytes));
    expect(d.header.unknownTaggedFields).toEqual([{ tag: 9, data: new Uint8Array([7]) }]);
    expect(d.body).toMatchObject({ unknownTaggedFields: [{ tag: 4, data: new Uint8Array([1, 2]) }] });
  });
  it('names the message and field of a truncated frame', () => {
    const bytes = encodeRequest({ apiKey: 17, apiVersion: 1, correlationId: 1, clientId: 'c', body: { mechanism: 'OAUTHBEARER' } });
    const cut = frameOf(bytes).subarray(0, bytes.length - 8);
    expect(() => decodeRequest(cut)).toThrow(/SaslHandshakeRequest v1: mechanism needs 11 bytes/);
  });
});

describe('encodeResponse / decodeResponse', () => {
  it('reads an ApiVersions answer at v0 when the version asked for does not parse (ApiVersionsResponse.parse)', () => {
    const v0 = encodeResponse({ apiKey: 18, apiVersion: 0, correlationId: 1, body: { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] } });
    expect(decodeResponse(frameOf(v0), 18, 3).body).toEqual({ errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 2 }] });
  });
  it('writes a tagged field only when it is not its default', () => {
    const plain = encodeResponse({ apiKey: 18, apiVersion: 3, correlationId: 1, body: { errorCode: 0, apiKeys: [], finalizedFeaturesEpoch: -1, zkMigrationReady: false } });
    expect(hex(plain).endsWith('00000000' + '00')).toBe(true);
    const tagged = encodeResponse({ apiKey: 18, apiVersion: 3, correlationId: 1, body: { errorCode: 0, apiKeys: [], zkMigrationReady: true } });
    expect(decodeResponse(frameOf(tagged), 18, 3).body).toEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0, zkMigrationReady: true });
  });
  it('writes a large token once, in place, with the right size prefix', () => {
    const token = new Uint8Array(5000).map((_, i) => i & 255);
    const bytes = encodeRequest({ apiKey: 36, apiVersion: 2, correlationId: 1, clientId: 'c', body: { authBytes: token } });
    expect(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0)).toBe(bytes.length - 4);
    expect((decodeRequest(frameOf(bytes)).body as { authBytes: Uint8Array }).authBytes).toEqual(token);
    const answer = encodeResponse({ apiKey: 36, apiVersion: 1, correlationId: 1, body: { errorCode: 0, errorMessage: null, authBytes: token, sessionLifetimeMs: 5 } });
    expect(decodeResponse(frameOf(answer), 36, 1).body).toEqual({ errorCode: 0, errorMessage: null, authBytes: token, sessionLifetimeMs: 5 });
  });
  it('reads the int64 session lifetime exactly', () => {
    const bytes = encodeResponse({ apiKey: 36, apiVersion: 1, correlationId: 1, body: { errorCode: 0, errorMessage: null, authBytes: new Uint8Array(), sessionLifetimeMs: 2 ** 40 + 3 } });
    expect(decodeResponse(frameOf(bytes), 36, 1).body).toEqual({ errorCode: 0, errorMessage: null, authBytes: new Uint8Array(), sessionLifetimeMs: 2 ** 40 + 3 });
  });
});

// --- Properties ---

const int16 = fc.integer({ min: -32768, max: 32767 });
const int32 = fc.integer({ min: -2147483648, max: 2147483647 });
const str = fc.string({ maxLength: 20 });
const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
// Small and large byte fields: 256 bytes and up are written by reference and copied once (Writer.take).
const bytes = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 250, maxLength: 700 }));

function requestBody(apiKey: number, version: number): fc.Arbitrary<object> {
  switch (apiKey) {
    case 18: return version >= 3 ? fc.record({ clientSoftwareName: str, clientSoftwareVersion: str }) : fc.constant({});
    case 17: return fc.record({ mechanism: str });
    case 36: return fc.record({ authBytes: bytes });
    default: {
      const topic: fc.Arbitrary<object> = version >= 10 ? fc.record({ topicId: uuid, name: fc.option(str, { nil: null }) }) : fc.record({ name: str });
      return fc.record({
        topics: version >= 1 ? fc.option(fc.array(topic, { maxLength: 3 }), { nil: null }) : fc.array(topic, { maxLength: 3 }),
        allowAutoTopicCreation: fc.boolean(), includeClusterAuthorizedOperations: fc.boolean(), includeTopicAuthorizedOperations: fc.boolean(),
      });
    }
  }
}

function responseBody(apiKey: number): fc.Arbitrary<object> {
  switch (apiKey) {
    case 18: return fc.record({
      errorCode: int16, apiKeys: fc.array(fc.record({ apiKey: int16, minVersion: int16, maxVersion: int16 }), { maxLength: 4 }), throttleTimeMs: int32,
      supportedFeatures: fc.array(fc.record({ name: str, minVersion: int16, maxVersion: int16 }), { maxLength: 2 }),
      finalizedFeaturesEpoch: fc.integer({ min: -1, max: 2 ** 40 }), zkMigrationReady: fc.boolean(),
    });
    case 17: return fc.record({ errorCode: int16, mechanisms: fc.array(str, { maxLength: 3 }) });
    case 36: return fc.record({ errorCode: int16, errorMessage: fc.option(str, { nil: null }), authBytes: bytes, sessionLifetimeMs: fc.integer({ min: 0, max: 2 ** 50 }) });
    default: {
      const partition = fc.record({
        errorCode: int16, partitionIndex: int32, leaderId: int32, leaderEpoch: int32,
        replicaNodes: fc.array(int32, { maxLength: 3 }), isrNodes: fc.array(int32, { maxLength: 3 }), offlineReplicas: fc.array(int32, { maxLength: 3 }),
      });
      return fc.record({
        throttleTimeMs: int32,
        brokers: fc.array(fc.record({ nodeId: int32, host: str, port: int32, rack: fc.option(str, { nil: null }) }), { maxLength: 2 }),
        clusterId: fc.option(str, { nil: null }), controllerId: int32,
        topics: fc.array(fc.record({ errorCode: int16, name: str, topicId: uuid, isInternal: fc.boolean(), partitions: fc.array(partition, { maxLength: 2 }), topicAuthorizedOperations: int32 }), { maxLength: 2 }),
        clusterAuthorizedOperations: int32,
      });
    }
  }
}

const apiAndVersion = fc.constantFrom(3, 17, 18, 36).chain((apiKey) => fc.tuple(fc.constant(apiKey), fc.integer({ min: 0, max: VERSIONS[apiKey]! })));

describe('properties', () => {
  it('request round trip: decode(encode(x)) re-encodes to the same bytes (numRuns 2000)', () => {
    fc.assert(fc.property(
      apiAndVersion.chain(([apiKey, version]) => fc.tuple(fc.constant(apiKey), fc.constant(version), requestBody(apiKey, version), int32, fc.option(str, { nil: null }))),
      ([apiKey, apiVersion, body, correlationId, clientId]) => {
        const first = encodeRequest({ apiKey, apiVersion, correlationId, clientId, body });
        const d = decodeRequest(frameOf(first));
        expect(d.header).toMatchObject({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: clientId ?? '' });
        const again = encodeRequest({ apiKey, apiVersion, correlationId, clientId: d.header.clientId, body: d.body });
        expect(hex(again)).toBe(hex(clientId === null ? encodeRequest({ apiKey, apiVersion, correlationId, clientId: '', body }) : first));
        if (apiKey === 36) expect((d.body as { authBytes: Uint8Array }).authBytes).toEqual((body as { authBytes: Uint8Array }).authBytes);
        if (apiKey === 17) expect(d.body).toEqual(body);
      },
    ), { numRuns: 2000 });
  });
  it('response round trip: decode(encode(x)) re-encodes to the same bytes (numRuns 2000)', () => {
    fc.assert(fc.property(
      apiAndVersion.chain(([apiKey, version]) => fc.tuple(fc.constant(apiKey), fc.constant(version), responseBody(apiKey), int32)),
      ([apiKey, apiVersion, body, correlationId]) => {
        const first = encodeResponse({ apiKey, apiVersion, correlationId, body });
        const d = decodeResponse(frameOf(first), apiKey, apiVersion);
        expect(d.header.correlationId).toBe(correlationId);
        expect(hex(encodeResponse({ apiKey, apiVersion, correlationId, body: d.body }))).toBe(hex(first));
      },
    ), { numRuns: 2000 });
  });
  it('decodeRequest of any bytes gives a request or an OAuthBearerError, nothing else (numRuns 5000)', () => {
    const header = fc.tuple(fc.constantFrom(0, 3, 17, 18, 36, 999), fc.integer({ min: -1, max: 13 })).map(([k, v]) => new Uint8Array([k >> 8, k & 255, 0, v & 255]));
    fc.assert(fc.property(header, fc.uint8Array({ maxLength: 200 }), fc.boolean(), (h, rest, withHeader) => {
      const input = withHeader ? new Uint8Array([...h, ...rest]) : rest;
      try {
        const d = decodeRequest(input);
        expect(typeof d.apiKey).toBe('number');
      } catch (err) {
        expect(err).toBeInstanceOf(OAuthBearerError);
      }
    }), { numRuns: 5000 });
  });
  it('decodeResponse of any bytes gives a response or an OAuthBearerError, for every api and version (numRuns 5000)', () => {
    fc.assert(fc.property(apiAndVersion, fc.uint8Array({ maxLength: 200 }), ([apiKey, version], input) => {
      try {
        decodeResponse(input, apiKey, version);
      } catch (err) {
        expect(err).toBeInstanceOf(OAuthBearerError);
      }
    }), { numRuns: 5000 });
  });
  it('mutating one byte of a valid frame gives a value or an OAuthBearerError (numRuns 3000)', () => {
    fc.assert(fc.property(
      apiAndVersion.chain(([apiKey, version]) => fc.tuple(fc.constant(apiKey), fc.constant(version), responseBody(apiKey), requestBody(apiKey, version))),
      fc.nat(), fc.integer({ min: 0, max: 255 }),
      ([apiKey, apiVersion, rbody, qbody], at, value) => {
        for (const [bytes, decode] of [
          [encodeResponse({ apiKey, apiVersion, correlationId: 1, body: rbody }), (f: Uint8Array) => decodeResponse(f, apiKey, apiVersion)],
          [encodeRequest({ apiKey, apiVersion, correlationId: 1, clientId: 'c', body: qbody }), (f: Uint8Array) => decodeRequest(f)],
        ] as const) {
          const frame = frameOf(bytes).slice();
          if (frame.length > 0) frame[at % frame.length] = value;
          try {
            decode(frame);
          } catch (err) {
            expect(err).toBeInstanceOf(OAuthBearerError);
          }
        }
      },
    ), { numRuns: 3000 });
  });
});
