import type { CurrencySettings } from '#libs/events';
import type { CalendarWindow, WorkingCalendar } from '#libs/time';

// The parsed, validated KPI-as-code model. YAML/JSON files (docs/definitions.md) are parsed into
// these shapes; the indicator engine and the scoring library consume only these.

export type Level = 'agent' | 'team' | 'org';
export const LEVELS: readonly Level[] = ['agent', 'team', 'org'];

export type RollingWindow = 'rolling:1h' | 'rolling:24h' | 'rolling:7d' | 'rolling:30d';
export type { CalendarWindow };
export type WindowName = RollingWindow | CalendarWindow;
export const ROLLING_WINDOWS: readonly RollingWindow[] = ['rolling:1h', 'rolling:24h', 'rolling:7d', 'rolling:30d'];
export const CALENDAR_WINDOWS: readonly CalendarWindow[] = ['day', 'week', 'month', 'quarter', 'year'];

const ROLLING: ReadonlySet<string> = new Set(ROLLING_WINDOWS);

// Takes any string so that a window read back from storage (`rolling:7d`, `month`) can be told apart too.
export function isRolling(window: string): window is RollingWindow {
  return ROLLING.has(window);
}

export interface Localized {
  en: string;
  zh: string;
}

// A dotted path into a canonical event: `time`, `subject`, `data.amount`, or `$date` (the event's
// local calendar date in the org's time zone, for distinct counts such as agent-days).
export type FieldPath = string;

export type ConditionOp = 'eq' | 'ne' | 'in' | 'notIn' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists';
export interface Condition {
  field: FieldPath;
  op: ConditionOp;
  // eq/ne: scalar; in/notIn: array of scalars; gt..lte: number; exists: boolean
  value: string | number | boolean | readonly (string | number | boolean)[];
}

export type DurationUnit = 's' | 'min' | 'h' | 'd';

export type Aggregation =
  | { kind: 'count' }
  | { kind: 'sum'; fields: readonly FieldPath[] } // the fields are added per event (talk + hold + wrap)
  | { kind: 'distinct'; fields: readonly FieldPath[] } // distinct tuples of the fields
  | { kind: 'duration'; from: FieldPath; to: FieldPath; unit: DurationUnit }; // sum of (to - from)

// One additive quantity taken from the events of some types.
export interface Term {
  types: readonly string[];
  where: readonly Condition[];
  // Which timestamp places the event in a window: `time` (event time, default) or a date field
  // such as `data.dueDate` (YYYY-MM-DD in the org's time zone; calendar windows only).
  timeField: FieldPath;
  aggregation: Aggregation;
}

// What a lifecycle measure takes of each joined pair (docs/definitions.md "Lifecycle measures").
export type LifecycleResult =
  | { kind: 'average'; unit: DurationUnit } // the mean time from start to end
  | { kind: 'within'; withinMs: number }; // the share of pairs whose end came within withinMs of the start

export type LifecyclePick = 'first' | 'last';

export type Measure =
  // value = numerator / denominator × scale, or numerator × scale when there is no denominator
  | { kind: 'terms'; numerator: Term; denominator?: Term; scale: number }
  // open balance of invoices more than `afterDays` days past due ÷ total open balance, as of the clock
  | { kind: 'overdue-ratio'; afterDays: number }
  // fed by `kpi.manual_score` events from an authorized reviewer; the latest score in the period counts
  | { kind: 'manual'; scale: readonly [number, number]; reviewers?: readonly string[] }
  // the first `from` and the first (or last) `to` event sharing a key, at most horizonMs apart
  | {
      kind: 'lifecycle';
      key: FieldPath;
      from: Term; // count terms: types and conditions only
      to: Term;
      pick: LifecyclePick;
      result: LifecycleResult;
      horizonMs: number;
    }
  // the share of `from` keys that a `to` of the same key followed within withinMs
  | { kind: 'conversion'; key: FieldPath; from: Term; to: Term; withinMs: number };

export type IndicatorUnit =
  'ratio' | 'count' | 'amount' | 'seconds' | 'minutes' | 'hours' | 'days' | 'points' | 'number';

export interface IndicatorDef {
  id: string;
  version: number;
  name: Localized;
  description: string;
  unit: IndicatorUnit;
  levels: readonly Level[];
  windows: readonly WindowName[];
  allowedLatenessMs: number;
  measure: Measure;
}

// An org's reporting currency and exchange rates (CurrencySettings, libs/events) and its time zone.
// `id` '*' is the default for orgs not listed.
export interface OrgSettings extends CurrencySettings {
  timeZone: string; // IANA, e.g. Asia/Shanghai
  // `workingDays` and `holidays`: where set, a KPI's pace runs by working days instead of by time
  calendar?: WorkingCalendar;
}

export type Direction = 'higher' | 'lower';

export interface Comparison {
  op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
  value: number;
}

export interface Band {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  score: number; // in the rule's own points (see outOf)
  label?: string; // S / A / B...
}

export type ScoringRule =
  // achievement = actual/target (higher) or target/actual (lower); below floor → belowFloorScore,
  // from floor to 1 → achievement × 100, above 1 → up to cap × 100
  | { kind: 'achievement'; floor: number; cap: number; belowFloorScore: number }
  // first matching band wins; score normalised to 0–100 by outOf
  | { kind: 'bands'; bands: readonly Band[]; outOf: number }
  // base + pointsPerStep × (actual − target) / step, clamped to [min, max], normalised by outOf
  | { kind: 'linear'; step: number; pointsPerStep: number; base: number; min: number; max: number; outOf: number }
  // start − perOccurrence × max(0, count − free), not below min, normalised by outOf
  | { kind: 'deduction'; free: number; perOccurrence: number; start: number; min: number; outOf: number }
  // pass → 100, fail → 0
  | { kind: 'binary'; pass: Comparison };

export type MissingPolicy =
  | { kind: 'exclude' } // the KPI's weight is shared among the others of its dimension
  | { kind: 'zero' }
  | { kind: 'full' }
  | { kind: 'score'; score: number };

export type RedLineEffect =
  | { kind: 'veto' } // total becomes 0
  | { kind: 'zero-dimension' } // the KPI's dimension scores 0
  | { kind: 'zero-kpi' } // the KPI scores 0
  | { kind: 'deduct'; points: number } // points off the total
  | { kind: 'cap-grade'; grade: string }; // the grade can be at best this

export interface RedLine {
  // 'target-missed': the actual misses the KPI target in its direction; else a comparison on the actual
  when: 'target-missed' | Comparison;
  effects: readonly RedLineEffect[];
}

export interface KpiDef {
  id: string;
  name: Localized;
  indicator: string;
  window: WindowName; // defaults to the scorecard's period
  dimension: string;
  weight: number; // 0: scored and shown, outside the graded total (a row the seed's points table lacks)
  direction: Direction;
  target: number;
  rule: ScoringRule;
  missing: MissingPolicy;
  redLines: readonly RedLine[];
  status?: StatusThresholds; // this KPI's own RAG thresholds instead of the scorecard's
  // before its calendar period closes, a cumulative KPI is scored on the pro-rated target (pace) or on
  // the full one (target, the default); after, always on the full target (docs/definitions.md, Pace)
  beforeClose?: 'pace' | 'target';
  source: string; // the seed line it comes from
}

export interface DimensionDef {
  id: string;
  name: Localized;
  weight: number;
}

export interface GradeDef {
  grade: string; // A, B, C, D — best first
  min: number; // lowest total for the grade, inclusive unless minExclusive
  minExclusive?: boolean; // the total must be above min (seed 003: "95<总分≤100")
  coefficient?: number; // bonus coefficient (seed 002: A 1.5 …)
  bonus?: number; // bonus amount in the org currency (seed 003: A 300 …)
}

export type AlertSeverity = 'critical' | 'warning' | 'info';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

// How far worse than its target a KPI is: a share of the target (0.05 = 5 %) or a margin in its unit.
export type Shortfall = { kind: 'relative'; value: number } | { kind: 'margin'; value: number };

// What an alert rule watches (docs/definitions.md "Alert rules").
export type AlertCondition =
  // a red line of the KPI is crossed
  | { kind: 'red-line' }
  // the actual is worse than the target (the pro-rated one while scored on pace) by at least `fireAt`;
  // firing, it resolves only once back under `resolveUnder` (hysteresis); never on fewer than minSample events
  | { kind: 'deviation'; fireAt: Shortfall; resolveUnder: Shortfall; minSample: number }
  // the last `periods` closed periods in a row missed: the KPI's target, a KPI score, or the card's total
  | { kind: 'streak'; periods: number; when: StreakTest }
  // the run-rate projection to the period end misses the full target by at least missBy (a share), once
  // at least fromElapsed of the period has passed (an early projection is noise)
  | { kind: 'pace'; missBy: number; resolveUnder: number; fromElapsed: number };

export type StreakTest =
  | { kind: 'target-missed' }
  | { kind: 'score-below'; score: number } // a KPI's score
  | { kind: 'total-below'; total: number }; // the scorecard's total (the rule names no KPIs)

export interface AlertRuleDef {
  id: string;
  name: Localized;
  severity: AlertSeverity;
  // the KPIs watched, each alerting on its own; null: every KPI of the card (or the card itself for total-below)
  kpis: readonly string[] | null;
  condition: AlertCondition;
  forMs: number; // the condition holds this long (event time) before the alert fires: pending until then
  keepFiringForMs: number; // once clear, it stays firing this long before it resolves
  labels: Readonly<Record<string, string>>;
  source: string; // the seed line it comes from
}

// KPI score ≥ green → green, ≥ amber → amber, else red
export interface StatusThresholds {
  green: number;
  amber: number;
}

// When a period of the scorecard is frozen: at its end in the org's time zone plus the grace
// (docs/review-and-close.md). Absent: the longest allowed lateness of the card's indicators.
export interface CloseDef {
  graceMs: number;
}

// Ties in a ranking by total are broken by this KPI's actual, the better in its direction first (seed 003
// "如出现绩效分值相同时,则按照其个人销售额排名": personal sales amount).
export interface TiebreakDef {
  kpi: string;
}

// A forced distribution (seed 002 "A级 … 占比≤10%, B级 … 占比≤30%"): at close, at most `atMost` of the
// population may hold each limited grade; the overflow is proposed a grade lower.
export interface CalibrationDef {
  // whom the shares are of: every entity of the scorecard in the org (the card is per role, so all agents
  // of the role in the org)
  population: 'role-in-org';
  limits: readonly { grade: string; atMost: number }[]; // best first, atMost a share in (0, 1]
  tiebreak: TiebreakDef | null;
  source: string;
}

// One paid place of a rank-based pool (seed 003 "最高者 … 占有40%加200元"): a share of the pool plus an amount.
export interface BonusPlace {
  share: number;
  plus: number; // in the org currency
}

// A bonus pool split by rank at close (seed 003 奖金发放规则): the pool is `rate` × the population's sum of
// the base KPI's actuals; the places go by rank (ties by `tiebreak`), the `rest` share equally to the others.
export interface BonusPoolDef {
  base: { kpi: string; rate: number };
  places: readonly BonusPlace[];
  rest: number; // a share of the pool
  tiebreak: TiebreakDef | null;
  source: string;
}

// flag: a warning to act on (seed 003 调离岗位或建议离职); promotion and raise: eligibility
export type StreakOutcome = 'flag' | 'promotion' | 'raise';

export type StreakOutcomeTest =
  | { kind: 'total-below'; total: number } // the period's total below this
  | { kind: 'grade-at-least'; grade: string }; // the period's grade this one or better

// A result over consecutive closed periods, computed at close per person (seed 003 "连续3个月…").
export interface StreakRuleDef {
  id: string;
  name: Localized;
  periods: number;
  when: StreakOutcomeTest;
  outcome: StreakOutcome;
  source: string;
}

export interface ScorecardDef {
  id: string;
  version: number;
  effectiveFrom: string; // YYYY-MM-DD; the version in force at as-of is the latest effectiveFrom ≤ as-of
  name: Localized;
  role: string;
  level: Level;
  period: CalendarWindow;
  dimensions: readonly DimensionDef[];
  kpis: readonly KpiDef[];
  grades: readonly GradeDef[]; // best first
  status: StatusThresholds; // for every KPI without its own
  maxDeduction?: number; // cap on red-line point deductions in total (seed 000: 5–10)
  alerts: readonly AlertRuleDef[]; // the alert rules on this card's KPIs, versioned with it
  close?: CloseDef;
  calibration?: CalibrationDef;
  bonusPool?: BonusPoolDef;
  streaks: readonly StreakRuleDef[]; // computed at each close
  source: string;
}

export interface DefinitionSet {
  orgs: readonly OrgSettings[];
  indicators: readonly IndicatorDef[];
  scorecards: readonly ScorecardDef[];
}
