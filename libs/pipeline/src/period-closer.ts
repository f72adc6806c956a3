import {
  diffFrozen,
  duePeriods,
  freezeCard,
  graceOf,
  streakLookback,
  type FrozenCard,
  type FrozenContent,
  type Difference,
  closingOf,
  type PeriodClosing,
  type PeriodResult,
} from '#libs/close';
import { scorecardsInForce, type DefinitionSet, type ScorecardDef } from '#libs/definitions';
import { entityKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import { dateOfDayNumber, localDayNumber, type Period } from '#libs/time';
import type { DefinitionsFor } from './definitions-registry';
import { scoreClosedPeriod, zoneOf, type ScoredCard, type ValuesReader } from './rescore';

// One closed period of a scorecard in an org.
export interface ClosedPeriodKey {
  scorecard: string;
  orgId: string;
  periodStart: number; // UTC ms
}

export interface StoredFrozen {
  entity: EntityRef;
  periodStart: number;
  content: FrozenContent;
  hash: string;
  logPosition: number | null;
  restatedHashes: readonly string[]; // the after-hashes of its restatements so far
}

export interface NewRestatement {
  entity: EntityRef;
  scorecard: string;
  periodStart: number;
  beforeHash: string;
  after: FrozenCard;
  diff: Difference[];
  logFrom: number | null;
  logTo: number;
  changed: { indicator: string; window: string; periodStart: string; value: number | null }[];
}

// What closing needs of storage (libs/postgres PeriodCloseRepository).
export interface CloseStore {
  // which of these period starts of the scorecard are closed in the org
  closedStarts(key: Omit<ClosedPeriodKey, 'periodStart'>, starts: readonly number[]): Promise<Set<number>>;
  // the entities with a stored scorecard of the period: the population a close freezes
  populationOf(key: ClosedPeriodKey): Promise<EntityRef[]>;
  // each entity's results (by entity id) of the scorecard's closed periods before `before`, oldest first,
  // at most `count` (the final grade where one was decided)
  earlierResults(
    key: Omit<ClosedPeriodKey, 'periodStart'>,
    before: number,
    count: number,
  ): Promise<Map<string, PeriodResult[]>>;
  // the close with its frozen cards, once: false when the period was already closed (another instance)
  close(closing: PeriodClosing, actor: string): Promise<boolean>;
  frozenOf(cards: readonly { scorecard: string; entity: EntityRef; periodStart: number }[]): Promise<StoredFrozen[]>;
  restate(restatements: readonly NewRestatement[], actor: string): Promise<void>;
}

export interface CloseRound {
  cards: readonly ScoredCard[]; // what the round scored
  changes: readonly IndicatorValue[]; // the changes it scored
  orgs: readonly string[]; // the orgs scored here
  clockOf: (orgId: string) => number;
  offset: number; // the event-log position of the changes
  values: ValuesReader;
}

const ACTOR = 'scoring-service';

// The scorecard version in force over a period (its last instant), as scoring picks it.
export function scorecardOfPeriod(
  definitions: DefinitionSet,
  id: string,
  timeZone: string,
  end: number,
): ScorecardDef | undefined {
  return scorecardsInForce(definitions, dateOfDayNumber(localDayNumber(timeZone, end - 1))).find((d) => d.id === id);
}

const freezeScored = (def: ScorecardDef, card: ScoredCard): FrozenCard =>
  freezeCard({
    def,
    entity: card.entity,
    period: { start: card.periodStart, end: card.periodEnd },
    timeZone: card.timeZone,
    score: card.score,
  });

// Closes each scorecard's periods when due by the org's clock (its end in the org's zone plus the grace):
// every entity's card of the period scored as closed, frozen with its content hash, with the period's
// calibration proposal, bonus pool and streaks. After that, a late event that moves a frozen card makes
// a restatement beside it (docs/review-and-close.md). Run by the scoring runner after every round.
export class PeriodCloser {
  // `${org}|${scorecard}` → the start of the latest period found due and closed (or empty), so a round
  // asks the store only when a new period falls due
  private readonly settled = new Map<string, number>();

  constructor(private readonly o: { definitionsFor: DefinitionsFor; store: CloseStore; actor?: string }) {}

  async afterRound(round: CloseRound): Promise<void> {
    await this.restate(round);
    for (const orgId of round.orgs) await this.closeDue(orgId, round);
  }

  // the closed cards of the round that differ from their frozen result and from its restatements so far
  private async restate(round: CloseRound): Promise<void> {
    const closed = round.cards.filter((c) => c.closed);
    if (closed.length === 0) return;
    const stored = await this.o.store.frozenOf(
      closed.map((c) => ({ scorecard: c.score.scorecard, entity: c.entity, periodStart: c.periodStart })),
    );
    const byKey = new Map(stored.map((s) => [`${s.content.scorecard}|${entityKey(s.entity)}|${s.periodStart}`, s]));
    const out: NewRestatement[] = [];
    for (const card of closed) {
      const frozen = byKey.get(`${card.score.scorecard}|${entityKey(card.entity)}|${card.periodStart}`);
      if (frozen === undefined) continue;
      const definitions = this.o.definitionsFor(card.entity.orgId);
      const def = scorecardOfPeriod(definitions, card.score.scorecard, card.timeZone, card.periodEnd);
      if (def === undefined) continue;
      const after = freezeScored(def, card);
      if (after.hash === frozen.hash || frozen.restatedHashes.includes(after.hash)) continue;
      const changed = round.changes
        .filter((c) => entityKey(c.entity) === entityKey(card.entity) && c.periodEnd === card.periodEnd)
        .map((c) => ({
          indicator: c.indicator,
          window: c.window,
          periodStart: new Date(c.periodStart).toISOString(),
          value: c.value,
        }));
      out.push({
        entity: card.entity,
        scorecard: card.score.scorecard,
        periodStart: card.periodStart,
        beforeHash: frozen.hash,
        after,
        diff: diffFrozen(frozen.content, after.content),
        logFrom: frozen.logPosition,
        logTo: round.offset,
        changed,
      });
    }
    if (out.length > 0) await this.o.store.restate(out, this.o.actor ?? ACTOR);
  }

  private async closeDue(orgId: string, round: CloseRound): Promise<void> {
    const definitions = this.o.definitionsFor(orgId);
    const timeZone = zoneOf(definitions, orgId);
    const clock = round.clockOf(orgId);
    if (!Number.isFinite(clock)) return;
    const today = dateOfDayNumber(localDayNumber(timeZone, clock));
    const indicators = new Map(definitions.indicators.map((i) => [i.id, i]));
    for (const def of scorecardsInForce(definitions, today)) {
      const graceMs = graceOf(def, indicators);
      const [period] = duePeriods(def, timeZone, clock, graceMs, 1);
      const memo = `${orgId}|${def.id}`;
      if (period === undefined || this.settled.get(memo) === period.start) continue;
      const key = { scorecard: def.id, orgId, periodStart: period.start };
      const closed = await this.o.store.closedStarts({ scorecard: def.id, orgId }, [period.start]);
      if (!closed.has(period.start)) await this.closeOne(key, period, graceMs, definitions, round);
      this.settled.set(memo, period.start);
    }
  }

  private async closeOne(
    key: ClosedPeriodKey,
    period: Period,
    graceMs: number,
    definitions: DefinitionSet,
    round: CloseRound,
  ): Promise<void> {
    const timeZone = zoneOf(definitions, key.orgId);
    const def = scorecardOfPeriod(definitions, key.scorecard, timeZone, period.end);
    if (def === undefined) return;
    const population = await this.o.store.populationOf(key);
    if (population.length === 0) return; // nothing was scored in the period: nothing to freeze
    const cards = (
      await scoreClosedPeriod(
        population,
        { window: def.period, end: period.end },
        round.clockOf,
        this.o.definitionsFor,
        round.values,
      )
    ).filter((c) => c.score.scorecard === def.id);
    const earlier = await this.o.store.earlierResults(
      { scorecard: def.id, orgId: key.orgId },
      period.start,
      streakLookback(def),
    );
    const closing = closingOf(
      def,
      { orgId: key.orgId, period, graceMs, logPosition: round.offset },
      cards.map((card) => freezeScored(def, card)),
      earlier,
    );
    await this.o.store.close(closing, this.o.actor ?? ACTOR);
  }
}
