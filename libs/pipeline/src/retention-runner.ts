import { errorMessage, sleep, type LabelledCounter, type RunnerLogger } from './ports';

// What retention prunes (docs/retention.md): the event log, the dead letters, the Postgres feed, the
// history of indicator values and of scorecards, resolved red-line breaches, sent (or failed) alert
// deliveries, the webhooks connector sources received, and revocations of tokens that have expired since.
export const RETENTION_TARGETS = [
  'event-log',
  'dead-letters',
  'feed',
  'indicator-history',
  'scorecard-history',
  'breaches',
  'deliveries',
  'webhook-payloads',
  'revoked-tokens',
] as const;
export type RetentionTarget = (typeof RETENTION_TARGETS)[number];

export interface RetentionPolicy {
  keepMs: number; // rows younger than this are kept
  // history only: older versions are thinned to the last of each step per value or card (undefined: to
  // the latest only, looking at every old row at each pass). The latest version of each value or card (a
  // closed period's closing one) is never pruned.
  stepMs?: number;
}

// One bounded batch of deletions: rows of `target` older than `before` that the policy lets go, at most
// `limit`. `after` (history only): rows older than it were thinned by an earlier pass, not looked at again.
export interface PruneBatch {
  target: RetentionTarget;
  before: Date;
  after?: Date;
  stepMs?: number;
  limit: number;
}

export interface PruneResult {
  deleted: number;
  // history: the time of the newest version the batch deleted; every older one it looked at is kept, so the
  // next batch of the pass starts there instead of at the oldest kept version
  reached?: Date;
}

// The store that deletes: Postgres in the services (libs/postgres RetentionRepository), a fake in specs.
// It never deletes what a reader still needs (event-log rows a consumer or a checkpoint has not passed,
// feed rows a live reader has not read, breaches with pending deliveries), whatever `before` says.
export interface RetentionStore {
  prune(batch: PruneBatch): Promise<PruneResult>;
}

export interface RetentionRunnerOptions {
  store: RetentionStore;
  policies: Partial<Record<RetentionTarget, RetentionPolicy>>; // the tables this process owns
  everyMs: number; // between passes; the first pass starts at once
  batchSize: number; // rows per delete: each batch is a short transaction, never a long lock
  pauseMs?: number; // between batches, so that the pipeline's own writes go first
  now: () => number;
  metrics: { prunedRows: LabelledCounter }; // by table
  logger: RunnerLogger;
}

// Prunes every owned table on a schedule, batch by batch until a batch comes back short. A failed batch
// is logged and its table tried again at the next pass; the other tables go on.
export class RetentionRunner {
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private wake: () => void = () => undefined;
  // history: the cutoff of the last complete pass, so that a pass only looks at rows newer than it
  private readonly thinnedUpTo = new Map<RetentionTarget, number>();

  private constructor(private readonly o: RetentionRunnerOptions) {}

  static start(options: RetentionRunnerOptions): RetentionRunner {
    const runner = new RetentionRunner(options);
    runner.loop = runner.run();
    return runner;
  }

  // Finishes the batch under way, then stops.
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      await this.pass();
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.o.everyMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  // One pass over every owned table; returns the rows pruned by table.
  async pass(): Promise<Partial<Record<RetentionTarget, number>>> {
    const pruned: Partial<Record<RetentionTarget, number>> = {};
    for (const target of RETENTION_TARGETS) {
      const policy = this.o.policies[target];
      if (policy === undefined || !this.running) continue;
      try {
        pruned[target] = await this.prune(target, policy);
      } catch (err) {
        this.o.logger.warn(`retention of ${target} failed, tried again at the next pass: ${errorMessage(err)}`);
      }
    }
    return pruned;
  }

  private async prune(target: RetentionTarget, policy: RetentionPolicy): Promise<number> {
    const cutoff = this.o.now() - policy.keepMs;
    const before = new Date(cutoff);
    const step = policy.stepMs;
    const thinned = this.thinnedUpTo.get(target);
    // a version kept by the last pass (its step's last then) may have a successor in its step by now
    const batch: PruneBatch = { target, before, limit: this.o.batchSize };
    if (step !== undefined) batch.stepMs = step;
    if (step !== undefined && thinned !== undefined) batch.after = new Date(thinned - step);
    let total = 0;
    for (;;) {
      const { deleted, reached } = await this.o.store.prune(batch);
      total += deleted;
      this.o.metrics.prunedRows.inc({ table: target }, deleted);
      if (deleted < this.o.batchSize || !this.running) break;
      if (reached !== undefined) batch.after = reached;
      await sleep(this.o.pauseMs ?? 20);
    }
    if (this.running && isHistory(target)) this.thinnedUpTo.set(target, cutoff);
    return total;
  }
}

const isHistory = (target: RetentionTarget): boolean =>
  target === 'indicator-history' || target === 'scorecard-history';
