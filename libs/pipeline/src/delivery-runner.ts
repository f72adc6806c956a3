import { redact, secretsOf, type ChannelConfig, type RenderedMessage } from '#libs/notify';
import { errorMessage, type RunnerLogger } from './ports';

// One message to one channel, as the outbox holds it. The claim's lease is the runner's right to send it
// and to record the outcome: a runner whose lease ran out records nothing (another may hold it now).
export interface Delivery {
  id: string;
  channel: ChannelConfig;
  message: RenderedMessage;
  attempts: number; // tries so far
  nextAttemptAt: number; // ms
  lease: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

// Where deliveries wait (the alert_deliveries table, written with the transition in one transaction).
export interface DeliveryOutbox {
  // Pending deliveries due at `now` whose lease (if any) has run out, at most `limit`, leased until
  // `leaseUntil` in the same statement so no two runners hold one.
  claimDue(now: number, limit: number, leaseUntil: number): Promise<Delivery[]>;
  delivered(id: string, lease: string, attempts: number, at: number): Promise<void>;
  retryLater(id: string, lease: string, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  failed(id: string, lease: string, attempts: number, error: string, at: number): Promise<void>;
  // A failed delivery back to pending, due now, its attempts counted from zero; false when it is not failed.
  requeue(id: string, now: number): Promise<boolean>;
}

// Sends one try; throws when the receiver did not take the message (vendor error bodies included).
export interface DeliverySender {
  send(channel: ChannelConfig, message: RenderedMessage, now: number): Promise<void>;
}

export interface DeliveryPolicy {
  baseMs: number; // the first retry waits up to this long
  capMs: number; // no wait is longer
  maxAttempts: number; // after this many tries the delivery is failed
  leaseMs: number; // longer than the sender's timeout, so a lease never runs out mid-send
  batch: number; // deliveries claimed per tick
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  baseMs: 5_000,
  capMs: 15 * 60_000,
  maxAttempts: 8,
  leaseMs: 60_000,
  batch: 50,
};

// Bounded, so a vendor's HTML error page does not fill the table.
export const MAX_ERROR_CHARS = 500;

// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): after
// the n-th failed try, wait a uniformly random time up to min(cap, base · 2^(n−1)), so receivers that
// came back are not hit by every sender at once.
export function retryDelayMs(attempts: number, policy: DeliveryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}

export function errorText(err: unknown, channel: ChannelConfig): string {
  const text = redact(errorMessage(err), secretsOf(channel));
  return text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS - 1)}…`;
}

export interface DeliveryTick {
  delivered: number;
  retried: number;
  failed: number;
}

export interface DeliveryRunnerOptions {
  policy?: Partial<DeliveryPolicy>;
  clock?: () => number;
  random?: () => number;
  logger?: RunnerLogger;
  onRound?: (tick: DeliveryTick) => void; // once per round, however many callers shared it (metrics)
}

// Takes due deliveries from the outbox, sends them, and records each outcome: delivered, a retry
// after a backoff, or failed after the last try. Receivers dedupe by the message's idempotency key, so
// a crash after a send and before its record costs a duplicate send, never a lost message.
export class DeliveryRunner {
  readonly policy: DeliveryPolicy;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly inFlight = new Set<string>();
  private ticking: Promise<DeliveryTick> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly outbox: DeliveryOutbox,
    private readonly sender: DeliverySender,
    private readonly options: DeliveryRunnerOptions = {},
  ) {
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  // One round: claim what is due and send it all. Overlapping calls share the round under way.
  tick(): Promise<DeliveryTick> {
    this.ticking ??= this.round().finally(() => (this.ticking = null));
    return this.ticking;
  }

  // A failed delivery, tried again from its first attempt at the next tick.
  retryByHand(id: string): Promise<boolean> {
    return this.outbox.requeue(id, this.clock());
  }

  start(pollMs: number): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.options.logger?.error(`delivery round failed: ${errorMessage(err)}`));
    }, pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
  }

  private async round(): Promise<DeliveryTick> {
    const now = this.clock();
    const claimed = await this.outbox.claimDue(now, this.policy.batch, now + this.policy.leaseMs);
    const result: DeliveryTick = { delivered: 0, retried: 0, failed: 0 };
    // a delivery still in flight here (its lease ran out mid-send) is not sent a second time
    const fresh = claimed.filter((d) => !this.inFlight.has(d.id));
    await Promise.all(fresh.map(async (d) => (result[await this.attempt(d)] += 1)));
    this.options.onRound?.(result);
    return result;
  }

  private async attempt(d: Delivery): Promise<keyof DeliveryTick> {
    this.inFlight.add(d.id);
    try {
      const attempts = d.attempts + 1;
      try {
        await this.sender.send(d.channel, d.message, this.clock());
      } catch (err) {
        const error = errorText(err, d.channel);
        const now = this.clock();
        if (attempts >= this.policy.maxAttempts) {
          await this.outbox.failed(d.id, d.lease, attempts, error, now);
          this.options.logger?.warn(`delivery ${d.id} (${d.channel.kind}) failed after ${attempts} tries: ${error}`);
          return 'failed';
        }
        await this.outbox.retryLater(
          d.id,
          d.lease,
          attempts,
          now + retryDelayMs(attempts, this.policy, this.random),
          error,
        );
        return 'retried';
      }
      await this.outbox.delivered(d.id, d.lease, attempts, this.clock());
      return 'delivered';
    } finally {
      this.inFlight.delete(d.id);
    }
  }
}
