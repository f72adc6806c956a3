import type { ChannelConfig, RenderedMessage } from '#libs/notify';
import type { Delivery, DeliveryOutbox, DeliveryStatus } from './delivery-runner';

export interface StoredDelivery {
  id: string;
  channel: ChannelConfig;
  message: RenderedMessage;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseUntil: number;
  lease: string | null;
  error: string | null;
  deliveredAt: number | null;
}

// The outbox port in memory, for the runner's specs and the channel tests: the same claim and lease
// rules the Postgres outbox keeps (due, pending, lease run out; outcomes recorded only under the lease).
export class MemoryOutbox implements DeliveryOutbox {
  readonly rows = new Map<string, StoredDelivery>();
  private leases = 0;

  add(id: string, channel: ChannelConfig, message: RenderedMessage, at: number): void {
    this.rows.set(id, {
      id,
      channel,
      message,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      leaseUntil: 0,
      lease: null,
      error: null,
      deliveredAt: null,
    });
  }

  get(id: string): StoredDelivery {
    const row = this.rows.get(id);
    if (row === undefined) throw new Error(`no delivery ${id}`);
    return row;
  }

  claimDue(now: number, limit: number, leaseUntil: number): Promise<Delivery[]> {
    const due = [...this.rows.values()]
      .filter((r) => r.status === 'pending' && r.nextAttemptAt <= now && r.leaseUntil <= now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, limit);
    return Promise.resolve(
      due.map((r) => {
        r.lease = `lease-${++this.leases}`;
        r.leaseUntil = leaseUntil;
        const { id, channel, message, attempts, nextAttemptAt, lease } = r;
        return { id, channel, message, attempts, nextAttemptAt, lease };
      }),
    );
  }

  private held(id: string, lease: string): StoredDelivery | null {
    const row = this.get(id);
    return row.lease === lease && row.status === 'pending' ? row : null;
  }

  delivered(id: string, lease: string, attempts: number, at: number): Promise<void> {
    const row = this.held(id, lease);
    if (row !== null)
      Object.assign(row, { status: 'delivered', attempts, deliveredAt: at, lease: null, leaseUntil: 0 });
    return Promise.resolve();
  }

  retryLater(id: string, lease: string, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    const row = this.held(id, lease);
    if (row !== null) Object.assign(row, { attempts, nextAttemptAt, error, lease: null, leaseUntil: 0 });
    return Promise.resolve();
  }

  failed(id: string, lease: string, attempts: number, error: string): Promise<void> {
    const row = this.held(id, lease);
    if (row !== null) Object.assign(row, { status: 'failed', attempts, error, lease: null, leaseUntil: 0 });
    return Promise.resolve();
  }

  requeue(id: string, now: number): Promise<boolean> {
    const row = this.get(id);
    if (row.status !== 'failed') return Promise.resolve(false);
    Object.assign(row, { status: 'pending', attempts: 0, nextAttemptAt: now, lease: null, leaseUntil: 0 });
    return Promise.resolve(true);
  }
}
