// API keys, error codes and the versions the test broker advertises (test fixture only).

/**
 * The APIs the broker implements: [name, api key, min version, max version]. One version per API
 * (ApiVersions: 0–2, because a client probes it before it knows anything). Each is the highest version
 * kafkajs 2.2.4 implements and none is a flexible (tagged-field) version, so kafkajs negotiates exactly
 * these and every request header is the classic v1 header (api key, version, correlation id, client id).
 */
const API_TABLE = [
  ['Produce', 0, 7, 7],
  ['Fetch', 1, 11, 11],
  ['ListOffsets', 2, 3, 3],
  ['Metadata', 3, 6, 6],
  ['OffsetCommit', 8, 5, 5],
  ['OffsetFetch', 9, 4, 4],
  ['FindCoordinator', 10, 2, 2],
  ['JoinGroup', 11, 5, 5],
  ['Heartbeat', 12, 3, 3],
  ['LeaveGroup', 13, 3, 3],
  ['SyncGroup', 14, 3, 3],
  ['DescribeGroups', 15, 2, 2],
  ['ApiVersions', 18, 0, 2],
  ['CreateTopics', 19, 3, 3],
  ['InitProducerId', 22, 1, 1],
] as const;

export type ApiName = (typeof API_TABLE)[number][0];

export interface ApiSpec {
  name: ApiName;
  key: number;
  minVersion: number;
  maxVersion: number;
}

export const APIS: readonly ApiSpec[] = API_TABLE.map(([name, key, minVersion, maxVersion]) => ({
  name,
  key,
  minVersion,
  maxVersion,
}));

export const API_BY_KEY: ReadonlyMap<number, ApiSpec> = new Map(APIS.map((api) => [api.key, api]));

export const API_VERSIONS_KEY = 18;

export const ErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  INVALID_TOPIC_EXCEPTION: 17,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  MEMBER_ID_REQUIRED: 79,
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Kafka's legal topic names: up to 249 of [a-zA-Z0-9._-], and not "." or "..". */
export function isValidTopicName(name: string): boolean {
  return /^[a-zA-Z0-9._-]{1,249}$/.test(name) && name !== '.' && name !== '..';
}
