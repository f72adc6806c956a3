import { assertUnreachable } from './assert-unreachable';
import type { Condition, Measure, Term } from './model';
import {
  childPath,
  expected,
  itemPath,
  readMapping,
  readNumber,
  readStringList,
  report,
  type Mapping,
  type ParseContext,
} from './parse-context';
import { parseConversion, parseLifecycle } from './parse-lifecycle';
import { parseTerm } from './parse-term';

export const MEASURE_KEYS = [
  'numerator',
  'denominator',
  'scale',
  'average',
  'overdue',
  'manual',
  'lifecycle',
  'conversion',
] as const;
const FORMS = ['numerator', 'average', 'overdue', 'manual', 'lifecycle', 'conversion'] as const;

function parseTermsMeasure(ctx: ParseContext, indicator: Mapping, path: string): Measure | undefined {
  const numerator = parseTerm(ctx, indicator['numerator'], childPath(path, 'numerator'));
  const denominator =
    indicator['denominator'] === undefined
      ? undefined
      : parseTerm(ctx, indicator['denominator'], childPath(path, 'denominator'));
  const scale = readNumber(ctx, indicator, 'scale', path, 'positive', false) ?? 1;
  if (numerator === undefined || (indicator['denominator'] !== undefined && denominator === undefined))
    return undefined;
  return denominator === undefined
    ? { kind: 'terms', numerator, scale }
    : { kind: 'terms', numerator, denominator, scale };
}

// `average:` is sugar: the term over the count of the same events.
function parseAverage(ctx: ParseContext, indicator: Mapping, path: string): Measure | undefined {
  const at = childPath(path, 'average');
  if (indicator['denominator'] !== undefined) {
    report(ctx, childPath(path, 'denominator'), 'not allowed with average (the denominator is the event count)');
  }
  const numerator = parseTerm(ctx, indicator['average'], at);
  const scale = readNumber(ctx, indicator, 'scale', path, 'positive', false) ?? 1;
  if (numerator === undefined) return undefined;
  const agg = numerator.aggregation;
  if (agg.kind !== 'sum' && agg.kind !== 'duration') {
    report(ctx, at, `expected a term with sum or duration, got a ${agg.kind} term (an average of a count is always 1)`);
    return undefined;
  }
  // counted: the events the numerator adds, those with every field it reads (an event whose producer
  // did not measure a duration, docs/events.md "data.unmeasured", is in neither side, not averaged as 0)
  const fields = agg.kind === 'sum' ? agg.fields : [agg.from, agg.to];
  const present: Condition[] = fields
    .filter((field) => field.startsWith('data.'))
    .map((field) => ({ field, op: 'exists', value: true }));
  const denominator: Term = { ...numerator, where: [...numerator.where, ...present], aggregation: { kind: 'count' } };
  return { kind: 'terms', numerator, denominator, scale };
}

function parseOverdue(ctx: ParseContext, value: unknown, path: string): Measure | undefined {
  const overdue = readMapping(ctx, value, path, ['afterDays']);
  if (overdue === undefined) return undefined;
  const afterDays = readNumber(ctx, overdue, 'afterDays', path, 'non-negative', true);
  return afterDays === undefined ? undefined : { kind: 'overdue-ratio', afterDays };
}

function parseManual(ctx: ParseContext, value: unknown, path: string): Measure | undefined {
  const manual = readMapping(ctx, value, path, ['scale', 'reviewers']);
  if (manual === undefined) return undefined;
  const scalePath = childPath(path, 'scale');
  const scale = manual['scale'];
  let range: readonly [number, number] | undefined;
  if (scale === undefined) report(ctx, scalePath, 'missing required key "scale"');
  else if (!Array.isArray(scale) || scale.length !== 2) expected(ctx, scalePath, 'a [lowest, highest] pair', scale);
  else {
    const [low, high] = scale as readonly unknown[];
    if (typeof low !== 'number' || !Number.isFinite(low)) expected(ctx, itemPath(scalePath, 0), 'a number', low);
    else if (typeof high !== 'number' || !Number.isFinite(high))
      expected(ctx, itemPath(scalePath, 1), 'a number', high);
    else if (low >= high) report(ctx, scalePath, `expected lowest < highest, got [${low}, ${high}]`);
    else range = [low, high];
  }
  const reviewers =
    manual['reviewers'] === undefined
      ? undefined
      : readStringList(ctx, manual['reviewers'], childPath(path, 'reviewers'));
  if (range === undefined || (manual['reviewers'] !== undefined && reviewers === undefined)) return undefined;
  return reviewers === undefined ? { kind: 'manual', scale: range } : { kind: 'manual', scale: range, reviewers };
}

// Exactly one measure form per indicator: numerator (+ denominator, scale), average, overdue, manual,
// lifecycle or conversion.
export function parseMeasure(ctx: ParseContext, indicator: Mapping, path: string): Measure | undefined {
  const forms = FORMS.filter((f) => indicator[f] !== undefined);
  const [form] = forms;
  if (forms.length > 1) {
    report(ctx, path, `expected exactly one measure form, got ${forms.join(' and ')}`);
    return undefined;
  }
  if (form === undefined) {
    report(ctx, path, `missing the measure: one of ${FORMS.join(', ')}`);
    return undefined;
  }
  if (form !== 'numerator' && form !== 'average') {
    for (const key of ['denominator', 'scale'] as const) {
      if (indicator[key] !== undefined) report(ctx, childPath(path, key), `not allowed with ${form}`);
    }
  }
  switch (form) {
    case 'numerator':
      return parseTermsMeasure(ctx, indicator, path);
    case 'average':
      return parseAverage(ctx, indicator, path);
    case 'overdue':
      return parseOverdue(ctx, indicator['overdue'], childPath(path, 'overdue'));
    case 'manual':
      return parseManual(ctx, indicator['manual'], childPath(path, 'manual'));
    case 'lifecycle':
      return parseLifecycle(ctx, indicator['lifecycle'], childPath(path, 'lifecycle'));
    case 'conversion':
      return parseConversion(ctx, indicator['conversion'], childPath(path, 'conversion'));
    default:
      return assertUnreachable(form);
  }
}
