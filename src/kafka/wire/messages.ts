/**
 * The bodies of the Kafka messages an authenticating connection exchanges, with every field of every version
 * (clients/src/main/resources/common/message/{ApiVersions,SaslHandshake,SaslAuthenticate,Metadata}{Request,Response}.json).
 * Names are Kafka's camelCase field names; a field a version lacks is optional; bytes are Uint8Array, int64 a
 * number, a uuid the base64url text Kafka's `Uuid.toString()` writes.
 * @module
 */

/**
 * A tagged field (KIP-482) this codec does not know: kept as read, written back by the encoder.
 * @category Kafka wire
 */
export interface TaggedField {
  readonly tag: number;
  readonly data: Uint8Array;
}

/**
 * Tagged fields an object carried that the codec does not know.
 * @category Kafka wire
 */
export interface UnknownTaggedFields {
  unknownTaggedFields?: TaggedField[];
}

/**
 * Request header v0–v2 (RequestHeader.json); a null client id reads as `""` (RequestHeader.parse).
 * @category Kafka wire
 */
export interface RequestHeader extends UnknownTaggedFields {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  /** Absent in header v0; null on the wire is read as `""`, as Kafka's broker does. */
  clientId: string | null;
}

/**
 * Response header v0–v1 (ResponseHeader.json).
 * @category Kafka wire
 */
export interface ResponseHeader extends UnknownTaggedFields {
  correlationId: number;
}

/**
 * ApiVersionsRequest v0–v4.
 * @category Kafka wire
 */
export interface ApiVersionsRequest extends UnknownTaggedFields {
  /** v3+. */
  clientSoftwareName?: string;
  /** v3+. */
  clientSoftwareVersion?: string;
}

/**
 * One api's version range in an ApiVersionsResponse.
 * @category Kafka wire
 */
export interface ApiVersion extends UnknownTaggedFields {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * A feature in ApiVersionsResponse.supportedFeatures (v3+, tag 0).
 * @category Kafka wire
 */
export interface SupportedFeatureKey extends UnknownTaggedFields {
  name: string;
  minVersion: number;
  maxVersion: number;
}

/**
 * A feature in ApiVersionsResponse.finalizedFeatures (v3+, tag 2).
 * @category Kafka wire
 */
export interface FinalizedFeatureKey extends UnknownTaggedFields {
  name: string;
  maxVersionLevel: number;
  minVersionLevel: number;
}

/**
 * ApiVersionsResponse v0–v4.
 * @category Kafka wire
 */
export interface ApiVersionsResponse extends UnknownTaggedFields {
  errorCode: number;
  apiKeys: ApiVersion[];
  /** v1+. */
  throttleTimeMs?: number;
  /** v3+, tagged (tag 0); empty by default. */
  supportedFeatures?: SupportedFeatureKey[];
  /** v3+, tagged (tag 1); default -1. */
  finalizedFeaturesEpoch?: number;
  /** v3+, tagged (tag 2); empty by default. */
  finalizedFeatures?: FinalizedFeatureKey[];
  /** v3+, tagged (tag 3); default false. */
  zkMigrationReady?: boolean;
}

/**
 * SaslHandshakeRequest v0–v1.
 * @category Kafka wire
 */
export interface SaslHandshakeRequest extends UnknownTaggedFields {
  mechanism: string;
}

/**
 * SaslHandshakeResponse v0–v1.
 * @category Kafka wire
 */
export interface SaslHandshakeResponse extends UnknownTaggedFields {
  errorCode: number;
  mechanisms: string[];
}

/**
 * SaslAuthenticateRequest v0–v2.
 * @category Kafka wire
 */
export interface SaslAuthenticateRequest extends UnknownTaggedFields {
  authBytes: Uint8Array;
}

/**
 * SaslAuthenticateResponse v0–v2.
 * @category Kafka wire
 */
export interface SaslAuthenticateResponse extends UnknownTaggedFields {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Uint8Array;
  /** v1+; default 0. */
  sessionLifetimeMs?: number;
}

/**
 * A topic in a MetadataRequest.
 * @category Kafka wire
 */
export interface MetadataRequestTopic extends UnknownTaggedFields {
  /** v10+; the zero uuid `AAAAAAAAAAAAAAAAAAAAAA` by default. */
  topicId?: string;
  /** Nullable from v10. */
  name: string | null;
}

/**
 * MetadataRequest v0–v12.
 * @category Kafka wire
 */
export interface MetadataRequest extends UnknownTaggedFields {
  /** Null (v1+) asks for all topics; in v0 an empty list does. */
  topics: MetadataRequestTopic[] | null;
  /** v4+; default true. */
  allowAutoTopicCreation?: boolean;
  /** v8–v10. */
  includeClusterAuthorizedOperations?: boolean;
  /** v8+. */
  includeTopicAuthorizedOperations?: boolean;
}

/**
 * A broker in a MetadataResponse.
 * @category Kafka wire
 */
export interface MetadataResponseBroker extends UnknownTaggedFields {
  nodeId: number;
  host: string;
  port: number;
  /** v1+; nullable. */
  rack?: string | null;
}

/**
 * A partition in a MetadataResponse topic.
 * @category Kafka wire
 */
export interface MetadataResponsePartition extends UnknownTaggedFields {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  /** v7+; default -1. */
  leaderEpoch?: number;
  replicaNodes: number[];
  isrNodes: number[];
  /** v5+. */
  offlineReplicas?: number[];
}

/**
 * A topic in a MetadataResponse.
 * @category Kafka wire
 */
export interface MetadataResponseTopic extends UnknownTaggedFields {
  errorCode: number;
  /** Nullable from v12. */
  name: string | null;
  /** v10+. */
  topicId?: string;
  /** v1+; default false. */
  isInternal?: boolean;
  partitions: MetadataResponsePartition[];
  /** v8+; default -2147483648. */
  topicAuthorizedOperations?: number;
}

/**
 * MetadataResponse v0–v12.
 * @category Kafka wire
 */
export interface MetadataResponse extends UnknownTaggedFields {
  /** v3+. */
  throttleTimeMs?: number;
  brokers: MetadataResponseBroker[];
  /** v2+; nullable. */
  clusterId?: string | null;
  /** v1+; default -1. */
  controllerId?: number;
  topics: MetadataResponseTopic[];
  /** v8–v10; default -2147483648. */
  clusterAuthorizedOperations?: number;
}

/**
 * A request body of the apis this codec speaks.
 * @category Kafka wire
 */
export type RequestBody = ApiVersionsRequest | SaslHandshakeRequest | SaslAuthenticateRequest | MetadataRequest;
/**
 * A response body of the apis this codec speaks.
 * @category Kafka wire
 */
export type ResponseBody = ApiVersionsResponse | SaslHandshakeResponse | SaslAuthenticateResponse | MetadataResponse;
