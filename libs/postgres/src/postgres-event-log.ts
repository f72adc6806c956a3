import type { DataSource, EntityManager } from 'typeorm';
import type { AppendOutcome, EventLog, LoggedRecord, LogRecord } from '#libs/event-log';
import { eventContent, utcTimestamp, type CanonicalEvent } from '#libs/events';

// Appends hold a transaction-scoped advisory lock, so offsets are assigned and committed in one order:
// without it, a reader resuming after offset N could miss a slower transaction's offset N − 1.
const APPEND_LOCK = 7_240_001;

interface Row {
  offset: string; // bigint comes back as text
  key: string;
  event: CanonicalEvent;
  appended_ms: number; // epoch ms: a number decodes far cheaper than a timestamptz's text, on every row read
}

const pairKey = (source: string, id: string): string => JSON.stringify([source, id]);

export class PostgresEventLog implements EventLog {
  constructor(private readonly db: DataSource) {}

  async append(records: readonly LogRecord[]): Promise<AppendOutcome[]> {
    if (records.length === 0) return [];
    return this.db.transaction((tx) => appendInTransaction(tx, records));
  }

  async read(after: number, limit: number): Promise<LoggedRecord[]> {
    const rows: Row[] = await this.db.query(
      `SELECT "offset", key, event, (extract(epoch FROM appended_at) * 1000)::float8 AS appended_ms
       FROM event_log WHERE "offset" > $1 ORDER BY "offset" LIMIT $2`,
      [after, limit],
    );
    return rows.map((row) => ({
      offset: Number(row.offset),
      key: row.key,
      event: row.event,
      appendedAt: new Date(row.appended_ms),
    }));
  }

  async endOffset(): Promise<number> {
    const [row] = await this.db.query<{ end: string }[]>(`SELECT coalesce(max("offset"), 0) AS end FROM event_log`);
    return Number(row?.end ?? 0);
  }

  async committedOffset(consumer: string): Promise<number> {
    const [row] = await this.db.query<
      {
        offset: string;
      }[]
    >(`SELECT "offset" FROM consumer_offsets WHERE consumer = $1`, [consumer]);
    return row === undefined ? 0 : Number(row.offset);
  }

  async commitOffset(consumer: string, offset: number): Promise<void> {
    await this.db.query(
      `INSERT INTO consumer_offsets (consumer, "offset") VALUES ($1, $2)
       ON CONFLICT (consumer) DO UPDATE SET "offset" = excluded."offset", updated_at = now()`,
      [consumer, offset],
    );
  }
}

// Appends within the caller's transaction (ingest commits its dead letters in the same one): the lock
// is held until that transaction ends. One outcome per record, in order.
export async function appendInTransaction(tx: EntityManager, records: readonly LogRecord[]): Promise<AppendOutcome[]> {
  if (records.length === 0) return [];
  await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
  const inserted: { offset: string; source: string; event_id: string }[] = await tx.query(
    `INSERT INTO event_log (key, source, event_id, event_time, event)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[])
     ON CONFLICT (source, event_id) DO NOTHING
     RETURNING "offset", source, event_id`,
    [
      records.map((r) => r.key),
      records.map((r) => r.event.source),
      records.map((r) => r.event.id),
      records.map((r) => utcTimestamp(r.event.time)), // the instant in UTC, whatever offset was sent
      records.map((r) => JSON.stringify(r.event)),
    ],
  );
  const offsets = new Map(inserted.map((row) => [pairKey(row.source, row.event_id), Number(row.offset)]));
  const fresh = new Set(offsets.keys());
  // the content each key is logged with: for a key appended now, its first copy in this batch
  const logged = new Map<string, CanonicalEvent>();
  for (const r of records) {
    const k = pairKey(r.event.source, r.event.id);
    if (fresh.has(k) && !logged.has(k)) logged.set(k, r.event);
  }
  const earlier = records.filter((r) => !offsets.has(pairKey(r.event.source, r.event.id)));
  if (earlier.length > 0) {
    const found: { offset: string; source: string; event_id: string; event: CanonicalEvent }[] = await tx.query(
      `SELECT "offset", source, event_id, event FROM event_log
       WHERE (source, event_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [earlier.map((r) => r.event.source), earlier.map((r) => r.event.id)],
    );
    for (const row of found) {
      offsets.set(pairKey(row.source, row.event_id), Number(row.offset));
      logged.set(pairKey(row.source, row.event_id), row.event);
    }
  }
  return records.map((r): AppendOutcome => {
    const k = pairKey(r.event.source, r.event.id);
    const offset = offsets.get(k) as number;
    // the first copy in this batch is the one appended; later copies are repeats of it
    if (fresh.delete(k)) return { status: 'appended', offset };
    const same = eventContent(logged.get(k) as CanonicalEvent) === eventContent(r.event);
    return { status: same ? 'duplicate' : 'conflict', offset };
  });
}
