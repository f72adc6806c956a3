// A Kafka wire-protocol test broker: in-process, TCP on 127.0.0.1, a single node, speaking exactly the
// API subset and versions that kafkajs 2.2.4 negotiates, so the real kafkajs producer, admin and consumer
// groups can run in CI without Docker or a Kafka installation.
//
// TEST FIXTURE ONLY. It is never a runtime option of the application: it keeps everything in memory, has
// no replication, no transactions, no retention or compaction, no security, and answers as node 0 for
// everything. Use it from tests:
//
//   const broker = await startTestBroker();
//   const kafka = new Kafka({ clientId: 'test', brokers: broker.brokers });
//   …
//   await broker.close();

import { KafkaTestBroker } from './broker';

export interface TestBroker {
  /** `['127.0.0.1:<port>']`, ready for `new Kafka({ brokers })`. */
  brokers: string[];
  port: number;
  /** Stops listening, drops every connection and all state. */
  close(): Promise<void>;
}

export interface TestBrokerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Partitions of topics created without a count (auto-created, or numPartitions -1). Default 1. */
  defaultPartitions?: number;
  /** Whether Metadata requests may create unknown topics (when the client allows it too). Default true. */
  autoCreateTopics?: boolean;
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const broker = new KafkaTestBroker({
    port: options.port ?? 0,
    defaultPartitions: options.defaultPartitions ?? 1,
    autoCreateTopics: options.autoCreateTopics ?? true,
  });
  await broker.listen();
  return {
    brokers: [`127.0.0.1:${broker.port}`],
    port: broker.port,
    close: () => broker.close(),
  };
}
