import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RenderedMessage } from '#libs/notify';
import type { Delivery, DeliveryOutbox } from '#libs/pipeline';
import { openChannel, type StoredChannel } from './alert-rows';
import type { SecretBox } from './secret-box';

const iso = (ms: number): string => new Date(ms).toISOString();

interface ClaimedRow {
  id: string;
  org_id: string;
  channel: StoredChannel;
  message: RenderedMessage;
  attempts: number;
  next_attempt_at: Date;
  lease: string;
}

// The delivery outbox on alert_deliveries (written with the transitions in one transaction). A claim
// picks due rows, skipping those another runner has locked, and leases them in the same statement; an
// outcome is recorded only under the lease it was claimed with.
export class PostgresDeliveryOutbox implements DeliveryOutbox {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox, // opens the subscriptions' channels (alert-rows.ts)
  ) {}

  async claimDue(now: number, limit: number, leaseUntil: number): Promise<Delivery[]> {
    // an UPDATE answers [rows, count]
    const [rows] = await this.db.query<[ClaimedRow[], number]>(
      `UPDATE alert_deliveries d SET lease = $3, lease_until = $4, updated_at = now()
         FROM (SELECT id FROM alert_deliveries
                WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) due,
              alert_subscriptions s
        WHERE d.id = due.id AND s.id = d.subscription_id
        RETURNING d.id::text AS id, s.org_id, s.channel, d.message, d.attempts, d.next_attempt_at, d.lease`,
      [iso(now), limit, randomUUID(), iso(leaseUntil)],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: this.opened(r),
      message: r.message,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at.getTime(),
      lease: r.lease,
    }));
  }

  // the start checks every channel opens (sealClearChannels): only a key changed since fails here
  private opened(r: ClaimedRow): Delivery['channel'] {
    const channel = openChannel(this.box, r.org_id, r.channel);
    if (channel === undefined) throw new Error(`delivery ${r.id}: KPI_SECRETS_KEY does not open its channel`);
    return channel;
  }

  async delivered(id: string, lease: string, attempts: number, at: number): Promise<void> {
    await this.db.query(
      `UPDATE alert_deliveries SET status = 'delivered', attempts = $3, delivered_at = $4, last_error = NULL,
         lease = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND lease = $2 AND status = 'pending'`,
      [id, lease, attempts, iso(at)],
    );
  }

  async retryLater(id: string, lease: string, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE alert_deliveries SET attempts = $3, next_attempt_at = $4, last_error = $5,
         lease = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND lease = $2 AND status = 'pending'`,
      [id, lease, attempts, iso(nextAttemptAt), error],
    );
  }

  async failed(id: string, lease: string, attempts: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE alert_deliveries SET status = 'failed', attempts = $3, last_error = $4,
         lease = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND lease = $2 AND status = 'pending'`,
      [id, lease, attempts, error],
    );
  }

  async requeue(id: string, now: number): Promise<boolean> {
    const [rows] = await this.db.query<[unknown[], number]>(
      `UPDATE alert_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2,
         lease = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND status = 'failed' RETURNING id`,
      [id, iso(now)],
    );
    return rows.length > 0;
  }
}
