// What the runners report to, whatever collects it: Prometheus in the services, plain objects in tests.
export interface Histogram {
  observe(value: number): void;
}
export interface Gauge {
  set(value: number): void;
}
export interface LabelledCounter {
  inc(labels: Record<string, string>, value?: number): void;
}

export interface RunnerMetrics {
  eventsByOutcome: LabelledCounter; // outcome: late, rejected…
  rejectedByCode: LabelledCounter; // dead letters by stage and code
  consumerLag: Gauge; // events in the source the processor has not folded yet
  checkpointBytes: Gauge; // the engines' state as the last checkpoints wrote it (JSON)
  foldSeconds: Histogram;
  flushSeconds: Histogram;
  scoreSeconds: Histogram;
  scoringRetries: LabelledCounter; // by what was retried
}

export interface RunnerLogger {
  error(message: string): void;
  warn(message: string): void;
}

// the message with its causes: fetch's "fetch failed" says why only in its cause (ECONNRESET, a timeout)
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause === undefined ? err.message : `${err.message}: ${errorMessage(err.cause)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
