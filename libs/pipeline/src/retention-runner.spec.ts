import { describe, expect, it } from 'vitest';
import {
  RetentionRunner,
  type PruneBatch,
  type PruneResult,
  type RetentionRunnerOptions,
  type RetentionTarget,
} from './retention-runner';
import { until } from './runner-test-support';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');

// A store that answers each target's batches from a script (then 0) and remembers every batch asked.
function fakeStore(script: Partial<Record<RetentionTarget, (PruneResult | number | Error)[]>> = {}) {
  const asked: PruneBatch[] = [];
  return {
    asked,
    prune(batch: PruneBatch): Promise<PruneResult> {
      asked.push({ ...batch });
      const next = script[batch.target]?.shift() ?? 0;
      if (next instanceof Error) return Promise.reject(next);
      return Promise.resolve(typeof next === 'number' ? { deleted: next } : next);
    },
  };
}

function harness(overrides: Partial<RetentionRunnerOptions> & Pick<RetentionRunnerOptions, 'store' | 'policies'>) {
  const pruned: { labels: Record<string, string>; value: number }[] = [];
  const warnings: string[] = [];
  let now = NOW;
  const options: RetentionRunnerOptions = {
    everyMs: 60_000,
    batchSize: 100,
    pauseMs: 0,
    now: () => now,
    metrics: { prunedRows: { inc: (labels, value = 1) => pruned.push({ labels, value }) } },
    logger: { error: (m) => warnings.push(m), warn: (m) => warnings.push(m) },
    ...overrides,
  };
  return { options, pruned, warnings, advance: (ms: number) => (now += ms) };
}

describe('RetentionRunner', () => {
  it('deletes batch after batch until one comes back short, and counts the rows by table', async () => {
    const store = fakeStore({ 'event-log': [100, 100, 37], 'dead-letters': [5] });
    const h = harness({
      store,
      policies: { 'event-log': { keepMs: 6 * HOUR }, 'dead-letters': { keepMs: 24 * HOUR } },
    });
    const runner = RetentionRunner.start(h.options);
    await until(() => store.asked.length === 4);
    await runner.stop();
    expect(store.asked.map((b) => [b.target, b.before.toISOString(), b.limit])).toEqual([
      ['event-log', '2026-12-01T06:00:00.000Z', 100],
      ['event-log', '2026-12-01T06:00:00.000Z', 100],
      ['event-log', '2026-12-01T06:00:00.000Z', 100],
      ['dead-letters', '2026-11-30T12:00:00.000Z', 100],
    ]);
    const total = (table: string) =>
      h.pruned.filter((p) => p.labels.table === table).reduce((sum, p) => sum + p.value, 0);
    expect([total('event-log'), total('dead-letters')]).toEqual([237, 5]);
  });

  it('asks only for the tables this process owns', async () => {
    const store = fakeStore();
    const runner = RetentionRunner.start(harness({ store, policies: { feed: { keepMs: HOUR } } }).options);
    await until(() => store.asked.length === 1);
    await runner.stop();
    expect(store.asked.map((b) => b.target)).toEqual(['feed']);
  });

  it('thins history from the last pass’s cutoff less a step on, not from the beginning again', async () => {
    const store = fakeStore();
    const h = harness({ store, policies: { 'indicator-history': { keepMs: HOUR, stepMs: HOUR / 4 } } });
    const runner = RetentionRunner.start(h.options);
    await until(() => store.asked.length === 1);
    h.advance(10 * 60_000);
    await runner.pass();
    await runner.stop();
    expect(store.asked.map((b) => [b.before.toISOString(), b.after?.toISOString(), b.stepMs])).toEqual([
      ['2026-12-01T11:00:00.000Z', undefined, HOUR / 4],
      // the first pass's cutoff (11:00) less a step: a version kept then may have a successor in its step now
      ['2026-12-01T11:10:00.000Z', '2026-12-01T10:45:00.000Z', HOUR / 4],
    ]);
  });

  it('goes on from where the last batch of a pass reached, not from the oldest kept version', async () => {
    const reached = new Date('2026-12-01T09:30:00Z');
    const store = fakeStore({ 'scorecard-history': [{ deleted: 100, reached }, { deleted: 3 }] });
    const h = harness({ store, policies: { 'scorecard-history': { keepMs: HOUR, stepMs: HOUR } } });
    const runner = RetentionRunner.start(h.options);
    await until(() => store.asked.length === 2);
    await runner.stop();
    expect(store.asked.map((b) => b.after)).toEqual([undefined, reached]);
  });

  it('logs a failed table and goes on with the others; the next pass tries it again from where it was', async () => {
    const store = fakeStore({ 'scorecard-history': [new Error('connection reset')], breaches: [3] });
    const h = harness({
      store,
      policies: { 'scorecard-history': { keepMs: HOUR, stepMs: HOUR }, breaches: { keepMs: 30 * 24 * HOUR } },
    });
    const runner = RetentionRunner.start(h.options);
    await until(() => store.asked.length === 2);
    expect(h.warnings).toEqual([
      'retention of scorecard-history failed, tried again at the next pass: connection reset',
    ]);
    await runner.pass();
    await runner.stop();
    // no pass completed for scorecard history: it is looked at from the beginning again
    expect(store.asked.filter((b) => b.target === 'scorecard-history').map((b) => b.after)).toEqual([
      undefined,
      undefined,
    ]);
    expect(h.pruned.find((p) => p.labels.table === 'breaches')?.value).toBe(3);
  });

  it('stops after the batch under way, and asks for nothing more', async () => {
    let release: (n: number) => void = () => undefined;
    const asked: PruneBatch[] = [];
    const store = {
      prune(batch: PruneBatch): Promise<PruneResult> {
        asked.push(batch);
        return new Promise<PruneResult>((resolve) => (release = (deleted) => resolve({ deleted })));
      },
    };
    const h = harness({ store, policies: { 'event-log': { keepMs: HOUR }, 'dead-letters': { keepMs: HOUR } } });
    const runner = RetentionRunner.start({ ...h.options, everyMs: 1 });
    await until(() => asked.length === 1);
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release(100); // a full batch: there would be more to delete
    await stopping;
    expect(asked.map((b) => b.target)).toEqual(['event-log']);
  });
});
