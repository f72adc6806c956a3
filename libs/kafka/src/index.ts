export { CoPartitionedAssigner } from './co-partitioned-assigner';
export { KafkaEventSink } from './kafka-event-sink';
export { KafkaIndicatorConsumer, type KafkaConsumerOptions } from './kafka-indicator-consumer';
export { ensureTopics, SOURCE_TOPICS, sourceTopicOf, TOPICS, type TopicSettings } from './topics';
export { KafkaConnection, type KafkaSettings } from './kafka-connection';
