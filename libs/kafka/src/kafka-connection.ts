import { Kafka, logLevel, Partitioners, type Admin, type LogEntry, type Producer } from 'kafkajs';
import { PartitionProcessor, type PartitionProcessorOptions } from '#libs/pipeline';
import { KafkaEventSink } from './kafka-event-sink';
import { KafkaFeedTransport } from './kafka-feed';
import { KafkaPartitionSource } from './kafka-partition-source';
import { ensureTopics, SOURCE_TOPICS, type TopicSettings } from './topics';

export interface KafkaSettings extends TopicSettings {
  brokers: readonly string[];
  clientId: string;
  sessionTimeoutMs?: number; // of the consumer groups
}

const MERGE_IDLE_MS = 200; // how long a quiet source topic holds back the others' later events

// One process's link to Kafka: the client, an admin (topics provisioned at start), one idempotent
// producer behind ingest's sink and the feeds between services, and the processors' source.
export class KafkaConnection {
  readonly transport: KafkaFeedTransport;

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly producer: Producer,
    readonly sink: KafkaEventSink,
    readonly partitions: number, // of every topic
    private readonly sessionTimeoutMs: number,
  ) {
    this.transport = new KafkaFeedTransport(kafka, producer, partitions, sessionTimeoutMs);
  }

  static async open(settings: KafkaSettings): Promise<KafkaConnection> {
    const kafka = new Kafka({
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      logLevel: logLevel.WARN,
      logCreator: () => writeLogEntry,
      retry: { retries: 8, initialRetryTime: 200 }, // transient broker errors: back off and retry
    });
    const admin = kafka.admin();
    await admin.connect();
    const partitions = await ensureTopics(admin, settings);
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner, // Java's murmur2, as a Java producer keys them
    });
    await producer.connect();
    const sink = await KafkaEventSink.connect(producer, admin);
    return new KafkaConnection(kafka, admin, producer, sink, partitions, settings.sessionTimeoutMs ?? 30_000);
  }

  // The source topics' partitions this member of the processors' group holds, an engine each.
  partitionSource(
    options: Pick<PartitionProcessorOptions, 'name' | 'store' | 'definitions' | 'checkpointEvery' | 'time' | 'roster'>,
  ): Promise<KafkaPartitionSource> {
    return KafkaPartitionSource.open({
      kafka: this.kafka,
      groupId: 'kpi-pulse-indicator-processors',
      processor: new PartitionProcessor({ ...options, topics: SOURCE_TOPICS, idleMs: MERGE_IDLE_MS }),
      definitions: options.definitions,
      ...(options.time === undefined ? {} : { time: options.time }),
      sessionTimeoutMs: this.sessionTimeoutMs,
    });
  }

  // readiness: the cluster answers
  async describe(): Promise<{ brokers: number; controller: number | null }> {
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}

// Left out: kafkajs logs a group rebalance, routine when instances come and go, as an error; and it
// warns that bounded retries of an idempotent producer "may invalidate EoS guarantees" (after the last
// retry ingest answers 503, the sender posts again, and the processors drop the repeat by event id).
// The rest goes to stderr as one JSON line, like the services' own logs.
function writeLogEntry({ level, namespace, log }: LogEntry): void {
  const { message, timestamp, ...extra } = log;
  if (/rebalanc/i.test(`${message} ${String(extra.error)}`) || extra.type === 'REBALANCE_IN_PROGRESS') return;
  if (message.startsWith('Limiting retries for the idempotent producer')) return;
  const name = level === logLevel.ERROR ? 'error' : level === logLevel.WARN ? 'warn' : 'info';
  process.stderr.write(
    `${JSON.stringify({ time: timestamp, level: name, context: `kafkajs ${namespace}`, msg: message, ...extra })}\n`,
  );
}
