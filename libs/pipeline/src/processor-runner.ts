import type { IndicatorValue } from '#libs/indicators';
import type { ChangeBatch, Outlet } from './feeds';
import type { RejectionSink } from './ingest';
import type { Folded } from './processor-engine';
import { errorMessage, sleep, type RunnerLogger, type RunnerMetrics } from './ports';
import { backoffMs } from './transient-error';

// Where a processor's events come from, with the engines that fold them: the Postgres log (one engine)
// or a set of Kafka partitions (an engine each). The runner owns the schedule; the source owns
// positions, engines and checkpoints.
export interface ProcessorSource {
  // Folds what there is to fold: the log's next batch, or the records Kafka's merge releases.
  // Folds nothing (events: 0) when idle.
  fold(): Promise<Folded>;
  // Moves the clock of every engine that has one to `now`: rolling values decay, periods close.
  tick(now: number): { changes: IndicatorValue[]; clock: number; clocks?: Record<string, number> };
  readonly unflushed: number; // changed rows folded, not yet written
  readonly uncheckpointed: boolean; // progress no checkpoint holds yet
  readonly started: boolean; // some engine has folded an event (a clock to move)
  readonly checkpointBytes: number; // the size of the engines' last checkpoints (snapshot JSON)
  // Writes the changes folded so far (with `outbox`, the message announcing them to scoring in the same
  // transaction), every few flushes or when asked with the checkpoint. Writes run one at a time.
  flush(options: { checkpoint?: boolean; outbox: boolean }): Promise<void>;
  restart(): Promise<void>; // after a failed write: every engine again from its checkpoint
  lag(): Promise<number>; // events in the source not folded yet
  stop(): Promise<void>; // takes nothing more (the last checkpoint follows)
  close(): Promise<void>;
}

const MAX_SENDS = 64; // announcements under way before the fold waits for them
const LAG_IDLE_READ_MS = 1000;

export interface ProcessorRunnerOptions {
  source: ProcessorSource;
  changes: Outlet<ChangeBatch>; // to scoring
  rejections: RejectionSink;
  metrics: RunnerMetrics;
  logger: RunnerLogger;
  now: () => number; // the wall clock the engines tick to when idle
  flushMs: number; // how often folded changes are written
  tickMs: number; // how often the clock moves without events (0: never, for backfills)
  idleMs?: number; // a pause when the source had nothing
  retryMs?: number; // the first pause before a restart from the checkpoint (doubling up to 30 s)
}

// The indicator processor's schedule, the same over every source: fold, hand the changes to scoring
// at once; write them (coalesced) every `flushMs` while the next folds go on; move the clock when
// idle; a last checkpoint on stop. A failed write restarts the source from its checkpoint, with
// backoff: values are upserts, so replaying rewrites the same rows.
export class ProcessorRunner {
  private running = true;
  private loop: Promise<void> = Promise.resolve();
  private flushing: Promise<void> | undefined;
  private flushFailure: Error | undefined;
  private sends: Promise<void>[] = []; // announcements under way
  private sendFailure: Error | undefined;

  private constructor(private readonly o: ProcessorRunnerOptions) {}

  static start(options: ProcessorRunnerOptions): ProcessorRunner {
    const runner = new ProcessorRunner(options);
    runner.loop = runner.run();
    return runner;
  }

  async stop(): Promise<void> {
    await this.o.source.stop();
    this.running = false;
    await this.loop;
    await this.flushing;
    await this.sent();
    await this.o.source.flush({ checkpoint: true, outbox: this.o.changes.kind === 'outbox' });
    await this.o.source.close();
  }

  private async run(): Promise<void> {
    const { source, metrics } = this.o;
    const idleMs = this.o.idleMs ?? 50;
    let lastTick = Number.NEGATIVE_INFINITY;
    let lastFlush = performance.now(); // the flush cadence runs on real time, whatever the engine's clock
    let failures = 0;
    let lagReadAt = Number.NEGATIVE_INFINITY;
    while (this.running) {
      try {
        if (this.flushFailure !== undefined) throw this.flushFailure;
        const started = performance.now();
        const folded = await source.fold();
        await this.dead(folded);
        if (folded.events > 0) {
          metrics.foldSeconds.observe((performance.now() - started) / 1000);
          metrics.eventsByOutcome.inc({ outcome: 'late' }, folded.tooLate);
          this.announce(folded);
        }
        // after every fold, and idle once a second, so the gauge never keeps a backlog long folded
        if (folded.events > 0 || performance.now() - lagReadAt >= LAG_IDLE_READ_MS) {
          lagReadAt = performance.now();
          metrics.consumerLag.set(await source.lag());
        }
        const now = this.o.now();
        // only when caught up: ticking to the wall clock mid-backlog would make the backlog late
        if (this.o.tickMs > 0 && folded.events === 0 && now - lastTick >= this.o.tickMs && source.started) {
          lastTick = now;
          this.announce({ ...source.tick(now), offset: folded.offset });
        }
        if (this.sends.length >= MAX_SENDS) await this.sent();
        // idle, flushes go on until a checkpoint holds everything folded (Kafka commits offsets only then)
        const due = source.unflushed > 0 || source.uncheckpointed;
        if (this.flushing === undefined && due && performance.now() - lastFlush >= this.o.flushMs) {
          lastFlush = performance.now();
          // a checkpoint must not pass an announcement that failed: the replay from it would not repeat it
          await this.sent();
          this.flush();
        }
        failures = 0;
        if (folded.events === 0) await sleep(idleMs);
      } catch (err) {
        failures++;
        this.o.logger.error(`processing failed, restarting from the checkpoint: ${errorMessage(err)}`);
        await this.flushing;
        await Promise.all(this.sends);
        this.sends = [];
        this.flushFailure = undefined;
        this.sendFailure = undefined;
        await sleep(backoffMs(failures, this.o.retryMs ?? 1000, 30_000));
        await source.restart().catch((restartErr: unknown) => {
          this.o.logger.error(`restart failed, retrying: ${errorMessage(restartErr)}`);
          this.flushFailure = restartErr instanceof Error ? restartErr : new Error(String(restartErr));
        });
      }
    }
  }

  private flush(): void {
    const started = performance.now();
    this.flushing = this.o.source.flush({ outbox: this.o.changes.kind === 'outbox' }).then(
      () => {
        this.o.metrics.flushSeconds.observe((performance.now() - started) / 1000);
        this.o.metrics.checkpointBytes.set(this.o.source.checkpointBytes);
        this.flushing = undefined;
      },
      (err: unknown) => {
        this.flushFailure = err instanceof Error ? err : new Error(String(err));
        this.flushing = undefined;
      },
    );
  }

  // What the source could not count is kept as dead letters, and counted by reason.
  private async dead({ rejected }: Folded): Promise<void> {
    if (rejected.length === 0) return;
    await this.o.rejections.record(rejected);
    this.o.metrics.eventsByOutcome.inc({ outcome: 'rejected' }, rejected.length);
    for (const r of rejected) this.o.metrics.rejectedByCode.inc({ stage: 'processor', code: r.code });
  }

  // The live path: changes go to scoring as they are folded (through the outbox they ride the flush).
  private announce(batch: ChangeBatch): void {
    const outlet = this.o.changes;
    if (outlet.kind === 'outbox' || batch.changes.length === 0) return;
    this.sends.push(
      outlet.send(batch).catch((err: unknown) => {
        this.sendFailure ??= new Error(`handing changes to scoring: ${errorMessage(err)}`);
      }),
    );
  }

  private async sent(): Promise<void> {
    await Promise.all(this.sends);
    this.sends = [];
    if (this.sendFailure !== undefined) throw this.sendFailure;
  }
}
