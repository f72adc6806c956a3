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
  direction: Direction; // the KPI's, from the definitions: which way is better
  pace?: KpiPace; // a cumulative KPI in a calendar period that has not closed yet
  unscored?: 'window'; // a view window its indicator does not provide: no score, out of the total
}

export type Direction = 'higher' | 'lower';

// Pace of a cumulative KPI in an open calendar period (libs/scoring's KpiPace)
export interface KpiPace {
  elapsed: number; // fraction of the period elapsed, in (0, 1]
  expected: number; // the pro-rated target at that moment
  projected: number | null; // run-rate projection of the actual to the period end
  gap: number | null; // actual ÷ expected − 1: 0.05 = ahead of pace by 5 %, −0.12 = behind by 12 %
  scoredOn: 'pace' | 'target'; // whether the score compared the actual with `expected` or the full target
}

export interface GradeDef {
  grade: string;
  min: number; // lowest total for the grade, inclusive unless minExclusive
  minExclusive?: boolean;
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
  currency: string; // the org's reporting currency (ISO 4217; '' when unknown): every amount is in it
  window: Window;
  scorecardName: Localized;
  grades: readonly GradeDef[]; // best first
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

// ---- alerts (GET /v1/alerts, the socket's `alerts` message: libs/pipeline AlertRecord, libs/postgres
// CurrentAlerts)

export type AlertLevel = 'org' | 'team' | 'agent';

// what an alert watches
export interface AlertSubject {
  orgId: string;
  scorecard: string;
  rule: string;
  severity: string | null;
  kpi: string; // '' for the card's total
  level: AlertLevel;
  entityId: string;
  periodStart: string | null;
  value: number | null;
}

export interface Acknowledgement {
  by: string;
  at: string;
}

// the silence in force that mutes an alert (who made it, until when, why)
export interface SilencedBy {
  id: string;
  by: string;
  until: string;
  comment: string;
}

export interface CurrentAlert extends AlertSubject {
  id: number | null; // the fired transition; null while pending
  status: 'pending' | 'firing';
  ruleName: Localized | null;
  since: string;
  acknowledged: Acknowledgement | null;
  silenced?: SilencedBy | null; // absent: not read yet (an alert pushed live)
}

export interface CurrentAlerts {
  firing: number;
  pending: number;
  alerts: CurrentAlert[];
}

export interface AlertRecord extends AlertSubject {
  id: number;
  key: string;
  kind: 'fired' | 'resolved';
  ruleName: Localized;
  firedAt: string;
  at: string;
}

// a message that carried a transition (read with the history; a transition pushed live has none yet)
export interface DeliveredTo {
  to: string;
  channel: string;
  status: 'pending' | 'delivered' | 'failed';
}

export type HistoryEntry = AlertRecord & { acknowledged: Acknowledgement | null; deliveries?: DeliveredTo[] };

export interface AlertAck {
  id: number;
  orgId: string;
  level: AlertLevel;
  entityId: string;
  by: string;
  at: string;
}

// an alert began to pend (`since`), or stopped pending without firing (`since` null)
export interface AlertPending extends AlertSubject {
  ruleName: Localized;
  since: string | null;
}

// one push: the news, or "too much at once: read the list again". A silence comes as its id alone: which
// alerts it mutes is read again from the list.
export type AlertNews =
  | {
      transitions: AlertRecord[];
      acknowledged: AlertAck[];
      pending?: AlertPending[];
      silences?: { id: string; ended: boolean }[];
    }
  | { reload: true };

// POST /v1/alert-silences
export interface SilenceRequest {
  matchers: { org: string; team?: string; agent?: string; kpi?: string; rule?: string };
  endsAt: string;
  comment: string;
}

// ---- alert subscriptions (/v1/alert-subscriptions)

export type ChannelKind = 'webhook' | 'dingtalk' | 'wecom' | 'feishu' | 'slack' | 'email';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'dingtalk', 'wecom', 'feishu', 'slack', 'email'];
// the channels that sign with a secret: required for a webhook, optional for the robots
export const SIGNING_CHANNELS: readonly ChannelKind[] = ['webhook', 'dingtalk', 'feishu'];
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export const RULE_KINDS = ['red-line', 'deviation', 'streak', 'pace'] as const;

export type MatcherValue = string | string[];
export type AlertMatchers = Partial<
  Record<'org' | 'team' | 'agent' | 'scorecard' | 'kpi' | 'rule' | 'kind' | 'severity', MatcherValue>
>;

export interface QuietHours {
  from: string;
  to: string;
}

// what the API shows of a channel: never a secret, a robot's URL as its origin only
export type PublicChannel =
  { kind: Exclude<ChannelKind, 'email'>; url: string; signed: boolean } | { kind: 'email'; to: string[] };

// what the page sends: a channel in full (its secret too), or none to keep the stored one
export type ChannelInput =
  { kind: Exclude<ChannelKind, 'email'>; url: string; secret?: string } | { kind: 'email'; to: string[] };

export interface AlertSubscription {
  id: string;
  owner: { subject: string; role: string };
  matchers: AlertMatchers;
  channel: PublicChannel;
  language: 'zh' | 'en';
  quietHours: QuietHours | null;
  updatedAt: string;
}

export interface SubscriptionInput {
  matchers?: AlertMatchers;
  channel?: ChannelInput;
  language?: 'zh' | 'en';
  quietHours?: QuietHours | null;
}

// GET /v1/sources (an admin's): a connector's webhooks by outcome, its last delivery and last error
export interface SourceListing {
  id: string;
  uri: string;
  name: string;
  connector?: string;
  webhooks?: {
    outcomes: Partial<Record<'accepted' | 'duplicate' | 'rejected' | 'ignored' | 'refused', number>>;
    lastDeliveryAt: string | null;
    lastError: string | null;
  };
}
