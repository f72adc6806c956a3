import { afterEach, describe, expect, it } from 'vitest';
import type { IndicatorValue } from '#libs/indicators';
import type { ChangeBatch, Outlet } from './feeds';
import type { Rejection } from './ingest';
import type { Folded } from './processor-engine';
import { ProcessorRunner, type ProcessorSource } from './processor-runner';
import { fakeMetrics, until } from './runner-test-support';

const value = (id: string): IndicatorValue => ({
  indicator: 'support.fcr',
  entity: { level: 'team', id, orgId: 'O1' },
  window: 'month',
  periodStart: 0,
  periodEnd: 1,
  value: 1,
  numerator: 1,
  denominator: 1,
});

const folded = (changes: IndicatorValue[], rejected: Rejection[] = []): Folded => ({
  events: changes.length + rejected.length,
  changes,
  tooLate: 0,
  rejected,
  clock: 1000,
  offset: 7,
});

// A source that folds what the test queues, and records what the runner asks of it.
class FakeSource implements ProcessorSource {
  readonly queue: Folded[] = [];
  readonly flushes: { checkpoint?: boolean; outbox: boolean }[] = [];
  readonly ticks: number[] = [];
  unflushed = 0;
  uncheckpointed = false;
  started = false;
  checkpointBytes = 0;
  restarts = 0;
  failFlushes = 0;
  stopped = false;
  closed = false;

  fold(): Promise<Folded> {
    const next = this.queue.shift();
    if (next === undefined) return Promise.resolve({ ...folded([]), events: 0 });
    this.unflushed += next.changes.length;
    this.started = true;
    return Promise.resolve(next);
  }
  tick(now: number) {
    this.ticks.push(now);
    return { changes: [], clock: now };
  }
  flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void> {
    this.flushes.push(options);
    if (this.failFlushes > 0) {
      this.failFlushes--;
      return Promise.reject(new Error('connection terminated'));
    }
    this.unflushed = 0;
    return Promise.resolve();
  }
  // from the checkpoint: what was folded since is gone
  restart(): Promise<void> {
    this.restarts++;
    this.unflushed = 0;
    return Promise.resolve();
  }
  lagNow = 3;
  lag() {
    return Promise.resolve(this.lagNow);
  }
  stop() {
    this.stopped = true;
    return Promise.resolve();
  }
  close() {
    this.closed = true;
    return Promise.resolve();
  }
}

const quiet = { error: () => undefined, warn: () => undefined };
const runners: ProcessorRunner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.stop();
});

function start(
  source: FakeSource,
  changes: Outlet<ChangeBatch>,
  extra: { tickMs?: number; rejected?: Rejection[] } = {},
) {
  const metrics = fakeMetrics();
  const rejected = extra.rejected ?? [];
  const runner = ProcessorRunner.start({
    source,
    changes,
    rejections: { record: (r) => Promise.resolve(void rejected.push(...r)) },
    metrics,
    logger: quiet,
    now: () => 5000,
    flushMs: 0,
    tickMs: extra.tickMs ?? 0,
    idleMs: 1,
    retryMs: 1,
  });
  runners.push(runner);
  return { runner, metrics, rejected };
}

describe('ProcessorRunner', () => {
  it('hands each fold to scoring at once, writes it behind, and checkpoints on stop', async () => {
    const source = new FakeSource();
    const sent: ChangeBatch[] = [];
    source.checkpointBytes = 4096;
    source.queue.push(folded([value('T1')]), folded([value('T2')]));
    const { runner, metrics } = start(source, { kind: 'send', send: (b) => Promise.resolve(void sent.push(b)) });
    await until(() => sent.length === 2 && source.unflushed === 0);
    expect(sent.map((b) => b.changes[0]?.entity.id)).toEqual(['T1', 'T2']);
    expect(sent[0]).toMatchObject({ clock: 1000, offset: 7 });
    expect(source.flushes.every((f) => f.outbox === false)).toBe(true);
    expect(metrics.values.foldSeconds?.length).toBe(2);
    expect(metrics.values.consumerLag?.slice(0, 2)).toEqual([3, 3]); // read after each fold
    await until(() => (metrics.values.checkpointBytes ?? []).length > 0);
    expect(metrics.values.checkpointBytes?.at(-1)).toBe(4096); // after a flush: the state's size
    runners.splice(0);
    await runner.stop();
    expect(source.flushes.at(-1)).toEqual({ checkpoint: true, outbox: false });
    expect(source.stopped && source.closed).toBe(true);
  });

  it('reads the lag again while idle, so the gauge does not keep a backlog folded since', async () => {
    const source = new FakeSource();
    source.queue.push(folded([value('T1')]));
    const { metrics } = start(source, { kind: 'outbox' });
    await until(() => (metrics.values.consumerLag ?? []).length > 0);
    source.lagNow = 0; // caught up: nothing more to fold
    await until(() => metrics.values.consumerLag?.at(-1) === 0, 3000);
    expect(metrics.values.consumerLag?.[0]).toBe(3);
  });

  it('through the outbox sends nothing: the changes ride the flush', async () => {
    const source = new FakeSource();
    source.queue.push(folded([value('T1')]));
    start(source, { kind: 'outbox' });
    await until(() => source.flushes.length > 0);
    expect(source.flushes[0]).toEqual({ outbox: true });
  });

  it('restarts the source from its checkpoint after a failed write, and goes on', async () => {
    const source = new FakeSource();
    source.failFlushes = 1;
    source.queue.push(folded([value('T1')]));
    start(source, { kind: 'outbox' });
    await until(() => source.restarts === 1);
    source.queue.push(folded([value('T2')]));
    await until(() => source.flushes.length >= 2 && source.unflushed === 0);
  });

  it('does not let a checkpoint pass an announcement that failed: it restarts first', async () => {
    const source = new FakeSource();
    source.queue.push(folded([value('T1')]));
    start(source, { kind: 'send', send: () => Promise.reject(new Error('broker away')) });
    await until(() => source.restarts === 1);
    expect(source.flushes).toEqual([]);
  });

  it('keeps what could not be counted as dead letters, counted by code', async () => {
    const source = new FakeSource();
    const refused: Rejection = {
      field: 'data.value',
      code: 'out_of_scale',
      reason: 'data.value: expected a number from 0 to 100',
      payload: '{}',
    };
    source.queue.push(folded([], [refused]));
    const { metrics, rejected } = start(source, { kind: 'outbox' });
    await until(() => rejected.length === 1);
    expect(rejected[0]).toBe(refused);
    expect(metrics.values.rejectedByCode).toEqual([{ labels: { stage: 'processor', code: 'out_of_scale' }, value: 1 }]);
  });

  it('moves the clock to the wall clock only when idle and started', async () => {
    const source = new FakeSource();
    start(source, { kind: 'outbox' }, { tickMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(source.ticks).toEqual([]); // nothing folded yet: no clock to move
    source.queue.push(folded([value('T1')]));
    await until(() => source.ticks.length > 0);
    expect(source.ticks[0]).toBe(5000);
  });
});
