import type { DataSource, EntityManager } from 'typeorm';
import type { RejectionCode } from '#libs/definitions';
import type { Rejection } from '#libs/pipeline';

// The dead letters of ingest: what was rejected, the field and code, why, and the raw payload, never dropped.

// field and code: absent on rows from before they were kept
export interface StoredRejection extends Omit<Rejection, 'field' | 'code'>, Partial<Pick<Rejection, 'field' | 'code'>> {
  id: number;
  receivedAt: Date;
}

export class RejectedEventsRepository {
  constructor(private readonly db: DataSource) {}

  async record(rejections: readonly Rejection[]): Promise<void> {
    await insertRejections(this.db, rejections);
  }

  async latest(limit: number): Promise<StoredRejection[]> {
    const rows: {
      id: string;
      received_at: Date;
      source: string | null;
      event_id: string | null;
      field: string | null;
      code: string | null;
      reason: string;
      payload: string;
    }[] = await this.db.query(`SELECT * FROM rejected_events ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map((r) => {
      const stored: StoredRejection = {
        id: Number(r.id),
        receivedAt: r.received_at,
        reason: r.reason,
        payload: r.payload,
      };
      if (r.source !== null) stored.source = r.source;
      if (r.event_id !== null) stored.eventId = r.event_id;
      if (r.field !== null) stored.field = r.field;
      // written from a RejectionCode by record()
      if (r.code !== null) stored.code = r.code as RejectionCode;
      return stored;
    });
  }
}

// Inserts dead letters on the given connection or within the given transaction (ingest commits them with
// the events of the same request).
export async function insertRejections(
  db: Pick<DataSource | EntityManager, 'query'>,
  rejections: readonly Rejection[],
): Promise<void> {
  if (rejections.length === 0) return;
  await db.query(
    `INSERT INTO rejected_events (source, event_id, field, code, reason, payload)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])`,
    [
      rejections.map((r) => r.source ?? null),
      rejections.map((r) => r.eventId ?? null),
      rejections.map((r) => r.field),
      rejections.map((r) => r.code),
      rejections.map((r) => r.reason),
      rejections.map((r) => r.payload),
    ],
  );
}
