import { Kafka, logLevel, Partitioners, type Admin, type LogEntry, type Producer } from 'kafkajs';
import { KafkaEventSink } from './kafka-event-sink';
import { KafkaFeedWriter } from './kafka-feed';
import { ensureTopics, partitionOfOrg, type TopicSettings } from './topics';

export interface KafkaSettings extends TopicSettings {
  brokers: readonly string[];
  clientId: string;
}

// One process's link to Kafka: the client, an admin (topics provisioned at start), and one idempotent
// producer behind ingest's sink and the feeds between services.
export class KafkaConnection {
  private constructor(
    readonly kafka: Kafka,
    readonly admin: Admin,
    private readonly producer: Producer,
    readonly sink: KafkaEventSink,
    readonly feed: KafkaFeedWriter,
    readonly partitions: number, // of every topic
  ) {}

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
    return new KafkaConnection(kafka, admin, producer, sink, new KafkaFeedWriter(producer), partitions);
  }

  partitionOf(orgId: string): number {
    return partitionOfOrg(orgId, this.partitions);
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
