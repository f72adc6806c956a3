import { ALERT_SEVERITIES } from '#libs/definitions';
import { minuteOfDay } from './quiet-hours';
import {
  MATCHER_KEYS,
  ROUTING_DEFAULTS,
  type AlertMatchers,
  type MatcherKey,
  type QuietHours,
  type SubscriptionOwner,
} from './subscription';

export type AlertInputCode = 'missing' | 'invalid' | 'out_of_range' | 'unknown_field' | 'forbidden';

// A subscription or silence refused, by the field at fault: a 400 (a 403 for `forbidden`).
export class AlertInputError extends Error {
  constructor(
    readonly field: string,
    readonly code: AlertInputCode,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const RULE_KINDS = ['red-line', 'deviation', 'streak', 'pace'] as const;
const MAX_ID = 200;
const MAX_LIST = 200;

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function known(body: Json, field: string, keys: readonly string[]): void {
  for (const key of Object.keys(body))
    if (!keys.includes(key))
      throw new AlertInputError(
        field === '' ? key : `${field}.${key}`,
        'unknown_field',
        `expected one of ${keys.join(', ')}`,
      );
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

// { team: "T1", severity: ["critical", "warning"] }: a value or a non-empty list per key
export function parseMatchers(value: unknown, field = 'matchers'): AlertMatchers {
  if (value === undefined) return {};
  if (!isObject(value)) throw new AlertInputError(field, 'invalid', 'expected an object of matchers');
  known(value, field, MATCHER_KEYS);
  const out: AlertMatchers = {};
  for (const key of MATCHER_KEYS) {
    const v = value[key];
    if (v === undefined) continue;
    const f = `${field}.${key}`;
    const list = Array.isArray(v) ? (v as unknown[]) : [v];
    if (list.length === 0 || list.length > MAX_LIST || !list.every(isId))
      throw new AlertInputError(f, 'invalid', `expected an id or a list of 1 to ${MAX_LIST} ids`);
    const allowed = key === 'severity' ? ALERT_SEVERITIES : key === 'kind' ? RULE_KINDS : null;
    const bad = allowed === null ? undefined : list.find((x) => !(allowed as readonly unknown[]).includes(x));
    if (allowed !== null && bad !== undefined)
      throw new AlertInputError(f, 'invalid', `expected one of ${allowed.join(', ')}, got "${String(bad)}"`);
    out[key] = Array.isArray(v) ? list : (v as string);
  }
  return out;
}

const valuesOf = (v: string | readonly string[] | undefined): readonly string[] | undefined =>
  v === undefined ? undefined : typeof v === 'string' ? [v] : v;

// Whether the caller may subscribe to (or silence) what the matchers select: an admin anything in their
// org, a manager only their teams (a team matcher of theirs, or an agent matcher of agents the roster puts
// in their teams: `teamOf`), an agent only their own alerts (the agent matcher, theirs only). Never
// another org.
export function checkScope(
  owner: SubscriptionOwner,
  matchers: AlertMatchers,
  teamOf: (agentId: string) => string | undefined = () => undefined,
  field = 'matchers',
): void {
  const orgs = valuesOf(matchers.org);
  if (orgs !== undefined && orgs.some((o) => o !== owner.orgId))
    throw new AlertInputError(`${field}.org`, 'forbidden', `only your own org, ${owner.orgId}`);
  switch (owner.role) {
    case 'admin':
      return;
    case 'manager': {
      const teams = valuesOf(matchers.team);
      const agents = valuesOf(matchers.agent);
      const mine = (team: string | undefined) => team !== undefined && owner.teams.includes(team);
      if (teams !== undefined && !teams.every(mine))
        throw new AlertInputError(
          `${field}.team`,
          'forbidden',
          `a manager names their own teams: ${owner.teams.join(', ')}`,
        );
      if (teams !== undefined) return;
      if (agents === undefined)
        throw new AlertInputError(
          `${field}.team`,
          'forbidden',
          `a manager names their own teams (${owner.teams.join(', ')}) or agents in them`,
        );
      if (!agents.every((a) => mine(teamOf(a))))
        throw new AlertInputError(
          `${field}.agent`,
          'forbidden',
          `a manager names agents of their own teams: ${owner.teams.join(', ')}`,
        );
      return;
    }
    case 'agent': {
      const agents = valuesOf(matchers.agent);
      if (agents === undefined || agents.some((a) => a !== owner.agentId))
        throw new AlertInputError(
          `${field}.agent`,
          'forbidden',
          `an agent subscribes to their own alerts: ${owner.agentId ?? ''}`,
        );
      return;
    }
  }
}

export interface RoutingFields {
  matchers: AlertMatchers;
  language: 'zh' | 'en';
  groupBy: readonly MatcherKey[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  quietHours: QuietHours | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOUNDS = {
  groupWaitMs: [0, HOUR],
  groupIntervalMs: [0, DAY],
  repeatIntervalMs: [60_000, 30 * DAY],
} as const;

export const SUBSCRIPTION_FIELDS = [
  'matchers',
  'channel',
  'language',
  'groupBy',
  'groupWaitMs',
  'groupIntervalMs',
  'repeatIntervalMs',
  'quietHours',
] as const;

function interval(body: Json, key: keyof typeof BOUNDS, fallback: number): number {
  const v = body[key];
  if (v === undefined) return fallback;
  const [min, max] = BOUNDS[key];
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new AlertInputError(key, 'invalid', 'expected a whole number of milliseconds');
  if (v < min || v > max) throw new AlertInputError(key, 'out_of_range', `expected ${min} to ${max} ms, got ${v}`);
  return v;
}

function quietHours(v: unknown, fallback: QuietHours | null): QuietHours | null {
  if (v === undefined) return fallback;
  if (v === null) return null;
  if (!isObject(v))
    throw new AlertInputError('quietHours', 'invalid', 'expected { from: "22:00", to: "08:00" } or null');
  known(v, 'quietHours', ['from', 'to']);
  for (const key of ['from', 'to'] as const)
    if (typeof v[key] !== 'string' || minuteOfDay(v[key]) === null)
      throw new AlertInputError(`quietHours.${key}`, 'invalid', 'expected a local time HH:MM (00:00 to 23:59)');
  return { from: v.from as string, to: v.to as string };
}

// A subscription's routing fields from a request body (the channel is read by libs/notify parseChannel);
// `base`: the stored ones a PATCH changes, else the defaults.
export function parseRoutingFields(body: unknown, base?: RoutingFields): RoutingFields {
  if (!isObject(body)) throw new AlertInputError('body', 'invalid', 'expected a JSON object');
  known(body, '', SUBSCRIPTION_FIELDS);
  const language = body.language ?? base?.language ?? null;
  if (language !== 'zh' && language !== 'en')
    throw new AlertInputError('language', language === null ? 'missing' : 'invalid', 'expected zh or en');
  let groupBy = base?.groupBy ?? ROUTING_DEFAULTS.groupBy;
  if (body.groupBy !== undefined) {
    const v = body.groupBy;
    if (
      !Array.isArray(v) ||
      !v.every((k) => (MATCHER_KEYS as readonly unknown[]).includes(k)) ||
      new Set(v).size !== v.length
    )
      throw new AlertInputError(
        'groupBy',
        'invalid',
        `expected a list of distinct labels among ${MATCHER_KEYS.join(', ')}`,
      );
    groupBy = v as MatcherKey[];
  }
  return {
    matchers: body.matchers === undefined && base !== undefined ? base.matchers : parseMatchers(body.matchers),
    language,
    groupBy,
    groupWaitMs: interval(body, 'groupWaitMs', base?.groupWaitMs ?? ROUTING_DEFAULTS.groupWaitMs),
    groupIntervalMs: interval(body, 'groupIntervalMs', base?.groupIntervalMs ?? ROUTING_DEFAULTS.groupIntervalMs),
    repeatIntervalMs: interval(body, 'repeatIntervalMs', base?.repeatIntervalMs ?? ROUTING_DEFAULTS.repeatIntervalMs),
    quietHours: quietHours(body.quietHours, base?.quietHours ?? null),
  };
}

export interface SilenceFields {
  matchers: AlertMatchers;
  startsAt: number;
  endsAt: number;
  comment: string;
}

const MAX_SILENCE_MS = 365 * DAY;
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function instant(v: unknown, field: string): number {
  const ms = typeof v === 'string' && RFC_3339.test(v) ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms))
    throw new AlertInputError(field, 'invalid', 'expected an RFC 3339 time, e.g. 2026-12-01T18:00:00+08:00');
  return ms;
}

// POST /v1/alert-silences: { matchers, endsAt, comment, startsAt? (default now) }. A silence needs at least
// one matcher (an empty one would mute the whole org) and ends after now, within a year.
export function parseSilence(body: unknown, now: number): SilenceFields {
  if (!isObject(body)) throw new AlertInputError('body', 'invalid', 'expected a JSON object');
  known(body, '', ['matchers', 'startsAt', 'endsAt', 'comment']);
  if (body.matchers === undefined) throw new AlertInputError('matchers', 'missing', 'expected the alerts to silence');
  const matchers = parseMatchers(body.matchers);
  if (Object.keys(matchers).length === 0)
    throw new AlertInputError(
      'matchers',
      'invalid',
      'expected at least one matcher (a silence of everything is refused)',
    );
  if (body.endsAt === undefined) throw new AlertInputError('endsAt', 'missing', 'expected when the silence ends');
  const startsAt = body.startsAt === undefined ? now : instant(body.startsAt, 'startsAt');
  const endsAt = instant(body.endsAt, 'endsAt');
  if (endsAt <= Math.max(now, startsAt))
    throw new AlertInputError('endsAt', 'out_of_range', 'expected a time after now and after startsAt');
  if (endsAt - now > MAX_SILENCE_MS)
    throw new AlertInputError('endsAt', 'out_of_range', 'expected at most a year from now');
  const comment = body.comment;
  if (typeof comment !== 'string' || comment.trim() === '' || comment.length > 1000)
    throw new AlertInputError(
      'comment',
      comment === undefined ? 'missing' : 'invalid',
      'expected why, 1 to 1000 characters',
    );
  return { matchers, startsAt, endsAt, comment: comment.trim() };
}
