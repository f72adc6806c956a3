import type { Level } from '#libs/definitions';
import type { ScorecardScore } from '#libs/scoring';

// Which of a scorecard's periods a card is of: the one holding the preview's moment, the one before it,
// or one before that (asked for by days), each of these scored as closed.
export type PreviewPeriod = 'earlier' | 'previous' | 'current';

// One entity's card of one scorecard and period, under one set of definitions.
export interface PeriodCard {
  scorecard: string;
  period: PreviewPeriod;
  periodStart: string; // local time in the org's zone, as `evaluate` writes it
  periodEnd: string;
  entity: { level: Level; id: string };
  score: ScorecardScore;
}

// What a card says, as the preview compares it: red lines as `kpi:effect`, sorted.
export interface CardOutcome {
  version: number;
  total: number | null;
  grade: string | null;
  redLines: string[];
}

export interface EntityChange {
  entity: { level: Level; id: string };
  before: CardOutcome | null; // null: no card under the published definitions
  after: CardOutcome | null; // null: no card under the draft
  delta: number | null; // after's total − before's; null when either has no total
  gradeChanged: boolean;
  redLinesChanged: boolean;
}

// The cards of one side of a scorecard's period, counted.
export interface CardTally {
  version: number;
  cards: number;
  grades: Record<string, number>; // cards per grade; cards without a grade are not counted here
  withRedLines: number; // cards with at least one red line crossed
  meanTotal: number | null; // over the cards with a total
}

export interface ScorecardDiff {
  scorecard: string;
  period: PreviewPeriod;
  periodStart: string;
  periodEnd: string;
  before: CardTally | null; // null: the scorecard is not in force under the published definitions
  after: CardTally | null; // null: not in force under the draft
  changed: { totals: number; grades: number; redLines: number }; // entities whose … changed
  movers: EntityChange[]; // the biggest changes first, at most `moversLimit`
  entities: EntityChange[]; // every entity, by id
}

const byId = new Intl.Collator('en', { numeric: true });

// Compares the cards of the published definitions with the draft's, per scorecard and period (the
// period's start: a draft that changes a card's period compares as two periods, each on one side).
// Movers are the entities whose card changed, the largest total change first; a card that gains or
// loses its total (or its card) outranks every numeric change.
export function diffScorecards(
  before: readonly PeriodCard[],
  after: readonly PeriodCard[],
  moversLimit = 10,
): ScorecardDiff[] {
  const groups = new Map<string, { head: PeriodCard; before: PeriodCard[]; after: PeriodCard[] }>();
  const add = (card: PeriodCard, side: 'before' | 'after'): void => {
    const key = `${card.scorecard}|${card.period}|${card.periodStart}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { head: card, before: [], after: [] };
      groups.set(key, group);
    }
    group[side].push(card);
  };
  for (const card of before) add(card, 'before');
  for (const card of after) add(card, 'after');

  const diffs: ScorecardDiff[] = [];
  for (const { head, before: was, after: will } of groups.values()) {
    const entities = pairByEntity(was, will)
      .map(([b, a]) => change(b, a))
      .sort(compare);
    const movers = entities
      .filter((e) => e.delta !== 0 || e.gradeChanged || e.redLinesChanged)
      .sort((x, y) => moveOf(y) - moveOf(x) || Number(y.gradeChanged) - Number(x.gradeChanged) || compare(x, y))
      .slice(0, moversLimit);
    diffs.push({
      scorecard: head.scorecard,
      period: head.period,
      periodStart: head.periodStart,
      periodEnd: head.periodEnd,
      before: tally(was),
      after: tally(will),
      changed: {
        totals: entities.filter((e) => e.delta !== 0).length,
        grades: entities.filter((e) => e.gradeChanged).length,
        redLines: entities.filter((e) => e.redLinesChanged).length,
      },
      movers,
      entities,
    });
  }
  return diffs.sort(
    (x, y) =>
      byId.compare(x.scorecard, y.scorecard) ||
      x.periodStart.localeCompare(y.periodStart) ||
      x.period.localeCompare(y.period),
  );
}

export function outcomeOf(score: ScorecardScore): CardOutcome {
  return {
    version: score.version,
    total: score.total,
    grade: score.grade,
    redLines: score.redLines.map((r) => `${r.kpi}:${r.effect}`).sort(),
  };
}

function pairByEntity(
  before: readonly PeriodCard[],
  after: readonly PeriodCard[],
): [PeriodCard | undefined, PeriodCard | undefined][] {
  const keyOf = (c: PeriodCard): string => `${c.entity.level}|${c.entity.id}`;
  const pairs = new Map<string, [PeriodCard | undefined, PeriodCard | undefined]>();
  for (const c of before) pairs.set(keyOf(c), [c, undefined]);
  for (const c of after) pairs.set(keyOf(c), [pairs.get(keyOf(c))?.[0], c]);
  return [...pairs.values()];
}

function change(before: PeriodCard | undefined, after: PeriodCard | undefined): EntityChange {
  const entity = (before ?? after)?.entity ?? { level: 'org', id: '' }; // one of them is always there
  const b = before === undefined ? null : outcomeOf(before.score);
  const a = after === undefined ? null : outcomeOf(after.score);
  return {
    entity: { level: entity.level, id: entity.id },
    before: b,
    after: a,
    delta: deltaOf(b, a),
    gradeChanged: (b?.grade ?? null) !== (a?.grade ?? null) || (b === null) !== (a === null),
    redLinesChanged: (b?.redLines ?? []).join(',') !== (a?.redLines ?? []).join(',') || (b === null) !== (a === null),
  };
}

// a card or a total that appears or goes is a change with no number to it (null); no total on either
// side is no change
function deltaOf(before: CardOutcome | null, after: CardOutcome | null): number | null {
  if (before === null || after === null) return null;
  if (before.total !== null && after.total !== null) return after.total - before.total;
  return before.total === after.total ? 0 : null;
}

// how far an entity moved: a total that appeared or went counts as the largest move
const moveOf = (e: EntityChange): number => (e.delta === null ? Number.POSITIVE_INFINITY : Math.abs(e.delta));

const compare = (x: EntityChange, y: EntityChange): number =>
  x.entity.level.localeCompare(y.entity.level) || byId.compare(x.entity.id, y.entity.id);

function tally(cards: readonly PeriodCard[]): CardTally | null {
  const [first] = cards;
  if (first === undefined) return null;
  const grades: Record<string, number> = {};
  let sum = 0;
  let totals = 0;
  let withRedLines = 0;
  for (const { score } of cards) {
    if (score.grade !== null) grades[score.grade] = (grades[score.grade] ?? 0) + 1;
    if (score.total !== null) {
      sum += score.total;
      totals++;
    }
    if (score.redLines.length > 0) withRedLines++;
  }
  return {
    version: first.score.version,
    cards: cards.length,
    grades,
    withRedLines,
    meanTotal: totals === 0 ? null : sum / totals,
  };
}
