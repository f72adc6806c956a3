export { CoPartitionedAssigner } from './co-partitioned-assigner';
export { KafkaEventSink } from './kafka-event-sink';
export { KafkaPartitionSource, type KafkaPartitionSourceOptions } from './kafka-partition-source';
export { ensureTopics, partitionOfOrg, SOURCE_TOPICS, sourceTopicOf, TOPICS, type TopicSettings } from './topics';
export { KafkaConnection, type KafkaSettings } from './kafka-connection';
export { KafkaFeedTransport } from './kafka-feed';
