/**
 * The bodies of ApiVersions (18), SaslHandshake (17), SaslAuthenticate (36) and Metadata (3), read and written at
 * every version their message definitions give (clients/src/main/resources/common/message/*.json), field by field
 * in the definitions' order. A field a version lacks is left out when reading and not written; a tagged field
 * (KIP-482) is written only when it differs from its default, as Kafka's generated `write` does.
 * @module
 */
import type { Reader, Writer } from './bytes.js';
import type {
  ApiVersion, ApiVersionsRequest, ApiVersionsResponse, FinalizedFeatureKey, MetadataRequest, MetadataRequestTopic, MetadataResponse,
  MetadataResponseBroker, MetadataResponsePartition, MetadataResponseTopic, SaslAuthenticateRequest, SaslAuthenticateResponse,
  SaslHandshakeRequest, SaslHandshakeResponse, SupportedFeatureKey, TaggedField,
} from './messages.js';

/** The zero uuid (Uuid.ZERO_UUID), the default of every topicId. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** The default of the authorized-operations bitfields (Integer.MIN_VALUE: "not requested"). */
const AUTHORIZED_OPERATIONS_DEFAULT = -2147483648;

/** One api's codec: version ranges and the four directions. */
export interface ApiCodec {
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly firstFlexibleVersion: number;
  readRequest(r: Reader, version: number, flexible: boolean): object;
  writeRequest(w: Writer, body: object, version: number, flexible: boolean): void;
  readResponse(r: Reader, version: number, flexible: boolean): object;
  writeResponse(w: Writer, body: object, version: number, flexible: boolean): void;
}

function tags(r: Reader, flexible: boolean, into: { unknownTaggedFields?: TaggedField[] }): void {
  if (!flexible) return;
  const list = r.taggedFields();
  if (list !== undefined) into.unknownTaggedFields = list;
}

function writeTags(w: Writer, flexible: boolean, from: { unknownTaggedFields?: TaggedField[] }): void {
  if (flexible) w.taggedFields(from.unknownTaggedFields);
}

function int32Array(r: Reader, flexible: boolean, field: string): number[] {
  const n = r.arrayLength(flexible, field, false);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = r.int32(field);
  return out;
}

function writeInt32Array(w: Writer, values: readonly number[] | undefined, flexible: boolean): void {
  const list = values ?? [];
  w.arrayLength(list.length, flexible);
  for (const v of list) w.int32(v);
}

// --- ApiVersions (ApiVersionsRequest.json, ApiVersionsResponse.json) ---

function readApiVersionsRequest(r: Reader, version: number, flexible: boolean): ApiVersionsRequest {
  const body: ApiVersionsRequest = {};
  if (version >= 3) {
    body.clientSoftwareName = r.string(flexible, 'clientSoftwareName');
    body.clientSoftwareVersion = r.string(flexible, 'clientSoftwareVersion');
  }
  tags(r, flexible, body);
  return body;
}

function writeApiVersionsRequest(w: Writer, body: ApiVersionsRequest, version: number, flexible: boolean): void {
  if (version >= 3) {
    w.string(body.clientSoftwareName ?? '', flexible, 'clientSoftwareName');
    w.string(body.clientSoftwareVersion ?? '', flexible, 'clientSoftwareVersion');
  }
  writeTags(w, flexible, body);
}

function readApiVersionsResponse(r: Reader, version: number, flexible: boolean): ApiVersionsResponse {
  const errorCode = r.int16('errorCode');
  const n = r.arrayLength(flexible, 'apiKeys', false);
  const apiKeys: ApiVersion[] = new Array<ApiVersion>(n);
  for (let i = 0; i < n; i++) {
    const v: ApiVersion = { apiKey: r.int16('apiKeys.apiKey'), minVersion: r.int16('apiKeys.minVersion'), maxVersion: r.int16('apiKeys.maxVersion') };
    tags(r, flexible, v);
    apiKeys[i] = v;
  }
  const body: ApiVersionsResponse = { errorCode, apiKeys };
  if (version >= 1) body.throttleTimeMs = r.int32('throttleTimeMs');
  if (flexible) {
    const count = r.uvarint('tagged field count');
    for (let i = 0; i < count; i++) {
      const tag = r.uvarint('tag');
      const size = r.uvarint('tagged field size');
      switch (tag) {
        case 0: {
          const m = r.arrayLength(true, 'supportedFeatures', false);
          const list: SupportedFeatureKey[] = [];
          for (let j = 0; j < m; j++) {
            const f: SupportedFeatureKey = { name: r.string(true, 'supportedFeatures.name'), minVersion: r.int16('supportedFeatures.minVersion'), maxVersion: r.int16('supportedFeatures.maxVersion') };
            tags(r, true, f);
            list.push(f);
          }
          if (list.length > 0) body.supportedFeatures = list;
          else delete body.supportedFeatures;
          break;
        }
        case 1: {
          const epoch = r.int64('finalizedFeaturesEpoch');
          if (epoch !== -1) body.finalizedFeaturesEpoch = epoch;
          else delete body.finalizedFeaturesEpoch;
          break;
        }
        case 2: {
          const m = r.arrayLength(true, 'finalizedFeatures', false);
          const list: FinalizedFeatureKey[] = [];
          for (let j = 0; j < m; j++) {
            const f: FinalizedFeatureKey = {
              name: r.string(true, 'finalizedFeatures.name'), maxVersionLevel: r.int16('finalizedFeatures.maxVersionLevel'), minVersionLevel: r.int16('finalizedFeatures.minVersionLevel'),
            };
            tags(r, true, f);
            list.push(f);
          }
          if (list.length > 0) body.finalizedFeatures = list;
          else delete body.finalizedFeatures;
          break;
        }
        case 3:
          if (r.bool('zkMigrationReady')) body.zkMigrationReady = true;
          else delete body.zkMigrationReady;
          break;
        default:
          body.unknownTaggedFields = r.unknownTag(body.unknownTaggedFields, tag, size);
      }
    }
  }
  return body;
}

function writeApiVersionsResponse(w: Writer, body: ApiVersionsResponse, version: number, flexible: boolean): void {
  w.int16(body.errorCode);
  w.arrayLength(body.apiKeys.length, flexible);
  for (const v of body.apiKeys) {
    w.int16(v.apiKey);
    w.int16(v.minVersion);
    w.int16(v.maxVersion);
    writeTags(w, flexible, v);
  }
  if (version >= 1) w.int32(body.throttleTimeMs ?? 0);
  if (!flexible) return;
  // Known tags differing from their default, merged with the unknown ones in tag order.
  const sections: { tag: number; write: ((w: Writer) => void) | null; data: Uint8Array | null }[] = [];
  const supported = body.supportedFeatures ?? [];
  if (supported.length > 0) {
    sections.push({ tag: 0, data: null, write: (x) => {
      x.arrayLength(supported.length, true);
      for (const f of supported) { x.string(f.name, true, 'supportedFeatures.name'); x.int16(f.minVersion); x.int16(f.maxVersion); x.taggedFields(f.unknownTaggedFields); }
    } });
  }
  const epoch = body.finalizedFeaturesEpoch ?? -1;
  if (epoch !== -1) sections.push({ tag: 1, data: null, write: (x) => x.int64(epoch) });
  const finalized = body.finalizedFeatures ?? [];
  if (finalized.length > 0) {
    sections.push({ tag: 2, data: null, write: (x) => {
      x.arrayLength(finalized.length, true);
      for (const f of finalized) { x.string(f.name, true, 'finalizedFeatures.name'); x.int16(f.maxVersionLevel); x.int16(f.minVersionLevel); x.taggedFields(f.unknownTaggedFields); }
    } });
  }
  if (body.zkMigrationReady === true) sections.push({ tag: 3, data: null, write: (x) => x.bool(true) });
  for (const f of body.unknownTaggedFields ?? []) sections.push({ tag: f.tag, data: f.data, write: null });
  sections.sort((a, b) => a.tag - b.tag);
  w.uvarint(sections.length);
  for (const s of sections) {
    w.uvarint(s.tag);
    if (s.data !== null) {
      w.uvarint(s.data.length);
      w.raw(s.data);
    } else {
      // A tagged field's size precedes it: write it apart, then copy (rare: only features lists).
      const start = w.pos;
      s.write!(w);
      const data = w.buf.slice(start, w.pos);
      w.pos = start;
      w.uvarint(data.length);
      w.raw(data);
    }
  }
}

// --- SaslHandshake (SaslHandshakeRequest.json, SaslHandshakeResponse.json): never flexible ---

function readSaslHandshakeRequest(r: Reader): SaslHandshakeRequest {
  return { mechanism: r.string(false, 'mechanism') };
}

function writeSaslHandshakeRequest(w: Writer, body: SaslHandshakeRequest): void {
  w.string(body.mechanism, false, 'mechanism');
}

function readSaslHandshakeResponse(r: Reader): SaslHandshakeResponse {
  const errorCode = r.int16('errorCode');
  const n = r.arrayLength(false, 'mechanisms', false);
  const mechanisms = new Array<string>(n);
  for (let i = 0; i < n; i++) mechanisms[i] = r.string(false, 'mechanisms');
  return { errorCode, mechanisms };
}

function writeSaslHandshakeResponse(w: Writer, body: SaslHandshakeResponse): void {
  w.int16(body.errorCode);
  w.arrayLength(body.mechanisms.length, false);
  for (const m of body.mechanisms) w.string(m, false, 'mechanisms');
}

// --- SaslAuthenticate (SaslAuthenticateRequest.json, SaslAuthenticateResponse.json) ---

function readSaslAuthenticateRequest(r: Reader, _version: number, flexible: boolean): SaslAuthenticateRequest {
  const body: SaslAuthenticateRequest = { authBytes: r.byteArray(flexible, 'authBytes') };
  tags(r, flexible, body);
  return body;
}

function writeSaslAuthenticateRequest(w: Writer, body: SaslAuthenticateRequest, _version: number, flexible: boolean): void {
  w.bytes(body.authBytes, flexible);
  writeTags(w, flexible, body);
}

function readSaslAuthenticateResponse(r: Reader, version: number, flexible: boolean): SaslAuthenticateResponse {
  const errorCode = r.int16('errorCode');
  const errorMessage = r.nullableString(flexible, 'errorMessage');
  const authBytes = r.byteArray(flexible, 'authBytes');
  const body: SaslAuthenticateResponse = { errorCode, errorMessage, authBytes };
  if (version >= 1) body.sessionLifetimeMs = r.int64('sessionLifetimeMs');
  tags(r, flexible, body);
  return body;
}

function writeSaslAuthenticateResponse(w: Writer, body: SaslAuthenticateResponse, version: number, flexible: boolean): void {
  w.int16(body.errorCode);
  w.string(body.errorMessage, flexible, 'errorMessage');
  w.bytes(body.authBytes, flexible);
  if (version >= 1) w.int64(body.sessionLifetimeMs ?? 0);
  writeTags(w, flexible, body);
}

// --- Metadata (MetadataRequest.json, MetadataResponse.json) ---

function readMetadataRequest(r: Reader, version: number, flexible: boolean): MetadataRequest {
  const n = r.arrayLength(flexible, 'topics', version >= 1);
  let topics: MetadataRequestTopic[] | null = null;
  if (n >= 0) {
    topics = new Array<MetadataRequestTopic>(n);
    for (let i = 0; i < n; i++) {
      const topicId = version >= 10 ? r.uuid('topics.topicId') : undefined;
      const name = version >= 10 ? r.nullableString(flexible, 'topics.name') : r.string(flexible, 'topics.name');
      const t: MetadataRequestTopic = topicId === undefined ? { name } : { topicId, name };
      tags(r, flexible, t);
      topics[i] = t;
    }
  }
  const body: MetadataRequest = { topics };
  if (version >= 4) body.allowAutoTopicCreation = r.bool('allowAutoTopicCreation');
  if (version >= 8 && version <= 10) body.includeClusterAuthorizedOperations = r.bool('includeClusterAuthorizedOperations');
  if (version >= 8) body.includeTopicAuthorizedOperations = r.bool('includeTopicAuthorizedOperations');
  tags(r, flexible, body);
  return body;
}

function writeMetadataRequest(w: Writer, body: MetadataRequest, version: number, flexible: boolean): void {
  // v0 has no null list: an empty one asks for all topics there.
  const topics = body.topics === null && version === 0 ? [] : body.topics;
  w.arrayLength(topics === null ? null : topics.length, flexible);
  for (const t of topics ?? []) {
    if (version >= 10) w.uuid(t.topicId ?? ZERO_UUID, 'topics.topicId');
    w.string(version >= 10 ? t.name : t.name ?? '', flexible, 'topics.name');
    writeTags(w, flexible, t);
  }
  if (version >= 4) w.bool(body.allowAutoTopicCreation ?? true);
  if (version >= 8 && version <= 10) w.bool(body.includeClusterAuthorizedOperations ?? false);
  if (version >= 8) w.bool(body.includeTopicAuthorizedOperations ?? false);
  writeTags(w, flexible, body);
}

function readMetadataResponse(r: Reader, version: number, flexible: boolean): MetadataResponse {
  const throttleTimeMs = version >= 3 ? r.int32('throttleTimeMs') : undefined;
  const nb = r.arrayLength(flexible, 'brokers', false);
  const brokers = new Array<MetadataResponseBroker>(nb);
  for (let i = 0; i < nb; i++) {
    const b: MetadataResponseBroker = { nodeId: r.int32('brokers.nodeId'), host: r.string(flexible, 'brokers.host'), port: r.int32('brokers.port') };
    if (version >= 1) b.rack = r.nullableString(flexible, 'brokers.rack');
    tags(r, flexible, b);
    brokers[i] = b;
  }
  const body: MetadataResponse = throttleTimeMs === undefined ? { brokers, topics: [] } : { throttleTimeMs, brokers, topics: [] };
  if (version >= 2) body.clusterId = r.nullableString(flexible, 'clusterId');
  if (version >= 1) body.controllerId = r.int32('controllerId');
  const nt = r.arrayLength(flexible, 'topics', false);
  for (let i = 0; i < nt; i++) {
    const errorCode = r.int16('topics.errorCode');
    const name = version >= 12 ? r.nullableString(flexible, 'topics.name') : r.string(flexible, 'topics.name');
    const t: MetadataResponseTopic = { errorCode, name, partitions: [] };
    if (version >= 10) t.topicId = r.uuid('topics.topicId');
    if (version >= 1) t.isInternal = r.bool('topics.isInternal');
    const np = r.arrayLength(flexible, 'topics.partitions', false);
    for (let j = 0; j < np; j++) {
      const p: MetadataResponsePartition = {
        errorCode: r.int16('partitions.errorCode'), partitionIndex: r.int32('partitions.partitionIndex'), leaderId: r.int32('partitions.leaderId'),
        replicaNodes: [], isrNodes: [],
      };
      if (version >= 7) p.leaderEpoch = r.int32('partitions.leaderEpoch');
      p.replicaNodes = int32Array(r, flexible, 'partitions.replicaNodes');
      p.isrNodes = int32Array(r, flexible, 'partitions.isrNodes');
      if (version >= 5) p.offlineReplicas = int32Array(r, flexible, 'partitions.offlineReplicas');
      tags(r, flexible, p);
      t.partitions.push(p);
    }
    if (version >= 8) t.topicAuthorizedOperations = r.int32('topics.topicAuthorizedOperations');
    tags(r, flexible, t);
    body.topics.push(t);
  }
  if (version >= 8 && version <= 10) body.clusterAuthorizedOperations = r.int32('clusterAuthorizedOperations');
  tags(r, flexible, body);
  return body;
}

function writeMetadataResponse(w: Writer, body: MetadataResponse, version: number, flexible: boolean): void {
  if (version >= 3) w.int32(body.throttleTimeMs ?? 0);
  w.arrayLength(body.brokers.length, flexible);
  for (const b of body.brokers) {
    w.int32(b.nodeId);
    w.string(b.host, flexible, 'brokers.host');
    w.int32(b.port);
    if (version >= 1) w.string(b.rack ?? null, flexible, 'brokers.rack');
    writeTags(w, flexible, b);
  }
  if (version >= 2) w.string(body.clusterId ?? null, flexible, 'clusterId');
  if (version >= 1) w.int32(body.controllerId ?? -1);
  w.arrayLength(body.topics.length, flexible);
  for (const t of body.topics) {
    w.int16(t.errorCode);
    w.string(version >= 12 ? t.name : t.name ?? '', flexible, 'topics.name');
    if (version >= 10) w.uuid(t.topicId ?? ZERO_UUID, 'topics.topicId');
    if (version >= 1) w.bool(t.isInternal ?? false);
    w.arrayLength(t.partitions.length, flexible);
    for (const p of t.partitions) {
      w.int16(p.errorCode);
      w.int32(p.partitionIndex);
      w.int32(p.leaderId);
      if (version >= 7) w.int32(p.leaderEpoch ?? -1);
      writeInt32Array(w, p.replicaNodes, flexible);
      writeInt32Array(w, p.isrNodes, flexible);
      if (version >= 5) writeInt32Array(w, p.offlineReplicas, flexible);
      writeTags(w, flexible, p);
    }
    if (version >= 8) w.int32(t.topicAuthorizedOperations ?? AUTHORIZED_OPERATIONS_DEFAULT);
    writeTags(w, flexible, t);
  }
  if (version >= 8 && version <= 10) w.int32(body.clusterAuthorizedOperations ?? AUTHORIZED_OPERATIONS_DEFAULT);
  writeTags(w, flexible, body);
}

/** The four apis, by key. */
export const API_CODECS: ReadonlyMap<number, ApiCodec> = new Map<number, ApiCodec>([
  [3, {
    name: 'Metadata', minVersion: 0, maxVersion: 12, firstFlexibleVersion: 9,
    readRequest: readMetadataRequest, writeRequest: (w, b, v, f) => writeMetadataRequest(w, b as MetadataRequest, v, f),
    readResponse: readMetadataResponse, writeResponse: (w, b, v, f) => writeMetadataResponse(w, b as MetadataResponse, v, f),
  }],
  [17, {
    name: 'SaslHandshake', minVersion: 0, maxVersion: 1, firstFlexibleVersion: -1,
    readRequest: readSaslHandshakeRequest, writeRequest: (w, b) => writeSaslHandshakeRequest(w, b as SaslHandshakeRequest),
    readResponse: readSaslHandshakeResponse, writeResponse: (w, b) => writeSaslHandshakeResponse(w, b as SaslHandshakeResponse),
  }],
  [18, {
    name: 'ApiVersions', minVersion: 0, maxVersion: 4, firstFlexibleVersion: 3,
    readRequest: readApiVersionsRequest, writeRequest: (w, b, v, f) => writeApiVersionsRequest(w, b as ApiVersionsRequest, v, f),
    readResponse: readApiVersionsResponse, writeResponse: (w, b, v, f) => writeApiVersionsResponse(w, b as ApiVersionsResponse, v, f),
  }],
  [36, {
    name: 'SaslAuthenticate', minVersion: 0, maxVersion: 2, firstFlexibleVersion: 2,
    readRequest: readSaslAuthenticateRequest, writeRequest: (w, b, v, f) => writeSaslAuthenticateRequest(w, b as SaslAuthenticateRequest, v, f),
    readResponse: readSaslAuthenticateResponse, writeResponse: (w, b, v, f) => writeSaslAuthenticateResponse(w, b as SaslAuthenticateResponse, v, f),
  }],
]);
