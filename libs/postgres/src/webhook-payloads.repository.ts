import type { DataSource } from 'typeorm';
import type { Delivery } from '#libs/connectors';
import type { WebhookPayload, WebhookPayloadStore } from '#libs/pipeline';

interface PayloadRow {
  id: string; // bigserial
  source_id: string;
  received_at: Date;
  content_type: string;
  headers: Record<string, string>;
  body: string;
  records: string[];
}

const toPayload = (r: PayloadRow): WebhookPayload => ({
  id: Number(r.id),
  sourceId: r.source_id,
  receivedAt: r.received_at.getTime(),
  contentType: r.content_type,
  headers: r.headers,
  body: r.body,
  records: r.records,
});

// The webhooks connector sources received, as they came less their secrets: only appended, read for
// replays and for the history a mapping reads, pruned by retention (KPI_RETAIN_WEBHOOKS).
export class WebhookPayloadsRepository implements WebhookPayloadStore {
  constructor(private readonly db: DataSource) {}

  async append(payload: Omit<WebhookPayload, 'id'>): Promise<WebhookPayload> {
    const [row] = await this.db.query<PayloadRow[]>(
      `INSERT INTO webhook_payloads (source_id, received_at, content_type, headers, body, records)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [
        payload.sourceId,
        new Date(payload.receivedAt),
        payload.contentType,
        payload.headers,
        payload.body,
        payload.records,
      ],
    );
    if (row === undefined) throw new Error('webhook_payloads: the insert returned no row');
    return toPayload(row);
  }

  async earlier(sourceId: string, records: readonly string[], beforeId: number): Promise<Delivery[]> {
    const rows = await this.db.query<PayloadRow[]>(
      `SELECT * FROM webhook_payloads WHERE source_id = $1 AND records && $2::text[] AND id < $3 ORDER BY id`,
      [sourceId, records, beforeId],
    );
    return rows.map(toPayload);
  }

  async since(sourceId: string, since: Date, afterId: number, limit: number): Promise<WebhookPayload[]> {
    const rows = await this.db.query<PayloadRow[]>(
      `SELECT * FROM webhook_payloads WHERE source_id = $1 AND received_at >= $2 AND id > $3 ORDER BY id LIMIT $4`,
      [sourceId, since, afterId, limit],
    );
    return rows.map(toPayload);
  }
}
