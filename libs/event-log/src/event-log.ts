import type { CanonicalEvent } from '#libs/events';

// The durable, append-only log between ingest and the processors. Two implementations: Postgres for
// the embedded default (libs/postgres) and Kafka for scale-out. Offsets only grow, and a reader that
// resumes after offset N never misses an event appended later with a smaller offset.
export interface LogRecord {
  key: string; // the ordering key: org/team (Kafka partitions by it)
  event: CanonicalEvent;
}

export interface LoggedRecord extends LogRecord {
  offset: number;
  appendedAt: Date;
}

// Over Kafka an offset is per topic and partition, named alongside. A repeat of a logged (source, id)
// is a duplicate when its content is the same (eventContent), a conflict otherwise; both carry the
// offset of the copy the log keeps, which is the one that counts.
export type AppendOutcome = {
  status: 'appended' | 'duplicate' | 'conflict';
  offset: number;
  topic?: string;
  partition?: number;
};

// What ingest needs: durable appends.
export interface EventAppender {
  // durable when the promise resolves; one outcome per record, in order. On Postgres the same
  // (source, id) appends once (later copies come back as duplicates or conflicts with the first copy's
  // offset); Kafka appends every copy and the processor's deduplication counts the first.
  append(records: readonly LogRecord[]): Promise<AppendOutcome[]>;
}

export interface EventLog extends EventAppender {
  // records with offset > after, oldest first, at most `limit`
  read(after: number, limit: number): Promise<LoggedRecord[]>;
  // the offset of the newest record (0 when empty): end − committed is a consumer's lag
  endOffset(): Promise<number>;
  committedOffset(consumer: string): Promise<number>;
  commitOffset(consumer: string, offset: number): Promise<void>;
}

// The ordering key of an event: its team within its org, or the org for org-wide events.
export function orderingKey(event: CanonicalEvent): string {
  const team = event.data.teamId;
  return typeof team === 'string' ? `${event.data.orgId}/${team}` : event.data.orgId;
}
