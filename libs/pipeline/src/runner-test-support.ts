import type { RunnerMetrics } from './ports';

type Recorded = Record<string, unknown[]>;

// Metrics that remember what the runners reported, for the runners' specs.
export function fakeMetrics(): RunnerMetrics & { values: Recorded } {
  const values: Recorded = {};
  const push = (name: string, v: unknown) => (values[name] ??= []).push(v);
  const histogram = (name: string) => ({ observe: (v: number) => push(name, v) });
  const counter = (name: string) => ({
    inc: (labels: Record<string, string>, value = 1) => (value > 0 ? push(name, { labels, value }) : undefined),
  });
  return {
    values,
    eventsByOutcome: counter('eventsByOutcome'),
    rejectedByCode: counter('rejectedByCode'),
    scoringRetries: counter('scoringRetries'),
    consumerLag: { set: (v: number) => push('consumerLag', v) },
    checkpointBytes: { set: (v: number) => push('checkpointBytes', v) },
    foldSeconds: histogram('foldSeconds'),
    flushSeconds: histogram('flushSeconds'),
    scoreSeconds: histogram('scoreSeconds'),
  };
}

// Resolves once `done` holds, polling; fails after `ms`.
export async function until(done: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}
