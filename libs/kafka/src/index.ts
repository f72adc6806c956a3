export { CoPartitionedAssigner } from './co-partitioned-assigner';
export { KafkaEventSink } from './kafka-event-sink';
export { KafkaIndicatorConsumer, type KafkaConsumerOptions } from './kafka-indicator-consumer';
export { ensureTopics, partitionOfOrg, SOURCE_TOPICS, sourceTopicOf, TOPICS, type TopicSettings } from './topics';
export { KafkaConnection, type KafkaSettings } from './kafka-connection';
export { KafkaFeedReader, KafkaFeedWriter, type KafkaFeedReaderOptions } from './kafka-feed';
