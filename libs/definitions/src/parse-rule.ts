import { assertUnreachable } from './assert-unreachable';
import type { Band, ScoringRule } from './model';
import {
  childPath,
  expected,
  isMapping,
  itemPath,
  readList,
  readMapping,
  readNumber,
  readString,
  report,
  type Mapping,
  type ParseContext,
} from './parse-context';
import { parseComparison } from './parse-comparison';

export const RULE_KINDS = ['achievement', 'bands', 'linear', 'deduction', 'binary'] as const;
const DEFAULT_OUT_OF = 100;

function parseAchievement(ctx: ParseContext, value: unknown, path: string): ScoringRule | undefined {
  // `achievement:` with nothing after it takes every default
  const spec = value === null ? {} : readMapping(ctx, value, path, ['floor', 'cap', 'belowFloorScore']);
  if (spec === undefined) return undefined;
  return {
    kind: 'achievement',
    floor: readNumber(ctx, spec, 'floor', path, 'non-negative', false) ?? 0,
    cap: readNumber(ctx, spec, 'cap', path, 'positive', false) ?? 1,
    belowFloorScore: readNumber(ctx, spec, 'belowFloorScore', path, 'non-negative', false) ?? 0,
  };
}

function parseBand(ctx: ParseContext, value: unknown, path: string): Band | undefined {
  const spec = readMapping(ctx, value, path, ['gt', 'gte', 'lt', 'lte', 'score', 'label']);
  if (spec === undefined) return undefined;
  if (spec['gt'] !== undefined && spec['gte'] !== undefined) report(ctx, path, 'expected at most one of gt, gte');
  if (spec['lt'] !== undefined && spec['lte'] !== undefined) report(ctx, path, 'expected at most one of lt, lte');
  const band: Band = { score: readNumber(ctx, spec, 'score', path, 'any', true) ?? 0 };
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
    const limit = readNumber(ctx, spec, bound, path, 'any', false);
    if (limit !== undefined) band[bound] = limit;
  }
  const label = readString(ctx, spec, 'label', path, false);
  if (label !== undefined) band.label = label;
  return band;
}

function parseBands(ctx: ParseContext, value: unknown, path: string): ScoringRule | undefined {
  // a bare list of bands is sugar for { bands: [...] } out of 100
  const spec: Mapping | undefined = Array.isArray(value)
    ? { bands: value }
    : readMapping(ctx, value, path, ['outOf', 'bands']);
  if (spec === undefined) return undefined;
  const outOf = readNumber(ctx, spec, 'outOf', path, 'positive', false) ?? DEFAULT_OUT_OF;
  const bandsPath = Array.isArray(value) ? path : childPath(path, 'bands');
  if (spec['bands'] === undefined) {
    report(ctx, bandsPath, 'missing required key "bands"');
    return undefined;
  }
  const list = readList(ctx, spec['bands'], bandsPath);
  if (list === undefined) return undefined;
  const bands: Band[] = [];
  list.forEach((item, i) => {
    const band = parseBand(ctx, item, itemPath(bandsPath, i));
    if (band !== undefined) bands.push(band);
  });
  return { kind: 'bands', bands, outOf };
}

function parseLinear(ctx: ParseContext, value: unknown, path: string): ScoringRule | undefined {
  const spec = readMapping(ctx, value, path, ['step', 'pointsPerStep', 'base', 'min', 'max', 'outOf']);
  if (spec === undefined) return undefined;
  const step = readNumber(ctx, spec, 'step', path, 'positive', true);
  const pointsPerStep = readNumber(ctx, spec, 'pointsPerStep', path, 'any', true);
  const outOf = readNumber(ctx, spec, 'outOf', path, 'positive', false) ?? DEFAULT_OUT_OF;
  const base = readNumber(ctx, spec, 'base', path, 'any', false) ?? outOf;
  const min = readNumber(ctx, spec, 'min', path, 'any', false) ?? 0;
  const max = readNumber(ctx, spec, 'max', path, 'any', false) ?? outOf;
  if (step === undefined || pointsPerStep === undefined) return undefined;
  return { kind: 'linear', step, pointsPerStep, base, min, max, outOf };
}

function parseDeduction(ctx: ParseContext, value: unknown, path: string): ScoringRule | undefined {
  const spec = readMapping(ctx, value, path, ['free', 'perOccurrence', 'start', 'min', 'outOf']);
  if (spec === undefined) return undefined;
  const perOccurrence = readNumber(ctx, spec, 'perOccurrence', path, 'positive', true);
  const free = readNumber(ctx, spec, 'free', path, 'non-negative', false) ?? 0;
  const outOf = readNumber(ctx, spec, 'outOf', path, 'positive', false) ?? DEFAULT_OUT_OF;
  const start = readNumber(ctx, spec, 'start', path, 'any', false) ?? outOf;
  const min = readNumber(ctx, spec, 'min', path, 'any', false) ?? 0;
  if (perOccurrence === undefined) return undefined;
  return { kind: 'deduction', free, perOccurrence, start, min, outOf };
}

// `{ <kind>: <spec> }` with exactly one of the rule kinds.
export function parseRule(ctx: ParseContext, value: unknown, path: string): ScoringRule | undefined {
  if (!isMapping(value)) {
    expected(ctx, path, `a mapping with one of ${RULE_KINDS.join(', ')}`, value);
    return undefined;
  }
  const rule = readMapping(ctx, value, path, RULE_KINDS);
  if (rule === undefined) return undefined;
  const kinds = RULE_KINDS.filter((k) => rule[k] !== undefined);
  const [kind] = kinds;
  if (kind === undefined || kinds.length > 1) {
    // unknown keys were reported already; say what is missing only when nothing else was wrong
    const known = Object.keys(rule).every((k) => RULE_KINDS.some((r) => r === k));
    if (kinds.length > 1 || known) {
      report(
        ctx,
        path,
        `expected exactly one of ${RULE_KINDS.join(', ')}, got ${kinds.length === 0 ? 'none' : kinds.join(' and ')}`,
      );
    }
    return undefined;
  }
  const at = childPath(path, kind);
  switch (kind) {
    case 'achievement':
      return parseAchievement(ctx, rule[kind], at);
    case 'bands':
      return parseBands(ctx, rule[kind], at);
    case 'linear':
      return parseLinear(ctx, rule[kind], at);
    case 'deduction':
      return parseDeduction(ctx, rule[kind], at);
    case 'binary': {
      const pass = parseComparison(ctx, rule[kind], at);
      return pass === undefined ? undefined : { kind: 'binary', pass };
    }
    default:
      return assertUnreachable(kind);
  }
}
