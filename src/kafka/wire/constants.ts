/**
 * Kafka protocol constants the wire codec and the connection machines share: api keys (ApiKeys.java), error codes
 * (Errors.java), and every size limit with its reason.
 * @module
 */

/**
 * The api keys this library speaks (clients/src/main/resources/common/message/*Request.json `apiKey`).
 * @category Kafka wire
 */
export const API_KEY = { METADATA: 3, SASL_HANDSHAKE: 17, API_VERSIONS: 18, SASL_AUTHENTICATE: 36 } as const;

/**
 * Kafka error codes (org.apache.kafka.common.protocol.Errors) the authenticating connection uses.
 * @category Kafka wire
 */
export const ERROR_CODE = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  INVALID_REQUEST: 42,
  SASL_AUTHENTICATION_FAILED: 58,
} as const;

/**
 * Kafka's `sasl.server.max.receive.size` default (BrokerSecurityConfigs.DEFAULT_SASL_SERVER_MAX_RECEIVE_SIZE): the
 * largest frame a broker reads from a connection that has not authenticated yet.
 * @category Kafka wire
 */
export const SASL_SERVER_MAX_RECEIVE_SIZE = 524_288;

/**
 * Largest frame the client machine accepts from a broker: Kafka's clients take any int32 size, but a Metadata
 * answer for one broker and a few topics is far smaller; 16 MiB bounds a hostile broker's allocation.
 * @category Kafka wire
 */
export const CLIENT_MAX_RECEIVE_SIZE = 16 * 1024 * 1024;

/**
 * Kafka's broker default `connections.max.idle.ms` (10 minutes, SocketServerConfigs).
 * @category Kafka wire
 */
export const DEFAULT_IDLE_TIMEOUT_MS = 600_000;

/**
 * Kafka's client default `request.timeout.ms` (CommonClientConfigs, 30 seconds).
 * @category Kafka wire
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Most elements a decoded array may announce before its elements are read: a count above the bytes left in the
 * frame is refused at once (each element takes at least one byte), so a 4-byte count cannot make us allocate.
 */
export const BYTES_PER_ARRAY_ELEMENT_MIN = 1;

/**
 * Every api key Kafka defines, its name and its first flexible (KIP-482) version, or -1 for none: the request
 * header version of any request follows from it (ApiMessageType.requestHeaderVersion), which is what lets the broker
 * read the header of a request it does not serve and name it when it closes.
 * @category Kafka wire
 */
export const API_TABLE: ReadonlyArray<readonly [apiKey: number, name: string, firstFlexibleVersion: number]> = [
  [0, 'Produce', 9],
  [1, 'Fetch', 12],
  [2, 'ListOffsets', 6],
  [3, 'Metadata', 9],
  [4, 'LeaderAndIsr', 4],
  [5, 'StopReplica', 2],
  [6, 'UpdateMetadata', 6],
  [7, 'ControlledShutdown', 3],
  [8, 'OffsetCommit', 8],
  [9, 'OffsetFetch', 6],
  [10, 'FindCoordinator', 3],
  [11, 'JoinGroup', 6],
  [12, 'Heartbeat', 4],
  [13, 'LeaveGroup', 4],
  [14, 'SyncGroup', 4],
  [15, 'DescribeGroups', 5],
  [16, 'ListGroups', 3],
  [17, 'SaslHandshake', -1],
  [18, 'ApiVersions', 3],
  [19, 'CreateTopics', 5],
  [20, 'DeleteTopics', 4],
  [21, 'DeleteRecords', 2],
  [22, 'InitProducerId', 2],
  [23, 'OffsetForLeaderEpoch', 4],
  [24, 'AddPartitionsToTxn', 3],
  [25, 'AddOffsetsToTxn', 3],
  [26, 'EndTxn', 3],
  [27, 'WriteTxnMarkers', 1],
  [28, 'TxnOffsetCommit', 3],
  [29, 'DescribeAcls', 2],
  [30, 'CreateAcls', 2],
  [31, 'DeleteAcls', 2],
  [32, 'DescribeConfigs', 4],
  [33, 'AlterConfigs', 2],
  [34, 'AlterReplicaLogDirs', 2],
  [35, 'DescribeLogDirs', 2],
  [36, 'SaslAuthenticate', 2],
  [37, 'CreatePartitions', 2],
  [38, 'CreateDelegationToken', 2],
  [39, 'RenewDelegationToken', 2],
  [40, 'ExpireDelegationToken', 2],
  [41, 'DescribeDelegationToken', 2],
  [42, 'DeleteGroups', 2],
  [43, 'ElectLeaders', 2],
  [44, 'IncrementalAlterConfigs', 1],
  [45, 'AlterPartitionReassignments', 0],
  [46, 'ListPartitionReassignments', 0],
  [47, 'OffsetDelete', -1],
  [48, 'DescribeClientQuotas', 1],
  [49, 'AlterClientQuotas', 1],
  [50, 'DescribeUserScramCredentials', 0],
  [51, 'AlterUserScramCredentials', 0],
  [52, 'Vote', 0],
  [53, 'BeginQuorumEpoch', 1],
  [54, 'EndQuorumEpoch', 1],
  [55, 'DescribeQuorum', 0],
  [56, 'AlterPartition', 0],
  [57, 'UpdateFeatures', 0],
  [58, 'Envelope', 0],
  [59, 'FetchSnapshot', 0],
  [60, 'DescribeCluster', 0],
  [61, 'DescribeProducers', 0],
  [62, 'BrokerRegistration', 0],
  [63, 'BrokerHeartbeat', 0],
  [64, 'UnregisterBroker', 0],
  [65, 'DescribeTransactions', 0],
  [66, 'ListTransactions', 0],
  [67, 'AllocateProducerIds', 0],
  [68, 'ConsumerGroupHeartbeat', 0],
  [69, 'ConsumerGroupDescribe', 0],
  [70, 'ControllerRegistration', 0],
  [71, 'GetTelemetrySubscriptions', 0],
  [72, 'PushTelemetry', 0],
  [73, 'AssignReplicasToDirs', 0],
  [74, 'ListClientMetricsResources', 0],
  [75, 'DescribeTopicPartitions', 0],
  [76, 'ShareGroupHeartbeat', 0],
  [77, 'ShareGroupDescribe', 0],
  [78, 'ShareFetch', 0],
  [79, 'ShareAcknowledge', 0],
  [80, 'AddRaftVoter', 0],
  [81, 'RemoveRaftVoter', 0],
  [82, 'UpdateRaftVoter', 0],
  [83, 'InitializeShareGroupState', 0],
  [84, 'ReadShareGroupState', 0],
  [85, 'WriteShareGroupState', 0],
  [86, 'DeleteShareGroupState', 0],
  [87, 'ReadShareGroupStateSummary', 0],
];

const API_NAMES = new Map(API_TABLE.map(([key, name]) => [key, name]));
const FIRST_FLEXIBLE = new Map(API_TABLE.map(([key, , flexible]) => [key, flexible]));

/**
 * Kafka's name of an api key (`Metadata`, `SaslHandshake`), or `api key N` for one Kafka does not define.
 * @example
 * ```ts
 * apiName(17); // 'SaslHandshake'
 * apiName(36); // 'SaslAuthenticate'
 * ```
 * @category Kafka wire
 */
export function apiName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `api key ${apiKey}`;
}

/** The first flexible version of an api, -1 when it has none, undefined for an api key Kafka does not define. */
export function firstFlexibleVersion(apiKey: number): number | undefined {
  return FIRST_FLEXIBLE.get(apiKey);
}
