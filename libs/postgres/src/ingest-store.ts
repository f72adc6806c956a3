import type { DataSource } from 'typeorm';
import type { AppendOutcome, LogRecord } from '#libs/event-log';
import type { IngestStore, Rejection } from '#libs/pipeline';
import { appendInTransaction } from './postgres-event-log';
import { insertRejections } from './rejected-events.repository';

// Where the events go instead of the Postgres log (Kafka): the events, and a dead-letter record per
// rejection; each resolves once the brokers hold them.
export interface BrokerLog {
  append(records: readonly LogRecord[]): Promise<AppendOutcome[]>;
  deadLetter(rejections: readonly Rejection[]): Promise<void>;
}

// Ingest's commit of one request. On the Postgres log: the events and the dead letters in one
// transaction, so a failure keeps nothing. Over Kafka (`broker`): the dead letters are inserted in a
// transaction that commits only after the brokers acknowledged the events and the dead-letter records;
// a failure keeps nothing in rejected_events, but records already acknowledged by a broker stay there,
// so a retry may repeat them: the processor counts a repeated event once ((source, id)); a dead-letter
// record may then be on the topic twice.
export class PostgresIngestStore implements IngestStore {
  constructor(
    private readonly db: DataSource,
    private readonly broker?: BrokerLog,
  ) {}

  async commit(
    records: readonly LogRecord[],
    deadLettersOf: (appended: readonly AppendOutcome[]) => Rejection[],
  ): Promise<AppendOutcome[]> {
    const { broker } = this;
    return this.db.transaction(async (tx) => {
      const appended = broker === undefined ? await appendInTransaction(tx, records) : await broker.append(records);
      const dead = deadLettersOf(appended);
      await insertRejections(tx, dead);
      if (broker !== undefined) await broker.deadLetter(dead);
      return appended;
    });
  }
}
