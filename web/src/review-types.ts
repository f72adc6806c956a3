import type { Localized } from './types';

// The weekly review pack's wire types (GET /v1/review-packs/…), kept in step with libs/review by hand:
// the browser bundle imports nothing from the server.
export type ActionStatus = 'open' | 'in_progress' | 'done' | 'dropped';
export const ACTION_STATUSES: readonly ActionStatus[] = ['open', 'in_progress', 'done', 'dropped'];

export interface ActionItem {
  id: string;
  teamId: string;
  title: string;
  owner: string;
  dueDate: string;
  status: ActionStatus;
  raisedWeek: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

export interface KpiChange {
  kpi: string;
  name: Localized;
  unit: string;
  direction: 'higher' | 'lower';
  actual: number | null;
  previous: number | null;
  change: number | null;
  relativeChange: number | null;
  better: boolean | null;
  target: number;
  score: number | null;
  status: 'green' | 'amber' | 'red' | 'missing' | null;
  redLine: boolean;
}

export interface CardChange {
  scorecard: string;
  name: Localized;
  window: string;
  periodStart: number;
  periodEnd: number;
  closed: boolean;
  frozen?: boolean; // the closed period's frozen result of record (packs made before closes: absent)
  restatement?: string | null; // the approved restatement that result comes from
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

export interface RedLineEvent {
  scorecard: string;
  kpi: string;
  effect: string;
  level: string;
  entityId: string;
  openedAt: number;
  resolvedAt: number | null;
}

export interface FiredAlert {
  scorecard: string;
  rule: string;
  kpi: string;
  name: Localized;
  severity: string;
  level: string;
  entityId: string;
  at: number;
  value: number | null;
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
  deviation: number;
  onTrack: boolean;
}

export interface ReviewPack {
  team: { orgId: string; teamId: string };
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
    stalled: { dealId: string; owner: string | null; stage: string | null; lastMoveAt: number; ageDays: number }[];
  };
  forecast: ForecastLine[];
  alerts: FiredAlert[];
  actionItems: ActionItem[];
  dataHash: string;
}

export interface StoredPack {
  pack: ReviewPack;
  dataHash: string;
  generatedAt: number;
  generations: number;
  firstHash: string; // the week's first generation's: a different dataHash means restated results
}

export interface PackWeeks {
  lastWeek: string;
  weeks: { week: string; dataHash: string; generatedAt: number }[];
}
