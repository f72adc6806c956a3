import { isValidTimeZone, parseLocalDate } from './zone-clock';

export type ManualCadence = 'week' | 'month';

// What a reviewer's scores look like: within the scale, around the KPI target (a skilled agent
// meets it), whole numbers for counts. Without a target, scores are 60–100 % of the scale.
export interface ManualIndicatorSpec {
  id: string;
  scale?: readonly [number, number]; // default [0, 100]
  target?: number;
  direction?: 'higher' | 'lower';
  integer?: boolean;
}

export interface SimulationOptions {
  orgs: number;
  teamsPerOrg: number;
  agentsPerTeam: number;
  days: number;
  // first local date, YYYY-MM-DD in timeZone
  start: string;
  // IANA zone of every simulated org; default Asia/Shanghai
  timeZone?: string;
  // default 1
  seed?: number;
  // each rate is the chance, per emitted event, of the extra behaviour; default 0
  duplicateRate?: number;
  lateRate?: number;
  outOfOrderRate?: number;
  invalidRate?: number;
  // manual indicators scored by reviewers (kpi.manual_score): ids, or specs that keep values realistic
  manualIndicators?: readonly (string | ManualIndicatorSpec)[];
  // week: every Friday; month: on the last weekday of the month. Default week.
  manualCadence?: ManualCadence;
  // reviewer ids used instead of mgr-<teamId>, assigned to teams round-robin
  reviewers?: readonly string[];
  // put before every event and record id, so that two runs never share one (the demo's history and its
  // live stream, a live stream and the one of the start before). Default none.
  idPrefix?: string;
}

export interface ResolvedOptions {
  orgs: number;
  teamsPerOrg: number;
  agentsPerTeam: number;
  days: number;
  startDay: number;
  timeZone: string;
  seed: number;
  duplicateRate: number;
  lateRate: number;
  outOfOrderRate: number;
  invalidRate: number;
  manualIndicators: readonly ManualIndicatorSpec[];
  manualCadence: ManualCadence;
  reviewers: readonly string[];
  idPrefix: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export class SimulationOptionsError extends Error {
  readonly code = 'invalid-simulation-option';
  constructor(
    readonly field: keyof SimulationOptions,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'SimulationOptionsError';
  }
}

function positiveInteger(field: keyof SimulationOptions, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SimulationOptionsError(field, `expected a positive integer, got ${String(value)}`);
  }
  return value;
}

function rate(field: keyof SimulationOptions, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new SimulationOptionsError(field, `expected a rate between 0 and 1, got ${String(value)}`);
  }
  return value;
}

export function resolveOptions(options: SimulationOptions): ResolvedOptions {
  const startDay = parseLocalDate(options.start);
  if (startDay === undefined) {
    throw new SimulationOptionsError('start', `expected a date YYYY-MM-DD, got "${options.start}"`);
  }
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isValidTimeZone(timeZone)) {
    throw new SimulationOptionsError('timeZone', `unknown IANA time zone "${timeZone}"`);
  }
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) {
    throw new SimulationOptionsError('seed', `expected an integer, got ${String(seed)}`);
  }
  const manualIndicators = (options.manualIndicators ?? []).map((m) => (typeof m === 'string' ? { id: m } : m));
  if (manualIndicators.some((m) => m.id.trim() === '')) {
    throw new SimulationOptionsError('manualIndicators', 'expected non-empty indicator ids');
  }
  const reviewers = options.reviewers ?? [];
  if (reviewers.some((id) => id.trim() === '')) {
    throw new SimulationOptionsError('reviewers', 'expected non-empty reviewer ids');
  }
  return {
    orgs: positiveInteger('orgs', options.orgs),
    teamsPerOrg: positiveInteger('teamsPerOrg', options.teamsPerOrg),
    agentsPerTeam: positiveInteger('agentsPerTeam', options.agentsPerTeam),
    days: positiveInteger('days', options.days),
    startDay,
    timeZone,
    seed,
    duplicateRate: rate('duplicateRate', options.duplicateRate),
    lateRate: rate('lateRate', options.lateRate),
    outOfOrderRate: rate('outOfOrderRate', options.outOfOrderRate),
    invalidRate: rate('invalidRate', options.invalidRate),
    manualIndicators,
    manualCadence: options.manualCadence ?? 'week',
    reviewers,
    idPrefix: options.idPrefix ?? '',
  };
}
