import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import {
  BY_ORG,
  type FeedHandler,
  type FeedMessages,
  type FeedName,
  type Outlet,
  type SubscribeOptions,
  type Subscription,
  type Transport,
} from '#libs/pipeline';
import { partitionOfOrg, TOPICS } from './topics';

// The feeds between services as Kafka topics: JSON messages keyed by org, so an org's messages stay in
// order and sit in the partition number of its source events. Published definitions are stored in
// Postgres and travel through its feed, never here.
const FEED_TOPICS: Readonly<Record<Exclude<FeedName, 'definitions'>, string>> = {
  'indicator-changes': TOPICS.indicatorChanges,
  'scorecard-updates': TOPICS.scorecardUpdates,
  alerts: TOPICS.alerts,
};

function topicOf(feed: FeedName): string {
  if (feed === 'definitions') throw new Error('published definitions travel through Postgres, not Kafka');
  return FEED_TOPICS[feed];
}

export class KafkaFeedTransport implements Transport {
  constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly partitions: number,
    private readonly sessionTimeoutMs: number,
  ) {}

  // Sent once every in-sync replica has it; one message per org.
  outlet<F extends FeedName>(feed: F): Outlet<FeedMessages[F]> {
    const topic = topicOf(feed);
    const split = BY_ORG[feed] as (message: FeedMessages[F]) => [string | null, FeedMessages[F]][];
    return {
      kind: 'send',
      send: async (message) => {
        const messages = split(message).map(([key, own]) => ({ key, value: JSON.stringify(own) }));
        if (messages.length > 0) await this.producer.send({ topic, acks: -1, messages });
      },
    };
  }

  // shared: the consumer's instances form one group and share the partitions (told which orgs they
  // hold after each rebalance); every: each instance is a group of its own and reads them all.
  subscribe<F extends FeedName>(
    feed: F,
    handler: FeedHandler<FeedMessages[F]>,
    options: SubscribeOptions,
  ): Promise<Subscription> {
    const shared = options.mode === 'shared';
    const { onOwnership } = options;
    return KafkaFeedReader.open<FeedMessages[F]>({
      kafka: this.kafka,
      topic: topicOf(feed),
      groupId: shared ? `kpi-pulse-${options.consumer}` : `kpi-pulse-${options.consumer}-${randomUUID()}`,
      sessionTimeoutMs: this.sessionTimeoutMs,
      onMessage: handler,
      onError: options.onError,
      ...(shared && onOwnership !== undefined
        ? {
            onAssigned: (held: readonly number[]) => {
              const partitions = new Set(held);
              onOwnership((orgId) => partitions.has(partitionOfOrg(orgId, this.partitions)));
            },
          }
        : {}),
    });
  }
}

interface KafkaFeedReaderOptions<T> {
  kafka: Kafka;
  topic: string;
  // members of one group share the partitions (scoring instances); a group of its own reads them all
  // (each scorecard gateway pushes every update to its own sockets)
  groupId: string;
  sessionTimeoutMs?: number;
  onMessage(value: T): Promise<void> | void;
  onAssigned?(partitions: readonly number[]): void; // after each rebalance: the partitions now held
  onError(err: unknown): void;
}

// Reads a feed topic from where the group left off (from its end for a new group), a partition's
// messages in order. A message that is not JSON is reported and skipped: it must not stall its partition.
class KafkaFeedReader implements Subscription {
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
      eachMessage: async ({ message, partition }) => {
        const text = message.value?.toString('utf8') ?? '';
        try {
          await options.onMessage(JSON.parse(text) as T);
        } catch (err) {
          options.onError(new Error(`${options.topic}[${partition}]@${message.offset} skipped: ${String(err)}`));
        }
      },
    });
    return new KafkaFeedReader(consumer);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}
