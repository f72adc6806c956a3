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

// A group commits at most this many events; a larger request commits alone.
const GROUP_EVENTS = 10_000;

interface Request {
  records: readonly LogRecord[];
  deadLettersOf: (appended: readonly AppendOutcome[]) => Rejection[];
  resolve: (appended: AppendOutcome[]) => void;
  reject: (err: unknown) => void;
}

// Ingest's commit of each request. On the Postgres log: the events and the dead letters in one
// transaction, so a failure keeps nothing. Over Kafka (`broker`): the dead letters are inserted in a
// transaction that commits only after the brokers acknowledged the events and the dead-letter records;
// a failure keeps nothing in rejected_events, but records already acknowledged by a broker stay there,
// so a retry may repeat them: the processor counts a repeated event once ((source, id)); a dead-letter
// record may then be on the topic twice.
//
// Group commit: appends to the log take its lock one transaction at a time anyway, so requests that
// arrive while a commit is under way wait and then commit together, in one transaction (one lock, one
// flush to disk) as if one after another in arrival order. A group that fails is retried request by
// request, so one request Postgres refuses fails alone. `onCommitted` hears each group's size.
export class PostgresIngestStore implements IngestStore {
  private readonly waiting: Request[] = [];
  private committing = false;

  constructor(
    private readonly db: DataSource,
    private readonly broker?: BrokerLog,
    private readonly onCommitted?: (requests: number, events: number) => void,
  ) {}

  commit(
    records: readonly LogRecord[],
    deadLettersOf: (appended: readonly AppendOutcome[]) => Rejection[],
  ): Promise<AppendOutcome[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ records, deadLettersOf, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.committing) return;
    this.committing = true;
    try {
      for (let group = this.nextGroup(); group.length > 0; group = this.nextGroup()) await this.commitGroup(group);
    } finally {
      this.committing = false;
    }
  }

  // the requests waiting longest, up to GROUP_EVENTS events (at least one request)
  private nextGroup(): Request[] {
    let events = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || events + (this.waiting[n] as Request).records.length <= GROUP_EVENTS))
      events += (this.waiting[n++] as Request).records.length;
    return this.waiting.splice(0, n);
  }

  private async commitGroup(group: readonly Request[]): Promise<void> {
    let outcomes: AppendOutcome[][];
    try {
      outcomes = await this.commitTogether(group);
    } catch (err) {
      if (group.length === 1) (group[0] as Request).reject(err);
      else for (const request of group) await this.commitGroup([request]);
      return;
    }
    this.onCommitted?.(
      group.length,
      group.reduce((n, r) => n + r.records.length, 0),
    );
    group.forEach((request, i) => request.resolve(outcomes[i] as AppendOutcome[]));
  }

  // One transaction: every request's records appended in order (a key repeated by a later request of
  // the group is its duplicate or conflict, as it would be a transaction later), then every dead letter.
  private commitTogether(group: readonly Request[]): Promise<AppendOutcome[][]> {
    const { broker } = this;
    const records = group.flatMap((r) => r.records);
    return this.db.transaction(async (tx) => {
      const appended = broker === undefined ? await appendInTransaction(tx, records) : await broker.append(records);
      let at = 0;
      const outcomes = group.map((r) => appended.slice(at, (at += r.records.length)));
      const dead = group.flatMap((r, i) => r.deadLettersOf(outcomes[i] as AppendOutcome[]));
      await insertRejections(tx, dead);
      if (broker !== undefined) await broker.deadLetter(dead);
      return outcomes;
    });
  }
}
