import type { Localized } from '#libs/definitions';
import type { KpiStatus } from '#libs/scoring';
import { carriedItems, type ActionItem } from './action-item';
import type { StalledDeal } from './deal-funnel';
import { dataHashOf } from './pack-hash';
import type { FiredAlert, RedLineEvent, ResultCard, TeamRef } from './period-results';
import { previousWeek, weekDates, type ReviewWeek } from './review-week';

// Everything a weekly review pack is built from: the week's results (through PeriodResults), the funnel
// and the action items. Built by a pure function, so a closed week's pack is the same every time.
export interface ReviewInputs {
  team: TeamRef;
  week: ReviewWeek;
  current: readonly ResultCard[]; // the team's cards at the week's end
  previous: readonly ResultCard[]; // …and at the end of the week before
  redLines: readonly RedLineEvent[];
  alerts: readonly FiredAlert[];
  funnel: FunnelInputs;
  actionItems: readonly ActionItem[]; // every item of the team: the pack carries those still relevant
}

export interface FunnelInputs {
  newSqls: number | null; // SQLs of the week (the team's sales.sql_count over the week)
  previousSqls: number | null;
  conversion: number | null; // won ÷ SQLs over the week (sales.win_rate)
  previousConversion: number | null;
  stalledDays: number; // N: a deal with no stage change for N days is stalled
  stalled: readonly StalledDeal[]; // as of the week's end
}

export interface KpiChange {
  kpi: string;
  name: Localized;
  unit: string;
  direction: 'higher' | 'lower';
  actual: number | null;
  previous: number | null; // the same KPI at the end of the week before
  change: number | null; // actual − previous
  relativeChange: number | null; // change ÷ |previous|; null when previous is 0 or either is missing
  better: boolean | null; // the change went the KPI's good way; null when there is no change to judge
  target: number;
  score: number | null;
  status: KpiStatus | null;
  redLine: boolean;
}

export interface CardChange {
  scorecard: string;
  name: Localized;
  window: string;
  periodStart: number;
  periodEnd: number;
  closed: boolean;
  frozen: boolean; // the closed period's frozen result of record
  restatement: string | null; // the approved restatement that result comes from, if any
  total: number | null;
  previousTotal: number | null;
  totalChange: number | null;
  grade: string | null;
  previousGrade: string | null;
  kpis: KpiChange[];
}

export interface Mover {
  scorecard: string;
  kpi: string;
  name: Localized;
  unit: string;
  previous: number;
  actual: number;
  relativeChange: number;
}

export interface ForecastLine {
  scorecard: string;
  kpi: string;
  name: Localized;
  unit: string;
  direction: 'higher' | 'lower';
  actual: number | null;
  projected: number;
  target: number;
  deviation: number; // projected ÷ target − 1: −0.12 = heading 12 % under target
  onTrack: boolean; // the projection meets the target the KPI's way
}

export interface ReviewPack {
  team: TeamRef;
  week: { label: string; start: number; end: number; timeZone: string; first: string; last: string };
  previousWeek: string;
  scorecards: CardChange[];
  movers: { up: Mover[]; down: Mover[] };
  redLines: { opened: RedLineEvent[]; resolved: RedLineEvent[] };
  funnel: {
    newSqls: number | null;
    previousSqls: number | null;
    conversion: number | null;
    previousConversion: number | null;
    stalledDays: number;
    stalled: StalledDeal[];
  };
  forecast: ForecastLine[];
  alerts: FiredAlert[];
  actionItems: ActionItem[];
  // sha256 of the week's results (every section but the action items, which the meeting keeps changing):
  // a closed week's pack generated again carries the same hash unless its results were restated
  dataHash: string;
}

const MOVERS = 3; // biggest movers shown each way

function kpiChange(k: ResultCard['kpis'][number], before: ResultCard['kpis'][number] | undefined): KpiChange {
  const previous = before?.actual ?? null;
  const change = k.actual !== null && previous !== null ? k.actual - previous : null;
  const relativeChange = change !== null && previous !== null && previous !== 0 ? change / Math.abs(previous) : null;
  return {
    kpi: k.kpi,
    name: k.name,
    unit: k.unit,
    direction: k.direction,
    actual: k.actual,
    previous,
    change,
    relativeChange,
    better: change === null || change === 0 ? null : change > 0 === (k.direction === 'higher'),
    target: k.target,
    score: k.score,
    status: k.status,
    redLine: k.redLine,
  };
}

function cardChange(card: ResultCard, before: ResultCard | undefined): CardChange {
  const byKpi = new Map(before?.kpis.map((k) => [k.kpi, k]));
  const previousTotal = before?.total ?? null;
  return {
    scorecard: card.scorecard,
    name: card.name,
    window: card.window,
    periodStart: card.periodStart,
    periodEnd: card.periodEnd,
    closed: card.closed,
    frozen: card.frozen,
    restatement: card.restatement,
    total: card.total,
    previousTotal,
    totalChange: card.total !== null && previousTotal !== null ? card.total - previousTotal : null,
    grade: card.grade,
    previousGrade: before?.grade ?? null,
    kpis: card.kpis.map((k) => kpiChange(k, byKpi.get(k.kpi))),
  };
}

// the KPIs that moved most, by relative change, each way (better and worse by the KPI's direction)
function moversOf(cards: readonly CardChange[]): { up: Mover[]; down: Mover[] } {
  const all = cards.flatMap((c) =>
    c.kpis.flatMap((k) =>
      k.relativeChange === null || k.better === null || k.actual === null || k.previous === null
        ? []
        : [
            {
              mover: {
                scorecard: c.scorecard,
                kpi: k.kpi,
                name: k.name,
                unit: k.unit,
                previous: k.previous,
                actual: k.actual,
                relativeChange: k.relativeChange,
              },
              better: k.better,
            },
          ],
    ),
  );
  const ranked = (better: boolean) =>
    all
      .filter((m) => m.better === better)
      .sort(
        (a, b) =>
          Math.abs(b.mover.relativeChange) - Math.abs(a.mover.relativeChange) ||
          a.mover.scorecard.localeCompare(b.mover.scorecard) ||
          a.mover.kpi.localeCompare(b.mover.kpi),
      )
      .slice(0, MOVERS)
      .map((m) => m.mover);
  return { up: ranked(true), down: ranked(false) };
}

// KPIs whose period runs past the week: where their run rate takes them by the period's end
function forecastOf(cards: readonly ResultCard[]): ForecastLine[] {
  return cards.flatMap((c) =>
    c.closed
      ? []
      : c.kpis.flatMap((k) => {
          if (k.projected === null || k.target === 0) return [];
          const deviation = k.projected / k.target - 1;
          return [
            {
              scorecard: c.scorecard,
              kpi: k.kpi,
              name: k.name,
              unit: k.unit,
              direction: k.direction,
              actual: k.actual,
              projected: k.projected,
              target: k.target,
              deviation,
              onTrack: k.direction === 'higher' ? deviation >= 0 : deviation <= 0,
            },
          ];
        }),
  );
}

const byTime =
  <T extends { scorecard: string; kpi: string; entityId: string }>(at: (t: T) => number) =>
  (a: T, b: T): number =>
    at(a) - at(b) ||
    a.entityId.localeCompare(b.entityId) ||
    a.scorecard.localeCompare(b.scorecard) ||
    a.kpi.localeCompare(b.kpi);

const within = (week: ReviewWeek, at: number | null): boolean => at !== null && at >= week.start && at < week.end;

export function buildReviewPack(inputs: ReviewInputs): ReviewPack {
  const { week } = inputs;
  const before = new Map(inputs.previous.map((c) => [c.scorecard, c]));
  const scorecards = [...inputs.current]
    .sort((a, b) => a.scorecard.localeCompare(b.scorecard))
    .map((c) => cardChange(c, before.get(c.scorecard)));
  const data = {
    team: inputs.team,
    week: { label: week.label, start: week.start, end: week.end, timeZone: week.timeZone, ...weekDates(week) },
    previousWeek: previousWeek(week).label,
    scorecards,
    movers: moversOf(scorecards),
    redLines: {
      opened: inputs.redLines.filter((r) => within(week, r.openedAt)).sort(byTime((r) => r.openedAt)),
      resolved: inputs.redLines.filter((r) => within(week, r.resolvedAt)).sort(byTime((r) => r.resolvedAt ?? 0)),
    },
    funnel: { ...inputs.funnel, stalled: [...inputs.funnel.stalled] },
    forecast: forecastOf(inputs.current).sort((a, b) => a.deviation - b.deviation || a.kpi.localeCompare(b.kpi)),
    alerts: inputs.alerts.filter((a) => within(week, a.at)).sort(byTime((a) => a.at)),
  };
  return { ...data, actionItems: carriedItems(inputs.actionItems, week), dataHash: dataHashOf(data) };
}
