import type { Consumer, Kafka, Producer } from 'kafkajs';
import { groupBy } from './group-by';

// Kafka topics between the services (indicator changes, scorecard updates, breaches): JSON messages keyed
// by org, so an org's messages stay in order and sit in the partition number of its source events.
export class KafkaFeedWriter {
  constructor(private readonly producer: Producer) {}

  // One message per org, keyed by it: `value` makes it of that org's items, in their order.
  async publishByOrg<T>(
    topic: string,
    items: readonly T[],
    orgOf: (item: T) => string,
    value: (own: T[]) => unknown,
  ): Promise<void> {
    if (items.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      messages: [...groupBy(items, orgOf)].map(([orgId, own]) => ({ key: orgId, value: JSON.stringify(value(own)) })),
    });
  }
}

export interface KafkaFeedReaderOptions<T> {
  kafka: Kafka;
  topic: string;
  // members of one group share the partitions (scoring instances); a group of its own reads them all
  // (each scorecard gateway pushes every update to its own sockets)
  groupId: string;
  sessionTimeoutMs?: number;
  onMessage(value: T, partition: number): void;
  onAssigned?(partitions: readonly number[]): void; // after each rebalance: the partitions now held
  onError(err: unknown): void;
}

// Reads a feed topic from where the group left off (from its end for a new group). A message that is
// not JSON is reported and skipped: it must not stall its partition.
export class KafkaFeedReader {
  private constructor(private readonly consumer: Consumer) {}

  static async open<T>(options: KafkaFeedReaderOptions<T>): Promise<KafkaFeedReader> {
    const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      maxWaitTimeInMs: 100,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      options.onAssigned?.(payload.memberAssignment[options.topic] ?? []);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message, partition }) => {
        const text = message.value?.toString('utf8') ?? '';
        try {
          options.onMessage(JSON.parse(text) as T, partition);
        } catch (err) {
          options.onError(new Error(`${options.topic}[${partition}]@${message.offset} skipped: ${String(err)}`));
        }
        return Promise.resolve();
      },
    });
    return new KafkaFeedReader(consumer);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
