import { describe, expect, it } from 'vitest';
import type { ChannelConfig, RenderedMessage } from '#libs/notify';
import {
  DeliveryRunner,
  MAX_ERROR_CHARS,
  retryDelayMs,
  type DeliveryPolicy,
  type DeliverySender,
} from './delivery-runner';
import { MemoryOutbox } from './delivery-test-support';

const SECRET = 'whsec-0123456789abcdef';
const HOOK_URL = 'https://hooks.example.com/in';
const channel: ChannelConfig = { kind: 'webhook', url: HOOK_URL, secret: SECRET };
const message: RenderedMessage = { kind: 'http', key: 'k1', payload: { hello: 'world' } };
const policy: Partial<DeliveryPolicy> = { baseMs: 1000, capMs: 8000, maxAttempts: 4, leaseMs: 30_000 };

// A receiver that fails its first `failures` tries, counting each send.
function flakySender(failures: number, error = 'HTTP 503: busy'): DeliverySender & { sends: number[] } {
  const sends: number[] = [];
  return {
    sends,
    send(_c, _m, now) {
      sends.push(now);
      return sends.length <= failures ? Promise.reject(new Error(error)) : Promise.resolve();
    },
  };
}

function setup(sender: DeliverySender, random = () => 0.5) {
  let now = 1_000_000;
  const outbox = new MemoryOutbox();
  outbox.add('d1', channel, message, now);
  const runner = new DeliveryRunner(outbox, sender, { policy, clock: () => now, random });
  return { outbox, runner, advance: (ms: number) => (now += ms), now: () => now };
}

describe('retry delays: exponential backoff with full jitter', () => {
  const full: DeliveryPolicy = { baseMs: 1000, capMs: 8000, maxAttempts: 10, leaseMs: 1, batch: 1 };

  it('waits up to base·2^(n−1), capped, scaled by the random draw', () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, full, () => 0.999999))).toEqual([
      999, 1999, 3999, 7999, 7999, 7999,
    ]);
    expect(retryDelayMs(3, full, () => 0.5)).toBe(2000);
    expect(retryDelayMs(3, full, () => 0)).toBe(0);
  });
});

describe('the delivery runner', () => {
  it('sends a due delivery once and records it delivered', async () => {
    const sender = flakySender(0);
    const { outbox, runner, now } = setup(sender);
    expect(await runner.tick()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(outbox.get('d1')).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: now() });
    expect(await runner.tick()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(sender.sends).toHaveLength(1);
  });

  it('retries after the backoff, not before, and delivers once the receiver recovers', async () => {
    const sender = flakySender(3);
    const { outbox, runner, advance } = setup(sender);
    await runner.tick();
    // attempt 1 failed: next try in 0.5 · 1000 ms
    expect(outbox.get('d1')).toMatchObject({ status: 'pending', attempts: 1, error: 'HTTP 503: busy' });
    const firstRetryAt = outbox.get('d1').nextAttemptAt;
    advance(499);
    expect(await runner.tick()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    advance(1);
    expect(outbox.get('d1').nextAttemptAt).toBe(firstRetryAt);
    expect(await runner.tick()).toMatchObject({ retried: 1 });
    advance(1000); // 0.5 · 2000
    expect(await runner.tick()).toMatchObject({ retried: 1 });
    advance(2000); // 0.5 · 4000
    expect(await runner.tick()).toMatchObject({ delivered: 1 });
    expect(sender.sends).toHaveLength(4);
    expect(outbox.get('d1')).toMatchObject({ status: 'delivered', attempts: 4 });
  });

  it('fails after the last try with a bounded, redacted error; re-queued by hand it is sent again', async () => {
    const long = `refused by ${HOOK_URL} with secret ${SECRET} ${'x'.repeat(2000)}`;
    const sender = flakySender(4, long);
    const { outbox, runner, advance } = setup(sender, () => 0);
    for (let i = 0; i < 4; i++) await runner.tick();
    const failed = outbox.get('d1');
    expect(failed).toMatchObject({ status: 'failed', attempts: 4 });
    expect(failed.error?.length).toBe(MAX_ERROR_CHARS);
    expect(failed.error).not.toContain(SECRET);
    expect(failed.error).not.toContain('hooks.example.com/in');
    expect(failed.error).toMatch(/^refused by \*\*\* with secret \*\*\*/);
    advance(3_600_000);
    expect(await runner.tick()).toEqual({ delivered: 0, retried: 0, failed: 0 });

    expect(await runner.retryByHand('d1')).toBe(true);
    expect(await runner.retryByHand('d1')).toBe(false); // pending again, not failed
    expect(await runner.tick()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(outbox.get('d1')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(sender.sends).toHaveLength(5);
  });

  it('never sends one delivery twice at once: overlapping ticks and a second runner see the lease', async () => {
    let release: () => void = () => undefined;
    const sends: string[] = [];
    const slow: DeliverySender = {
      send(_c, m) {
        sends.push(m.key);
        return new Promise((resolve) => (release = resolve));
      },
    };
    const { outbox, runner } = setup(slow);
    const other = new DeliveryRunner(outbox, slow, { policy, clock: () => 1_000_000 });
    const first = runner.tick();
    const overlapping = runner.tick();
    await Promise.resolve();
    expect(await other.tick()).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(sends).toEqual(['k1']);
    release();
    expect(await first).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(await overlapping).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(outbox.get('d1').status).toBe('delivered');
  });

  it('a runner whose lease ran out records nothing over the runner that holds the delivery now', async () => {
    let now = 0;
    const outbox = new MemoryOutbox();
    outbox.add('d1', channel, message, 0);
    const [stale] = await outbox.claimDue(0, 1, 10);
    now = 11;
    const fresh = new DeliveryRunner(outbox, flakySender(1), { policy, clock: () => now, random: () => 0.5 });
    await fresh.tick(); // the new holder's try failed: a retry is scheduled
    await outbox.delivered('d1', stale?.lease ?? '', 1, now);
    expect(outbox.get('d1')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('reports each round once to onRound, however many callers shared it', async () => {
    const rounds: unknown[] = [];
    const outbox = new MemoryOutbox();
    outbox.add('d1', channel, message, 0);
    const runner = new DeliveryRunner(outbox, flakySender(0), {
      policy,
      clock: () => 0,
      onRound: (tick) => rounds.push(tick),
    });
    await Promise.all([runner.tick(), runner.tick(), runner.tick()]);
    expect(rounds).toEqual([{ delivered: 1, retried: 0, failed: 0 }]);
  });
});
