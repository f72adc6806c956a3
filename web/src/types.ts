// The server's wire types (scorecard gateway, REST and socket.io). Kept in step with libs/scoring and
// libs/pipeline by hand: the browser bundle imports nothing from the server.

export type Localized = { en: string; zh: string };
export type KpiStatus = 'green' | 'amber' | 'red' | 'missing';

export interface KpiScore {
  kpi: string;
  indicator: string;
  name: Localized;
  dimension: string;
  actual: number | null;
  target: number;
  achievement: number | null;
  score: number | null;
  weight: number;
  status: KpiStatus;
  redLine: boolean;
  missing: boolean;
  unit: IndicatorUnit; // the indicator's, from the definitions
}

export type IndicatorUnit =
  'ratio' | 'count' | 'amount' | 'seconds' | 'minutes' | 'hours' | 'days' | 'points' | 'number';

export interface DimensionScore {
  dimension: string;
  name: Localized;
  weight: number;
  score: number | null;
}

export interface RedLineHit {
  kpi: string;
  effect: 'veto' | 'zero-dimension' | 'zero-kpi' | 'deduct' | 'cap-grade';
  points?: number;
  grade?: string;
}

export interface ScorecardScore {
  scorecard: string;
  version: number;
  kpis: KpiScore[];
  dimensions: DimensionScore[];
  total: number | null;
  grade: string | null;
  coefficient: number | null;
  bonus: number | null;
  redLines: RedLineHit[];
  deducted: number;
}

export interface EntityRef {
  level: 'agent' | 'team' | 'org';
  id: string;
  orgId: string;
}

// The scorecard's own period, or the view window it was re-scored over
export type Window =
  'rolling:1h' | 'rolling:24h' | 'rolling:7d' | 'rolling:30d' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface ScoredCard {
  entity: EntityRef;
  periodStart: number;
  periodEnd: number; // exclusive
  timeZone: string; // the org's, IANA: the period's dates are shown in it, whatever the browser's zone
  window: Window;
  scorecardName: Localized;
  score: ScorecardScore;
}

export type Role = 'admin' | 'manager' | 'agent' | 'display' | 'platform';

export interface Me {
  role: Role;
  org: string;
  teams: string[];
  agent?: string;
  rooms: string[];
}

export interface RoomSnapshot {
  room: string;
  seq: number;
  cards: ScoredCard[];
}

export interface RoomUpdate {
  room: string;
  seq: number;
  card: ScoredCard;
  offset: number;
}

export interface HistoryPoint {
  periodStart: number | string;
  total: number | null;
  grade: string | null;
  recordedAt: number | string;
  actuals: Record<string, number | null>;
}

// 'live' is the scorecard's own period as pushed over the socket; the others are re-scored on request
export type Period = 'live' | 'rolling:24h' | 'week' | 'month' | 'quarter';
export const PERIODS: readonly Period[] = ['live', 'rolling:24h', 'week', 'month', 'quarter'];

export type ConnectionState = 'live' | 'reconnecting' | 'offline';
