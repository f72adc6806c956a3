import { Partitioners, type Admin, type Message, type PartitionerArgs, type Producer } from 'kafkajs';
import type { AppendOutcome, EventAppender, LogRecord } from '#libs/event-log';
import { groupBy, type Rejection } from '#libs/pipeline';
import { SOURCE_TOPICS, sourceTopicOf, TOPICS } from './topics';

type PartitionMetadata = PartitionerArgs['partitionMetadata'];

// Ingest's appends over Kafka: an idempotent producer, acks from all in-sync replicas; the promise
// resolves once Kafka has acknowledged, so HTTP acknowledges only what Kafka holds. Messages are keyed
// by org; the partition is computed here with Kafka's default (murmur2) partitioner, the one a Java
// producer publishing straight into the topics uses too, so each message's offset can be reported.
export class KafkaEventSink implements EventAppender {
  private readonly partition: (args: PartitionerArgs) => number = Partitioners.DefaultPartitioner();

  private constructor(
    private readonly producer: Producer,
    private readonly partitions: ReadonlyMap<string, PartitionMetadata>,
  ) {}

  static async connect(producer: Producer, admin: Admin): Promise<KafkaEventSink> {
    const topics = [...SOURCE_TOPICS, TOPICS.deadLetter];
    const metadata = await admin.fetchTopicMetadata({ topics });
    const partitions = new Map(metadata.topics.map((t) => [t.name, t.partitions]));
    return new KafkaEventSink(producer, partitions);
  }

  async append(records: readonly LogRecord[]): Promise<AppendOutcome[]> {
    if (records.length === 0) return [];
    const placed = records.map((r) => {
      const topic = sourceTopicOf(r.event.type);
      const message: Message = { key: r.event.data.orgId, value: JSON.stringify(r.event) };
      return { topic, message: { ...message, partition: this.partitionOf(topic, message) } };
    });
    return this.send(placed);
  }

  // Dead letters: the raw payload, keyed by source; the reason, and the field and code to count and
  // act on, as headers.
  async deadLetter(rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length === 0) return;
    await this.send(
      rejections.map((r) => {
        const headers: Record<string, string> = { reason: r.reason };
        if (r.field !== undefined) headers['field'] = r.field;
        if (r.code !== undefined) headers['code'] = r.code;
        if (r.eventId !== undefined) headers['event-id'] = r.eventId;
        const message: Message = { key: r.source ?? null, value: r.payload, headers };
        return {
          topic: TOPICS.deadLetter,
          message: { ...message, partition: this.partitionOf(TOPICS.deadLetter, message) },
        };
      }),
    );
  }

  private partitionOf(topic: string, message: Message): number {
    const partitionMetadata = this.partitions.get(topic);
    if (partitionMetadata === undefined) throw new Error(`topic ${topic} is missing: its metadata was not loaded`);
    return this.partition({ topic, partitionMetadata, message });
  }

  private async send(placed: { topic: string; message: Message & { partition: number } }[]): Promise<AppendOutcome[]> {
    const answers = await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...groupBy(placed, (p) => p.topic)].map(([topic, own]) => ({
        topic,
        messages: own.map((p) => p.message),
      })),
    });
    // a partition's messages are appended in the order sent, from its base offset on
    const next = new Map(answers.map((a) => [`${a.topicName}/${a.partition}`, Number(a.baseOffset ?? 0)]));
    return placed.map(({ topic, message }) => {
      const key = `${topic}/${message.partition}`;
      const offset = next.get(key) ?? 0;
      next.set(key, offset + 1);
      return { status: 'appended', offset, topic, partition: message.partition };
    });
  }
}
