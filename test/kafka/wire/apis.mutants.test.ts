// The bodies of ApiVersions, SaslHandshake, SaslAuthenticate and Metadata (src/kafka/wire/apis.ts) at every version
// their message definitions give (apache/kafka clients/src/main/resources/common/message/*.json): each field present
// exactly from its version on, each default written when a field is left out, the nullable and non-nullable fields
// as Kafka's generated readers take them, and the field every truncation of a frame is reported against.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../../src/errors.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../../src/kafka/wire/codec.js';

const U = 'AAECAwQFBgcICQoLDA0ODw'; // bytes 00..0f
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const INT32_MIN = -2147483648;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const request = (apiKey: number, apiVersion: number, body: object): Uint8Array =>
  encodeRequest({ apiKey, apiVersion, correlationId: 1, clientId: 'c', body }).subarray(4);
const response = (apiKey: number, apiVersion: number, body: object): Uint8Array =>
  encodeResponse({ apiKey, apiVersion, correlationId: 1, body }).subarray(4);
const roundTripRequest = (apiKey: number, v: number, body: object): unknown => decodeRequest(request(apiKey, v, body)).body;
const roundTripResponse = (apiKey: number, v: number, body: object): unknown => decodeResponse(response(apiKey, v, body), apiKey, v).body;

function thrown(f: () => unknown): OAuthBearerError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(OAuthBearerError);
    return err as OAuthBearerError;
  }
  throw new Error('expected an OAuthBearerError');
}

/** `Message vN: field` of the error at every cut of `frame` (consecutive repeats once; `OK` where a cut decodes). */
function fieldsAtEveryCut(frame: Uint8Array, decode: (f: Uint8Array) => unknown, viaCause = false): string[] {
  const out: string[] = [];
  for (let k = 0; k < frame.length; k++) {
    let s = 'OK';
    try {
      decode(frame.subarray(0, k));
    } catch (err) {
      const e = thrown(() => { throw err; });
      expect(e.code).toBe('ERR_KAFKA_FRAME');
      const m = ((viaCause && e.cause instanceof Error ? e.cause : e) as Error).message.match(/^(.*?): (.*?) (needs|\(an unsigned|announces)/);
      s = m === null ? e.message : `${m[1]}: ${m[2]}`;
    }
    if (out[out.length - 1] !== s) out.push(s);
  }
  return out;
}

// --- Metadata ---

const metadataResponseFull = {
  throttleTimeMs: 7, brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: 'r' }], clusterId: 'c', controllerId: 1,
  topics: [{
    errorCode: 3, name: 't', topicId: U, isInternal: true, topicAuthorizedOperations: 8,
    partitions: [{ errorCode: 5, partitionIndex: 2, leaderId: 1, leaderEpoch: 4, replicaNodes: [1, 2], isrNodes: [1], offlineReplicas: [2] }],
  }],
  clusterAuthorizedOperations: 9,
};

/** What MetadataResponse.json gives at version v of metadataResponseFull. */
function metadataResponseAt(v: number): object {
  return {
    ...(v >= 3 ? { throttleTimeMs: 7 } : {}),
    brokers: [{ nodeId: 1, host: 'h', port: 9092, ...(v >= 1 ? { rack: 'r' } : {}) }],
    ...(v >= 2 ? { clusterId: 'c' } : {}),
    ...(v >= 1 ? { controllerId: 1 } : {}),
    topics: [{
      errorCode: 3, name: 't', ...(v >= 10 ? { topicId: U } : {}), ...(v >= 1 ? { isInternal: true } : {}),
      partitions: [{ errorCode: 5, partitionIndex: 2, leaderId: 1, ...(v >= 7 ? { leaderEpoch: 4 } : {}), replicaNodes: [1, 2], isrNodes: [1], ...(v >= 5 ? { offlineReplicas: [2] } : {}) }],
      ...(v >= 8 ? { topicAuthorizedOperations: 8 } : {}),
    }],
    ...(v >= 8 && v <= 10 ? { clusterAuthorizedOperations: 9 } : {}),
  };
}

/** The defaults Kafka's generated MetadataResponseData writes for fields left out, at version v. */
function metadataResponseDefaultsAt(v: number): object {
  return {
    ...(v >= 3 ? { throttleTimeMs: 0 } : {}),
    brokers: [{ nodeId: 1, host: 'h', port: 9092, ...(v >= 1 ? { rack: null } : {}) }],
    ...(v >= 2 ? { clusterId: null } : {}),
    ...(v >= 1 ? { controllerId: -1 } : {}),
    topics: [{
      errorCode: 0, name: 't', ...(v >= 10 ? { topicId: ZERO_UUID } : {}), ...(v >= 1 ? { isInternal: false } : {}),
      partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, ...(v >= 7 ? { leaderEpoch: -1 } : {}), replicaNodes: [1], isrNodes: [1], ...(v >= 5 ? { offlineReplicas: [] } : {}) }],
      ...(v >= 8 ? { topicAuthorizedOperations: INT32_MIN } : {}),
    }],
    ...(v >= 8 && v <= 10 ? { clusterAuthorizedOperations: INT32_MIN } : {}),
  };
}

describe('MetadataResponse at every version (MetadataResponse.json, 0-12, flexible 9+)', () => {
  it.each(range(0, 12))('v%i carries exactly the fields of its version', (v) => {
    expect(roundTripResponse(3, v, metadataResponseFull)).toStrictEqual(metadataResponseAt(v));
  });
  it.each(range(0, 12))('v%i writes Kafka\'s defaults for the fields left out', (v) => {
    const minimal = { brokers: [{ nodeId: 1, host: 'h', port: 9092 }], topics: [{ errorCode: 0, name: 't', partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1] }] }] };
    expect(roundTripResponse(3, v, minimal)).toStrictEqual(metadataResponseDefaultsAt(v));
  });
  it('writes a null topic name as "" before v12 (name not nullable there) and as null from v12', () => {
    const body = { brokers: [], topics: [{ errorCode: 0, name: null, partitions: [] }] };
    expect((roundTripResponse(3, 11, body) as { topics: { name: unknown }[] }).topics[0]!.name).toBe('');
    expect((roundTripResponse(3, 12, body) as { topics: { name: unknown }[] }).topics[0]!.name).toBeNull();
  });
  it('refuses a null topic name before v12, where it is not nullable', () => {
    const frame = '00000001' + '00' + '00000000' + '01' + '00' + 'ffffffff' + '02' + '0000' + '00' + '000102030405060708090a0b0c0d0e0f' + '00' + '01' + '00000000' + '00' + '00';
    expect(() => decodeResponse(unhex(frame), 3, 11)).toThrow('MetadataResponse v11: non-nullable field topics.name was serialized as null');
    expect((decodeResponse(unhex(frame), 3, 12).body as { topics: { name: unknown }[] }).topics[0]!.name).toBeNull();
  });
  it('v1 is byte for byte Kafka\'s layout', () => {
    const body = { brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }], controllerId: 1, topics: [{ errorCode: 3, name: 't', isInternal: true, partitions: [{ errorCode: 5, partitionIndex: 2, leaderId: 1, replicaNodes: [1], isrNodes: [] }] }] };
    expect(hex(response(3, 1, body))).toBe(
      '00000001' + '00000001' + '00000001' + '000168' + '00002384' + 'ffff' + '00000001'
      + '00000001' + '0003' + '000174' + '01' + '00000001' + '0005' + '00000002' + '00000001' + '00000001' + '00000001' + '00000000',
    );
  });
  it('v12 is byte for byte Kafka\'s layout (compact fields, tagged-field sections)', () => {
    expect(hex(response(3, 12, metadataResponseFull))).toBe(
      '00000001' + '00' + '00000007' + '02' + '00000001' + '0268' + '00002384' + '0272' + '00' + '0263' + '00000001'
      + '02' + '0003' + '0274' + '000102030405060708090a0b0c0d0e0f' + '01'
      + '02' + '0005' + '00000002' + '00000001' + '00000004' + '03' + '00000001' + '00000002' + '02' + '00000001' + '02' + '00000002' + '00'
      + '00000008' + '00' + '00',
    );
  });
  it('refuses a null array where Kafka declares none nullable (topics, partitions, replica lists)', () => {
    // v9: correlation id, header tags, throttle, no brokers, null cluster id, controller -1, then the topics.
    const head = '00000001' + '00' + '00000000' + '01' + '00' + 'ffffffff';
    const topic = '0000' + '0274' + '00';
    const partition = '0000' + '00000000' + '00000000' + '00000000';
    const cases: [string, string][] = [
      [head + '00', 'topics'],
      [head + '02' + topic + '00', 'topics.partitions'],
      [head + '02' + topic + '02' + partition + '00', 'partitions.replicaNodes'],
      [head + '02' + topic + '02' + partition + '01' + '00', 'partitions.isrNodes'],
      [head + '02' + topic + '02' + partition + '01' + '01' + '00', 'partitions.offlineReplicas'],
    ];
    for (const [frame, field] of cases) {
      expect(() => decodeResponse(unhex(frame), 3, 9)).toThrow(`MetadataResponse v9: non-nullable field ${field} was serialized as null`);
    }
  });
  it.each([0, 8, 12])('v%i names the field each truncation falls in', (v) => {
    const expected: Record<number, string[]> = {
      0: ['ResponseHeader: correlationId', 'brokers', 'brokers.nodeId', 'brokers.host', 'brokers.port', 'topics', 'topics.errorCode', 'topics.name', 'topics.partitions',
        'partitions.errorCode', 'partitions.partitionIndex', 'partitions.leaderId', 'partitions.replicaNodes', 'partitions.isrNodes'],
      8: ['ResponseHeader: correlationId', 'throttleTimeMs', 'brokers', 'brokers.nodeId', 'brokers.host', 'brokers.port', 'brokers.rack', 'clusterId', 'controllerId', 'topics',
        'topics.errorCode', 'topics.name', 'topics.isInternal', 'topics.partitions', 'partitions.errorCode', 'partitions.partitionIndex', 'partitions.leaderId',
        'partitions.leaderEpoch', 'partitions.replicaNodes', 'partitions.isrNodes', 'partitions.offlineReplicas', 'topics.topicAuthorizedOperations', 'clusterAuthorizedOperations'],
      12: ['ResponseHeader: correlationId', 'ResponseHeader: tagged field count', 'throttleTimeMs', 'brokers', 'brokers.nodeId', 'brokers.host', 'brokers.port', 'brokers.rack',
        'tagged field count', 'clusterId', 'controllerId', 'topics', 'topics.errorCode', 'topics.name', 'topics.topicId', 'topics.isInternal', 'topics.partitions',
        'partitions.errorCode', 'partitions.partitionIndex', 'partitions.leaderId', 'partitions.leaderEpoch', 'partitions.replicaNodes', 'partitions.isrNodes',
        'partitions.offlineReplicas', 'tagged field count', 'topics.topicAuthorizedOperations', 'tagged field count'],
    };
    const want = expected[v]!.map((f) => (f.startsWith('ResponseHeader') ? f : `MetadataResponse v${v}: ${f}`));
    expect(fieldsAtEveryCut(response(3, v, metadataResponseFull), (f) => decodeResponse(f, 3, v))).toEqual(want);
  });
});

describe('MetadataRequest at every version (MetadataRequest.json, 0-12, flexible 9+)', () => {
  const full = { topics: [{ topicId: U, name: 't' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true };
  it.each(range(0, 12))('v%i carries exactly the fields of its version', (v) => {
    expect(roundTripRequest(3, v, full)).toStrictEqual({
      topics: [v >= 10 ? { topicId: U, name: 't' } : { name: 't' }],
      ...(v >= 4 ? { allowAutoTopicCreation: false } : {}),
      ...(v >= 8 && v <= 10 ? { includeClusterAuthorizedOperations: true } : {}),
      ...(v >= 8 ? { includeTopicAuthorizedOperations: true } : {}),
    });
  });
  it.each(range(0, 12))('v%i writes Kafka\'s defaults for the fields left out', (v) => {
    expect(roundTripRequest(3, v, { topics: [{ name: 't' }] })).toStrictEqual({
      topics: [v >= 10 ? { topicId: ZERO_UUID, name: 't' } : { name: 't' }],
      ...(v >= 4 ? { allowAutoTopicCreation: true } : {}),
      ...(v >= 8 && v <= 10 ? { includeClusterAuthorizedOperations: false } : {}),
      ...(v >= 8 ? { includeTopicAuthorizedOperations: false } : {}),
    });
  });
  it('writes a null topic list as an empty one at v0 (all topics there) and as null from v1', () => {
    expect(hex(request(3, 0, { topics: null }))).toBe('0003' + '0000' + '00000001' + '000163' + '00000000');
    expect(roundTripRequest(3, 0, { topics: null })).toStrictEqual({ topics: [] });
    expect(hex(request(3, 1, { topics: null }))).toBe('0003' + '0001' + '00000001' + '000163' + 'ffffffff');
    expect(roundTripRequest(3, 1, { topics: null })).toStrictEqual({ topics: null });
    expect(roundTripRequest(3, 12, { topics: null })).toStrictEqual({ topics: null, allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
  });
  it('refuses a null topic list at v0, where it is not nullable', () => {
    expect(() => decodeRequest(unhex('0003' + '0000' + '00000001' + '000163' + 'ffffffff'))).toThrow('MetadataRequest v0: non-nullable field topics was serialized as null');
  });
  it('writes a null topic name as "" before v10 and as null from v10 (nullable there)', () => {
    expect(roundTripRequest(3, 9, { topics: [{ name: null }] })).toStrictEqual({ topics: [{ name: '' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: false });
    expect(roundTripRequest(3, 10, { topics: [{ name: null }] })).toStrictEqual({ topics: [{ topicId: ZERO_UUID, name: null }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: false });
    expect(() => decodeRequest(unhex('0003' + '0009' + '00000001' + '000163' + '00' + '02' + '00' + '00' + '01' + '00' + '00'))).toThrow('MetadataRequest v9: non-nullable field topics.name was serialized as null');
  });
  it('v10 is byte for byte Kafka\'s layout', () => {
    expect(hex(request(3, 10, full))).toBe('0003' + '000a' + '00000001' + '000163' + '00' + '02' + '000102030405060708090a0b0c0d0e0f' + '0274' + '00' + '00' + '01' + '01' + '00');
  });
  it.each([8, 10])('v%i names the field each truncation falls in', (v) => {
    const header = ['RequestHeader: requestApiKey', 'RequestHeader: requestApiVersion', 'RequestHeader: correlationId', 'RequestHeader: clientId'];
    const body = v === 8
      ? ['topics', 'topics.name', 'allowAutoTopicCreation', 'includeClusterAuthorizedOperations', 'includeTopicAuthorizedOperations']
      : ['topics', 'topics.topicId', 'topics.name', 'tagged field count', 'allowAutoTopicCreation', 'includeClusterAuthorizedOperations', 'includeTopicAuthorizedOperations', 'tagged field count'];
    const want = [...header, ...(v >= 9 ? ['RequestHeader: tagged field count'] : []), ...body.map((f) => `MetadataRequest v${v}: ${f}`)];
    expect(fieldsAtEveryCut(request(3, v, full), decodeRequest)).toEqual(want);
  });
});

// --- ApiVersions ---

describe('ApiVersionsRequest (ApiVersionsRequest.json, 0-4, flexible 3+)', () => {
  it('has no body before v3: client software fields are not written there', () => {
    for (const v of [0, 1, 2]) {
      expect(hex(request(18, v, { clientSoftwareName: 'n', clientSoftwareVersion: '1' }))).toBe('0012' + `000${v}` + '00000001' + '000163');
      expect(roundTripRequest(18, v, { clientSoftwareName: 'n' })).toStrictEqual({});
    }
  });
  it('writes the client software name and version from v3, "" when left out', () => {
    expect(hex(request(18, 3, { clientSoftwareName: 'n', clientSoftwareVersion: '1' }))).toBe('0012' + '0003' + '00000001' + '000163' + '00' + '026e' + '0231' + '00');
    expect(roundTripRequest(18, 4, { clientSoftwareName: 'n', clientSoftwareVersion: '1' })).toStrictEqual({ clientSoftwareName: 'n', clientSoftwareVersion: '1' });
    expect(hex(request(18, 3, {}))).toBe('0012' + '0003' + '00000001' + '000163' + '00' + '01' + '01' + '00');
    expect(roundTripRequest(18, 3, {})).toStrictEqual({ clientSoftwareName: '', clientSoftwareVersion: '' });
  });
  it('names the field each truncation falls in', () => {
    expect(fieldsAtEveryCut(request(18, 3, { clientSoftwareName: 'n', clientSoftwareVersion: '1' }), decodeRequest)).toEqual([
      'RequestHeader: requestApiKey', 'RequestHeader: requestApiVersion', 'RequestHeader: correlationId', 'RequestHeader: clientId', 'RequestHeader: tagged field count',
      'ApiVersionsRequest v3: clientSoftwareName', 'ApiVersionsRequest v3: clientSoftwareVersion', 'ApiVersionsRequest v3: tagged field count',
    ]);
  });
});

describe('ApiVersionsResponse (ApiVersionsResponse.json, 0-4, flexible 3+, header v0 always)', () => {
  const full = {
    errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4, unknownTaggedFields: [{ tag: 1, data: new Uint8Array([7]) }] }], throttleTimeMs: 1,
    supportedFeatures: [{ name: 's', minVersion: 1, maxVersion: 2 }], finalizedFeaturesEpoch: 5, finalizedFeatures: [{ name: 'f', maxVersionLevel: 2, minVersionLevel: 1 }],
    zkMigrationReady: true, unknownTaggedFields: [{ tag: 9, data: new Uint8Array([1]) }, { tag: 5, data: new Uint8Array([2, 3]) }],
  };
  it('v0-v2 carry the error, the api keys and (from v1) the throttle time only', () => {
    const apiKeys = [{ apiKey: 18, minVersion: 0, maxVersion: 4 }];
    expect(roundTripResponse(18, 0, full)).toStrictEqual({ errorCode: 35, apiKeys });
    expect(roundTripResponse(18, 1, full)).toStrictEqual({ errorCode: 35, apiKeys, throttleTimeMs: 1 });
    expect(roundTripResponse(18, 2, full)).toStrictEqual({ errorCode: 35, apiKeys, throttleTimeMs: 1 });
    expect(roundTripResponse(18, 1, { errorCode: 0, apiKeys: [] })).toStrictEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
    expect(hex(response(18, 1, full))).toBe('00000001' + '0023' + '00000001' + '0012' + '0000' + '0004' + '00000001');
  });
  it('v3 writes the tagged fields in tag order, known and unknown together, each with its size', () => {
    expect(hex(response(18, 3, full))).toBe(
      '00000001' + '0023' + '02' + '0012' + '0000' + '0004' + '01010107' + '00000001' + '06'
      + '00' + '08' + '0202730001000200' + '01' + '08' + '0000000000000005' + '02' + '08' + '0202660002000100' + '03' + '01' + '01'
      + '05' + '02' + '0203' + '09' + '01' + '01',
    );
    expect(roundTripResponse(18, 4, full)).toStrictEqual({
      ...full, unknownTaggedFields: [{ tag: 5, data: new Uint8Array([2, 3]) }, { tag: 9, data: new Uint8Array([1]) }],
    });
  });
  it('reads a tagged field holding its default as absent (an empty list, epoch -1, zkMigrationReady false)', () => {
    const head = '00000001' + '0000' + '01' + '00000000';
    expect(decodeResponse(unhex(head + '04' + '0001' + '01' + '01' + '08' + 'ffffffffffffffff' + '02' + '01' + '01' + '03' + '01' + '00'), 18, 3).body)
      .toStrictEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0 });
    expect(decodeResponse(unhex(head + '01' + '01' + '08' + '0000000000000000'), 18, 3).body).toStrictEqual({ errorCode: 0, apiKeys: [], throttleTimeMs: 0, finalizedFeaturesEpoch: 0 });
  });
  it('refuses a null features list (not nullable), reporting why v3 failed as the cause of the v0 error', () => {
    for (const [tag, field] of [['00', 'supportedFeatures'], ['02', 'finalizedFeatures']] as const) {
      const e = thrown(() => decodeResponse(unhex('00000001' + '0000' + '01' + '00000000' + '01' + tag + '01' + '00'), 18, 3));
      expect(e.message).toMatch(/^ApiVersionsResponse v0 \(after v3 did not parse\): apiKeys announces 16777216 elements/);
      expect((e.cause as Error).message).toBe(`ApiVersionsResponse v3: non-nullable field ${field} was serialized as null`);
    }
  });
  it('v0 names the field each truncation falls in; v3 names it as the cause of the v0 retry\'s error', () => {
    const v0 = response(18, 0, full);
    expect(fieldsAtEveryCut(v0, (f) => decodeResponse(f, 18, 0))).toEqual(
      ['ResponseHeader: correlationId', 'errorCode', 'apiKeys', 'apiKeys.apiKey', 'apiKeys.minVersion', 'apiKeys.maxVersion'].map((f) => (f.startsWith('R') ? f : `ApiVersionsResponse v0: ${f}`)),
    );
    const v3 = response(18, 3, full);
    expect(fieldsAtEveryCut(v3, (f) => decodeResponse(f, 18, 3), true)).toEqual(V3_CUTS);
  });
});

/** Every cut of the full v3 response, as the cause of the v0 retry's error: the fields in ApiVersionsResponse.json's order. */
const V3_CUTS: string[] = ['ResponseHeader: correlationId', ...[
  'errorCode', 'apiKeys', 'apiKeys.apiKey', 'apiKeys.minVersion', 'apiKeys.maxVersion', 'tagged field count', 'tag', 'tagged field size',
  'tagged field 1', 'throttleTimeMs', 'tagged field count', 'tag', 'tagged field size', 'supportedFeatures', 'supportedFeatures.name',
  'supportedFeatures.minVersion', 'supportedFeatures.maxVersion', 'tagged field count', 'tag', 'tagged field size', 'finalizedFeaturesEpoch', 'tag',
  'tagged field size', 'finalizedFeatures', 'finalizedFeatures.name', 'finalizedFeatures.maxVersionLevel', 'finalizedFeatures.minVersionLevel',
  'tagged field count', 'tag', 'tagged field size', 'zkMigrationReady', 'tag', 'tagged field size', 'tagged field 5', 'tag', 'tagged field size',
  'tagged field 9',
].map((f) => `ApiVersionsResponse v3: ${f}`)];

// --- SaslHandshake, SaslAuthenticate ---

describe('SaslHandshake and SaslAuthenticate (never flexible; flexible from v2)', () => {
  it('SaslAuthenticateResponse carries the session lifetime from v1, 0 when left out', () => {
    const body = { errorCode: 58, errorMessage: 'e', authBytes: new Uint8Array([1]), sessionLifetimeMs: 5 };
    expect(roundTripResponse(36, 0, body)).toStrictEqual({ errorCode: 58, errorMessage: 'e', authBytes: new Uint8Array([1]) });
    expect(roundTripResponse(36, 1, { ...body, sessionLifetimeMs: undefined })).toStrictEqual({ errorCode: 58, errorMessage: 'e', authBytes: new Uint8Array([1]), sessionLifetimeMs: 0 });
    expect(hex(response(36, 2, body))).toBe('00000001' + '00' + '003a' + '0265' + '0201' + '0000000000000005' + '00');
  });
  it.each([
    [17, 1, { errorCode: 0, mechanisms: ['OAUTHBEARER'] }, ['errorCode', 'mechanisms']],
    [36, 1, { errorCode: 0, errorMessage: 'e', authBytes: new Uint8Array([1]), sessionLifetimeMs: 5 }, ['errorCode', 'errorMessage', 'authBytes', 'sessionLifetimeMs']],
    [36, 2, { errorCode: 0, errorMessage: 'e', authBytes: new Uint8Array([1]), sessionLifetimeMs: 5 }, ['errorCode', 'errorMessage', 'authBytes', 'sessionLifetimeMs', 'tagged field count']],
  ] as const)('response %i v%i names the field each truncation falls in', (apiKey, v, body, fields) => {
    const name = apiKey === 17 ? 'SaslHandshakeResponse' : 'SaslAuthenticateResponse';
    const want = ['ResponseHeader: correlationId', ...(v >= 2 ? ['ResponseHeader: tagged field count'] : []), ...fields.map((f) => `${name} v${v}: ${f}`)];
    expect(fieldsAtEveryCut(response(apiKey, v, body), (f) => decodeResponse(f, apiKey, v))).toEqual(want);
  });
  it.each([
    [17, 1, { mechanism: 'M' }, 'SaslHandshakeRequest v1: mechanism'],
    [36, 1, { authBytes: new Uint8Array([1]) }, 'SaslAuthenticateRequest v1: authBytes'],
  ] as const)('request %i v%i names the field each truncation falls in', (apiKey, v, body, last) => {
    expect(fieldsAtEveryCut(request(apiKey, v, body), decodeRequest)).toEqual(['RequestHeader: requestApiKey', 'RequestHeader: requestApiVersion', 'RequestHeader: correlationId', 'RequestHeader: clientId', last]);
  });
  it('refuses a null mechanism list, mechanism and token, which Kafka declares non-nullable', () => {
    expect(() => decodeResponse(unhex('00000001' + '0000' + 'ffffffff'), 17, 1)).toThrow('SaslHandshakeResponse v1: non-nullable field mechanisms was serialized as null');
    expect(() => decodeResponse(unhex('00000001' + '0000' + '00000001' + 'ffff'), 17, 1)).toThrow('SaslHandshakeResponse v1: non-nullable field mechanisms was serialized as null');
    expect(() => decodeRequest(unhex('0011' + '0001' + '00000001' + '000163' + 'ffff'))).toThrow('SaslHandshakeRequest v1: non-nullable field mechanism was serialized as null');
    expect(() => decodeRequest(unhex('0024' + '0001' + '00000001' + '000163' + 'ffffffff'))).toThrow('SaslAuthenticateRequest v1: non-nullable field authBytes was serialized as null');
    expect(() => decodeResponse(unhex('00000001' + '0000' + 'ffff' + 'ffffffff'), 36, 0)).toThrow('SaslAuthenticateResponse v0: non-nullable field authBytes was serialized as null');
  });
});

// --- The write side's limits, per field ---

describe('encode refuses a string above Kafka\'s 32767 bytes and a malformed uuid, naming the field', () => {
  const long = 'x'.repeat(32768);
  const cases: [string, () => unknown][] = [
    ['clientId', () => encodeRequest({ apiKey: 17, apiVersion: 1, correlationId: 1, clientId: long, body: { mechanism: 'M' } })],
    ['clientSoftwareName', () => request(18, 3, { clientSoftwareName: long, clientSoftwareVersion: '1' })],
    ['clientSoftwareVersion', () => request(18, 3, { clientSoftwareName: 'n', clientSoftwareVersion: long })],
    ['mechanism', () => request(17, 1, { mechanism: long })],
    ['topics.name', () => request(3, 1, { topics: [{ name: long }] })],
    ['mechanisms', () => response(17, 1, { errorCode: 0, mechanisms: [long] })],
    ['errorMessage', () => response(36, 1, { errorCode: 0, errorMessage: long, authBytes: new Uint8Array() })],
    ['brokers.host', () => response(3, 1, { brokers: [{ nodeId: 1, host: long, port: 1 }], topics: [] })],
    ['brokers.rack', () => response(3, 1, { brokers: [{ nodeId: 1, host: 'h', port: 1, rack: long }], topics: [] })],
    ['clusterId', () => response(3, 2, { brokers: [], clusterId: long, topics: [] })],
    ['topics.name', () => response(3, 1, { brokers: [], topics: [{ errorCode: 0, name: long, partitions: [] }] })],
    ['supportedFeatures.name', () => response(18, 3, { errorCode: 0, apiKeys: [], supportedFeatures: [{ name: long, minVersion: 0, maxVersion: 1 }] })],
    ['finalizedFeatures.name', () => response(18, 3, { errorCode: 0, apiKeys: [], finalizedFeatures: [{ name: long, maxVersionLevel: 1, minVersionLevel: 0 }] })],
  ];
  it.each(cases)('%s', (field, encode) => {
    const e = thrown(encode);
    expect(e.code).toBe('ERR_USAGE_ARGUMENT');
    expect(e.message).toBe(`${field} is 32768 bytes, above Kafka's limit of 32767`);
  });
  it('accepts a string of exactly 32767 bytes', () => {
    expect((roundTripRequest(17, 1, { mechanism: 'x'.repeat(32767) }) as { mechanism: string }).mechanism).toHaveLength(32767);
  });
  it('topics.topicId in a request and a response', () => {
    const msg = 'topics.topicId must be a uuid as Kafka writes it: 22 base64url characters for 16 bytes';
    expect(() => request(3, 10, { topics: [{ topicId: 'nope', name: 't' }] })).toThrow(msg);
    expect(() => response(3, 10, { brokers: [], topics: [{ errorCode: 0, name: 't', topicId: 'nope', partitions: [] }] })).toThrow(msg);
  });
});
