import { Kafka, logLevel, type Admin } from 'kafkajs';
import { KafkaEventSink } from './kafka-event-sink';
import { ensureTopics, type TopicSettings } from './topics';

export interface KafkaSettings extends TopicSettings {
  brokers: readonly string[];
  clientId: string;
}

// One process's link to Kafka: the client, an admin (topics provisioned at start), ingest's sink.
export class KafkaConnection {
  private constructor(
    readonly kafka: Kafka,
    readonly admin: Admin,
    readonly sink: KafkaEventSink,
  ) {}

  static async open(settings: KafkaSettings): Promise<KafkaConnection> {
    const kafka = new Kafka({
      clientId: settings.clientId,
      brokers: [...settings.brokers],
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 200 }, // transient broker errors: back off and retry
    });
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, settings);
    const sink = await KafkaEventSink.connect(kafka, admin);
    return new KafkaConnection(kafka, admin, sink);
  }

  // readiness: the cluster answers
  async describe(): Promise<{ brokers: number; controller: number | null }> {
    const cluster = await this.admin.describeCluster();
    return { brokers: cluster.brokers.length, controller: cluster.controller };
  }

  async close(): Promise<void> {
    await this.sink.close();
    await this.admin.disconnect();
  }
}
