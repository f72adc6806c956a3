import {
  formatErrors,
  normalizeAmounts,
  validateEvent,
  type CanonicalEvent,
  type FieldError,
  type FieldErrorCode,
} from '#libs/events';
import type { DefinitionSet, IndicatorDef } from './model';
import { orgSettingsFor } from './org-settings';

// Why an event is not taken, stable for metrics and clients: the contract's FieldErrorCode, plus
// `invalid_json` (the text does not parse), `too_far_ahead` (timed beyond the receiver's clock + the
// tolerance), `unknown_org` (no org and no "*" default), for a kpi.manual_score
// `not_manual_indicator`, `out_of_scale` and `reviewer_not_allowed`, and `conflict` (a later delivery
// of a counted (source, id) with other content: the log or the engine tells it, not checkEvent).
export type RejectionCode =
  | FieldErrorCode
  | 'invalid_json'
  | 'too_far_ahead'
  | 'unknown_org'
  | 'conflict'
  | 'not_manual_indicator'
  | 'out_of_scale'
  | 'reviewer_not_allowed';

// The receiver's wall clock and how far ahead of it an event may be timed (clocks of producers drift).
// An event timed later is refused: folded, it would move its org's clock into the future, and every
// real event after it would be late.
export interface EventTimeBound {
  now: number; // the receiver's wall clock, ms since the epoch
  toleranceMs: number;
}

export const DEFAULT_EVENT_TIME_TOLERANCE_MS = 5 * 60_000;

// The same for a long-running receiver: its wall clock read at each check.
export interface ReceiverClock {
  now: () => number;
  toleranceMs: number;
}

// The too_far_ahead problem of an event timed timeMs, if it has one.
export function timeAheadProblem(timeMs: number, bound: EventTimeBound): EventProblem | undefined {
  if (timeMs <= bound.now + bound.toleranceMs) return undefined;
  return {
    field: 'time',
    code: 'too_far_ahead',
    reason:
      `${new Date(timeMs).toISOString()} is more than ${bound.toleranceMs / 1000} s ahead of ` +
      `the receiver's clock (${new Date(bound.now).toISOString()})`,
  };
}

// A rejected event: the first problem's field and code, and every problem in `message`
// (`data.contacts: expected a positive integer; time: is required`). id and source are echoed when
// they are valid, so that the rejection can be traced to its producer.
export interface EventRejection {
  field: string;
  code: RejectionCode;
  message: string;
  id?: string;
  source?: string;
}

// A taken event is the one the producer sent: amounts are checked convertible here but converted by
// the engine when it folds, so the log keeps what was sent.
export type EventCheck = { ok: true; event: CanonicalEvent; timeMs: number } | { ok: false; rejection: EventRejection };

// One problem of an event: where, which, why.
export interface EventProblem {
  field: string;
  code: RejectionCode;
  reason: string;
}

function rejected(
  problems: readonly [EventProblem, ...EventProblem[]],
  event: { id?: string; source?: string },
): EventCheck {
  const [first] = problems;
  const rejection: EventRejection = { field: first.field, code: first.code, message: formatErrors(problems) };
  if (event.id !== undefined) rejection.id = event.id;
  if (event.source !== undefined) rejection.source = event.source;
  return { ok: false, rejection };
}

function nonEmpty(errors: readonly FieldError[]): readonly [FieldError, ...FieldError[]] {
  const [first, ...rest] = errors;
  // validateEvent and normalizeAmounts never fail without an error
  // Stryker disable next-line all: the fallback is unreachable, it is there for the type checker
  return first === undefined ? [{ field: 'event', code: 'invalid_value', reason: 'rejected' }] : [first, ...rest];
}

// The definitions' side of a kpi.manual_score (the contract checked its shape): a manual indicator,
// a value within its scale, a reviewer it allows. The engine asks it too, before it folds a score.
export function manualScoreProblem(
  event: CanonicalEvent,
  indicators: readonly IndicatorDef[],
): EventProblem | undefined {
  const { indicator: id, value, reviewerId } = event.data;
  const def = indicators.find((d) => d.id === id);
  if (def === undefined || def.measure.kind !== 'manual') {
    return { field: 'data.indicator', code: 'not_manual_indicator', reason: `${String(id)} is not a manual indicator` };
  }
  const [low, high] = def.measure.scale;
  if (typeof value !== 'number' || value < low || value > high) {
    return { field: 'data.value', code: 'out_of_scale', reason: `expected a number from ${low} to ${high}` };
  }
  const { reviewers } = def.measure;
  if (reviewers !== undefined && !reviewers.includes(String(reviewerId))) {
    return {
      field: 'data.reviewerId',
      code: 'reviewer_not_allowed',
      reason: `${String(reviewerId)} may not score ${def.id}`,
    };
  }
  return undefined;
}

// The one check an event passes before it counts, at ingest, in the Kafka consumer and in `evaluate`:
// a string is parsed as JSON; then the contract (validateEvent), a time not beyond the receiver's clock
// + tolerance, a known org, a currency the org can convert, and for a manual score the indicator's scale
// and reviewers. `time`: the receiver's clock, given by the caller; null for a batch as of a date
// (`evaluate`, which ignores events after its --as-of). Pure; never throws.
export function checkEvent(raw: unknown, definitions: DefinitionSet, time: EventTimeBound | null): EventCheck {
  let input = raw;
  if (typeof raw === 'string') {
    try {
      input = JSON.parse(raw);
    } catch (err) {
      const message = `invalid JSON: ${(err as Error).message}`;
      return { ok: false, rejection: { field: 'event', code: 'invalid_json', message } };
    }
  }
  const checked = validateEvent(input);
  if (!checked.ok) return rejected(nonEmpty(checked.errors), checked);
  const { event, timeMs } = checked;
  const ahead = time === null ? undefined : timeAheadProblem(timeMs, time);
  if (ahead !== undefined) return rejected([ahead], event);
  const org = orgSettingsFor(definitions.orgs, event.data.orgId);
  if (org === undefined) {
    return rejected(
      [{ field: 'data.orgId', code: 'unknown_org', reason: `unknown org ${event.data.orgId} and no default org` }],
      event,
    );
  }
  if (typeof event.data.currency === 'string') {
    const amounts = normalizeAmounts(event, org);
    if (!amounts.ok) return rejected(nonEmpty(amounts.errors), event);
  }
  if (event.type === 'kpi.manual_score') {
    const problem = manualScoreProblem(event, definitions.indicators);
    if (problem !== undefined) return rejected([problem], event);
  }
  return { ok: true, event, timeMs };
}
