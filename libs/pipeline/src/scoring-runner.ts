import { entityKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import type { DefinitionsRegistry } from './definitions-registry';
import type { ChangeBatch, Outlet, ScoredBatch } from './feeds';
import type { RejectionSink, ScoringFailure } from './ingest';
import { PendingChanges } from './pending-changes';
import type { PeriodCloser } from './period-closer';
import { errorMessage, type RunnerLogger, type RunnerMetrics } from './ports';
import { rescore, rescoreClosed, rescoreEntities, type ScoredCard, type ValuesReader } from './rescore';
import { retryTransient } from './transient-error';
import { ValuesCache } from './values-cache';

// The stored scorecards, with their red-line breaches. `outbox`: the scored batch for the gateways,
// written in the same transaction (the Postgres feed).
export interface ScorecardStore {
  save(cards: readonly ScoredCard[], outbox?: { updates?: ScoredBatch }): Promise<void>;
}

export interface StoredValues extends ValuesReader {
  entities(): Promise<EntityRef[]>; // every entity with a stored value
}

export interface ScoringRunnerOptions {
  registry: DefinitionsRegistry;
  values: StoredValues;
  scorecards: ScorecardStore;
  updates: Outlet<ScoredBatch>; // to the gateways
  closer?: PeriodCloser; // closes periods when due, after each round (docs/review-and-close.md)
  deadLetters: RejectionSink; // rounds and writes that failed for good, with the reason
  metrics: RunnerMetrics;
  logger: RunnerLogger;
  coalesceMs?: number; // changes arriving together are scored together
  retryMs?: number; // the first pause before retrying a transient failure (doubling up to 10 s)
  unsavedLimit?: number; // scored cards waiting for their write before scoring waits too
}

// A card's pace moves with the clock, not only with its values: each org's entities are all re-scored
// whenever its clock has moved this far since the last time, so an idle team's pace stays current.
const PACE_REFRESH_MS = 3_600_000;

const cardKey = (c: ScoredCard): string =>
  `${c.score.scorecard}|${c.entity.orgId}|${c.entity.level}|${c.entity.id}|${c.periodStart}`;

// Re-scores the scorecards that indicator changes touch, from its own copy of the values (kept current
// by the changes), hands them to the gateways and stores them with their red-line breaches. One round
// at a time; changes that arrive meanwhile are coalesced into the next. A round or a write that fails
// for a moment (the database away) is retried with backoff; one that fails for good is dead-lettered
// with its reason. The first round after a start (or a rebalance) re-scores every stored entity of the
// orgs held here, so no change is lost across restarts.
export class ScoringRunner {
  private cache: ValuesCache;
  private owns: (orgId: string) => boolean = () => true;
  private readonly pending = new PendingChanges();
  // the next round re-scores every entity of these orgs ('all': of every org held here), not only the
  // ones changes touch
  private rescoring: 'all' | Set<string> | undefined = 'all';
  private clock = Number.NEGATIVE_INFINITY; // the newest clock of every org
  private readonly clocks = new Map<string, number>(); // each org's (its scorecards are scored at it)
  private readonly pacedAt = new Map<string, number>(); // each org's clock when all its entities were last scored
  // every org's clock is at least this: the clock of batches without per-org clocks (a tick that moved
  // every org there, or a message of an engine with one clock)
  private floor = Number.NEGATIVE_INFINITY;
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;
  private working: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly unsaved = new Map<string, ScoredCard>();
  private saving: Promise<void> | undefined;

  constructor(private readonly o: ScoringRunnerOptions) {
    this.cache = new ValuesCache(o.values);
  }

  receive({ changes, clock, clocks, acceptedAt, offset }: ChangeBatch): void {
    if (changes.length === 0) return;
    this.pending.keep(changes, acceptedAt);
    this.clock = Math.max(this.clock, clock);
    if (clocks === undefined) this.floor = Math.max(this.floor, clock);
    else for (const [org, c] of Object.entries(clocks)) this.clocks.set(org, Math.max(this.clocks.get(org) ?? c, c));
    this.refreshPace(changes);
    this.offset = Math.max(this.offset, offset);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.o.coalesceMs ?? 25);
  }

  // An org's clock; the newest of all for an org no change has told of
  private readonly clockOf = (orgId: string): number => {
    const own = this.clocks.get(orgId);
    return own === undefined ? this.clock : Math.max(own, this.floor);
  };

  private refreshPace(changes: readonly IndicatorValue[]): void {
    const due = new Set<string>();
    for (const orgId of new Set(changes.map((c) => c.entity.orgId))) {
      const at = this.clockOf(orgId);
      const last = this.pacedAt.get(orgId);
      if (last !== undefined && at - last < PACE_REFRESH_MS) continue;
      this.pacedAt.set(orgId, at);
      if (last !== undefined) due.add(orgId); // the first round after a start scores everything anyway
    }
    if (due.size > 0) this.rescoreLater(due);
  }

  // A new platform default: every entity is re-scored with the definitions in force for its org, at once.
  rescoreAll(): void {
    this.rescoring = 'all';
    this.kick();
  }

  // A new version of an org's definitions: that org's entities are re-scored with it, at once.
  rescoreOrg(orgId: string): void {
    this.rescoreLater(new Set([orgId]));
    this.kick();
  }

  // After a rebalance: the orgs scored here now. Their values may have moved on meanwhile elsewhere,
  // so the cache starts afresh and the next round re-scores every entity of those orgs.
  own(owns: (orgId: string) => boolean): void {
    this.owns = owns;
    this.cache = new ValuesCache(this.o.values);
    this.rescoreAll();
  }

  // What was received is scored and written; a failure now is not retried (the next start re-scores
  // everything).
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.kick();
    await this.working;
    await this.saving;
  }

  private kick(): void {
    if (this.working !== undefined) {
      this.again = true;
      return;
    }
    this.working = this.work().finally(() => (this.working = undefined));
  }

  private async work(): Promise<void> {
    do {
      this.again = false;
      const { changes, acceptedAt } = this.pending.take();
      const orgs = this.rescoring;
      if (changes.length === 0 && orgs === undefined) continue;
      this.rescoring = undefined;
      const started = performance.now();
      const done = await this.retrying('round', async () => {
        const clocks = Object.fromEntries([...this.clocks.keys()].map((org) => [org, this.clockOf(org)]));
        await this.cache.apply(changes, this.clock, clocks);
        const cards =
          orgs !== undefined
            ? await this.scoreAll(orgs, changes)
            : await rescore(changes, this.clockOf, this.o.registry.definitionsFor, this.cache);
        await this.store(cards, acceptedAt);
        await this.o.closer?.afterRound({
          cards,
          changes,
          orgs: [...new Set([...this.clocks.keys(), ...changes.map((c) => c.entity.orgId)])].filter(this.owns),
          clockOf: this.clockOf,
          offset: this.offset,
          values: this.cache,
        });
      });
      this.o.metrics.scoreSeconds.observe((performance.now() - started) / 1000);
      if (!done.ok) {
        const entities = new Map(changes.map((c) => [entityKey(c.entity), c.entity]));
        const everything = orgs === undefined ? false : orgs === 'all' ? true : [...orgs];
        await this.deadLetter('round_failed', done.error, { everything, entities: [...entities.values()] });
      }
    } while (this.again || this.pending.size > 0);
  }

  // every stored entity (and the changed ones) of these orgs scored here, with every scorecard in force
  // for its org; the changes of other orgs as any round scores them
  private async scoreAll(orgs: 'all' | ReadonlySet<string>, changes: readonly IndicatorValue[]): Promise<ScoredCard[]> {
    if (!Number.isFinite(this.clock)) {
      this.rescoreLater(orgs); // nothing to score for yet: the first changes will
      return [];
    }
    const all = (orgId: string) => orgs === 'all' || orgs.has(orgId);
    const entities = new Map<string, EntityRef>();
    for (const e of [...(await this.o.values.entities()), ...this.cache.entities, ...changes.map((c) => c.entity)])
      if (this.owns(e.orgId) && all(e.orgId)) entities.set(entityKey(e), e);
    const { definitionsFor } = this.o.registry;
    const mine = changes.filter((c) => all(c.entity.orgId));
    // the periods these changes closed, then every current card
    const cards = await rescoreClosed(mine, this.clockOf, definitionsFor, this.cache);
    cards.push(...(await rescoreEntities([...entities.values()], this.clockOf, definitionsFor, this.cache)));
    const others = changes.filter((c) => !all(c.entity.orgId));
    if (others.length > 0) cards.push(...(await rescore(others, this.clockOf, definitionsFor, this.cache)));
    return cards;
  }

  // these orgs' entities are re-scored whole in the next round
  private rescoreLater(orgs: 'all' | ReadonlySet<string>): void {
    const pending = this.rescoring;
    this.rescoring = orgs === 'all' || pending === 'all' ? 'all' : new Set([...(pending ?? []), ...orgs]);
  }

  private async store(cards: ScoredCard[], acceptedAt: number | undefined): Promise<void> {
    if (cards.length === 0) return;
    const scored: ScoredBatch =
      acceptedAt === undefined ? { cards, offset: this.offset } : { cards, offset: this.offset, acceptedAt };
    const { updates } = this.o;
    // through the outbox, the gateways learn of the cards from the row written with them
    if (updates.kind === 'outbox') return this.o.scorecards.save(cards, { updates: scored });
    // sent, the gateways get them first (they overlay what they pushed on stored snapshots); the write
    // follows, coalesced to the latest card of each entity, scorecard and period
    await updates.send(scored);
    for (const c of cards) this.unsaved.set(cardKey(c), c);
    this.saving ??= this.saveUnsaved().finally(() => (this.saving = undefined));
    if (this.unsaved.size > (this.o.unsavedLimit ?? 50_000)) await this.saving; // the database is behind
  }

  private async saveUnsaved(): Promise<void> {
    while (this.unsaved.size > 0) {
      const cards = [...this.unsaved.values()];
      this.unsaved.clear();
      const done = await this.retrying('store', () => this.o.scorecards.save(cards));
      if (!done.ok) {
        // newer cards of the same keys, scored meanwhile, are kept for the next write
        const lost = cards.filter((c) => !this.unsaved.has(cardKey(c)));
        await this.deadLetter('store_failed', done.error, { cards: lost.map(cardKey) });
      }
    }
  }

  // Runs `attempt` until it succeeds, retrying transient failures with backoff until stopped.
  private retrying<T>(what: string, attempt: () => Promise<T>) {
    return retryTransient(attempt, {
      initialMs: this.o.retryMs ?? 200,
      retrying: () => !this.stopped,
      onRetry: (err) => {
        this.o.metrics.scoringRetries.inc({ what });
        this.o.logger.warn(`scoring: ${what} failed, retrying: ${errorMessage(err)}`);
      },
    });
  }

  private async deadLetter(code: ScoringFailure, err: unknown, payload: unknown): Promise<void> {
    const reason = `${code}: ${errorMessage(err)}`;
    this.o.logger.error(`scoring: ${reason}`);
    this.o.metrics.rejectedByCode.inc({ stage: 'scoring', code });
    await this.o.deadLetters
      .record([{ source: 'scoring-service', field: 'scoring', code, reason, payload: JSON.stringify(payload) }])
      .catch((recordErr: unknown) => this.o.logger.error(`scoring: dead letter not kept: ${errorMessage(recordErr)}`));
  }
}
