import type { Direction, ScorecardDef, TiebreakDef } from '#libs/definitions';
import type { Period } from '#libs/time';
import { splitBonusPool, type BonusShare, type BonusSplit } from './bonus-pool';
import { proposeCalibration, type CalibrationProposal, type ProposedGrade } from './calibration';
import type { FrozenCard } from './frozen-card';
import { streakOutcomes, type PeriodResult, type StreakResult } from './streaks';

export interface ClosingMember {
  frozen: FrozenCard;
  // the person's earlier closed periods of the scorecard, oldest first (as many as the longest streak needs)
  earlier: readonly PeriodResult[];
}

// What a close decides for one person besides the frozen card.
export interface PersonOutcome {
  entityId: string;
  proposedGrade: ProposedGrade | null; // the calibration's, when the card has one and the person a total
  bonus: BonusShare | null;
  streaks: StreakResult[];
}

export interface PeriodOutcome {
  calibration: CalibrationProposal | null;
  bonusPool: BonusSplit | null;
  people: PersonOutcome[]; // by entity id
}

// How many earlier closed periods a person's streaks look back on.
export const streakLookback = (def: ScorecardDef): number =>
  def.streaks.reduce((longest, rule) => Math.max(longest, rule.periods - 1), 0);

const actualOf = (card: FrozenCard, kpi: string): number | null =>
  card.content.kpis.find((k) => k.kpi === kpi)?.actual ?? null;

const directionOf = (def: ScorecardDef, tiebreak: TiebreakDef | null): Direction =>
  def.kpis.find((k) => k.id === tiebreak?.kpi)?.direction ?? 'higher';

export const resultOf = (card: FrozenCard): PeriodResult => ({
  periodStart: card.content.periodStart,
  periodEnd: card.content.periodEnd,
  total: card.content.total,
  grade: card.content.grade,
});

// The outcomes of one period's close over its population (every frozen card of the scorecard in the
// org): the forced-distribution proposal, the bonus pool split, and each person's streaks. People
// without a total (no data) are outside the ranking and the pool.
export function closePeriod(def: ScorecardDef, members: readonly ClosingMember[]): PeriodOutcome {
  const scored = members.flatMap((m) => {
    const { total, grade } = m.frozen.content;
    return total === null || grade === null ? [] : [{ m, total, grade, entityId: m.frozen.content.entity.id }];
  });
  const limits = def.calibration;
  const calibration =
    limits === undefined
      ? null
      : proposeCalibration(
          limits,
          def.grades,
          directionOf(def, limits.tiebreak),
          scored.map(({ m, total, grade, entityId }) => ({
            entityId,
            total,
            grade,
            tiebreak: limits.tiebreak === null ? null : actualOf(m.frozen, limits.tiebreak.kpi),
          })),
        );
  const pool = def.bonusPool;
  const bonusPool =
    pool === undefined
      ? null
      : splitBonusPool(
          pool,
          directionOf(def, pool.tiebreak),
          scored.map(({ m, total, entityId }) => ({
            entityId,
            total,
            tiebreak: pool.tiebreak === null ? null : actualOf(m.frozen, pool.tiebreak.kpi),
            base: actualOf(m.frozen, pool.base.kpi),
          })),
        );
  const proposedOf = new Map(calibration?.grades.map((g) => [g.entityId, g]));
  const bonusOf = new Map(bonusPool?.shares.map((s) => [s.entityId, s]));
  const people = members
    .map((m): PersonOutcome => {
      const entityId = m.frozen.content.entity.id;
      return {
        entityId,
        proposedGrade: proposedOf.get(entityId) ?? null,
        bonus: bonusOf.get(entityId) ?? null,
        streaks: streakOutcomes(def.streaks, def.grades, [...m.earlier, resultOf(m.frozen)]),
      };
    })
    .sort((a, b) => a.entityId.localeCompare(b.entityId, 'en', { numeric: true }));
  return { calibration, bonusPool, people };
}

// One period's close as stored: the period, how it was closed, its outcome and every frozen card with the
// person's outcome. The same in `kpi-pulse close` and in the live pipeline.
export interface PeriodClosing {
  scorecard: string;
  orgId: string;
  periodStart: number; // UTC ms
  periodEnd: number;
  version: number;
  graceMs: number;
  logPosition: number | null; // the event-log position scoring had reached; null for a batch
  outcome: Omit<PeriodOutcome, 'people'>;
  cards: { frozen: FrozenCard; outcome: PersonOutcome }[];
}

// The close of one period of an org from its frozen cards and each person's earlier results (by entity id).
export function closingOf(
  def: ScorecardDef,
  at: { orgId: string; period: Period; graceMs: number; logPosition: number | null },
  frozen: readonly FrozenCard[],
  earlier: ReadonlyMap<string, PeriodResult[]>,
): PeriodClosing {
  const { people, ...outcome } = closePeriod(
    def,
    frozen.map((card) => ({ frozen: card, earlier: earlier.get(card.content.entity.id) ?? [] })),
  );
  const personOf = new Map(people.map((p) => [p.entityId, p]));
  return {
    scorecard: def.id,
    orgId: at.orgId,
    periodStart: at.period.start,
    periodEnd: at.period.end,
    version: def.version,
    graceMs: at.graceMs,
    logPosition: at.logPosition,
    outcome,
    cards: [...frozen]
      .sort((a, b) => a.content.entity.id.localeCompare(b.content.entity.id, 'en', { numeric: true }))
      .map((card) => ({
        frozen: card,
        // closePeriod answers for every member
        outcome: personOf.get(card.content.entity.id) as PersonOutcome,
      })),
  };
}
