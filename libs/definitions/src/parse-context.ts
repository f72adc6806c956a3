import { assertUnreachable } from './assert-unreachable';
import type { DefinitionIssue, IssueSeverity } from './definition-issue';
import type { Localized } from './model';

// Shared by the parse-* files: where the document came from and the issues found so far.
export interface ParseContext {
  file: string;
  issues: DefinitionIssue[];
}

export type Mapping = Readonly<Record<string, unknown>>;
export type Scalar = string | number | boolean;

export function report(ctx: ParseContext, path: string, message: string, severity: IssueSeverity = 'error'): void {
  ctx.issues.push({ file: ctx.file, path, message, severity });
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function childPath(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean'
  );
}

// How a wrong value reads in a message: `got "x"`, `got -1`, `got a list`.
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  // an invalid Date has no ISO string (toISOString throws)
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'an invalid date' : `the date ${value.toISOString()}`;
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

export function expected(ctx: ParseContext, path: string, what: string, value: unknown): void {
  report(ctx, path, `expected ${what}, got ${describe(value)}`);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(1, Math.min(2, Math.floor(word.length / 3))) ? best : undefined;
}

export function oneOfMessage(value: unknown, allowed: readonly string[]): string {
  const hint = typeof value === 'string' ? suggest(value, allowed) : undefined;
  const didYouMean = hint === undefined ? '' : ` (did you mean "${hint}"?)`;
  return `expected one of ${allowed.join(', ')}, got ${describe(value)}${didYouMean}`;
}

// Typos must not pass silently: every key outside `allowed` is an error.
export function checkKeys(ctx: ParseContext, map: Mapping, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(map)) {
    if (allowed.includes(key)) continue;
    const hint = suggest(key, allowed);
    const didYouMean = hint === undefined ? '' : ` (did you mean "${hint}"?)`;
    report(ctx, childPath(path, key), `unknown key "${key}"${didYouMean}; allowed: ${allowed.join(', ')}`);
  }
}

export function readMapping(
  ctx: ParseContext,
  value: unknown,
  path: string,
  allowed: readonly string[],
): Mapping | undefined {
  if (!isMapping(value)) {
    expected(ctx, path, 'a mapping', value);
    return undefined;
  }
  checkKeys(ctx, value, path, allowed);
  return value;
}

export function missing(ctx: ParseContext, path: string, key: string): void {
  report(ctx, childPath(path, key), `missing required key "${key}"`);
}

export function readList(ctx: ParseContext, value: unknown, path: string): readonly unknown[] | undefined {
  if (!Array.isArray(value)) {
    expected(ctx, path, 'a list', value);
    return undefined;
  }
  return value as readonly unknown[];
}

// `x` and `[x, y]` both mean a list of strings.
export function readStringList(ctx: ParseContext, value: unknown, path: string): string[] | undefined {
  const items: readonly unknown[] = Array.isArray(value) ? (value as readonly unknown[]) : [value];
  if (items.length === 0) {
    report(ctx, path, 'expected a string or a non-empty list of strings, got an empty list');
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  items.forEach((item, i) => {
    if (typeof item === 'string' && item.trim() !== '') out.push(item.trim());
    else {
      expected(ctx, Array.isArray(value) ? itemPath(path, i) : path, 'a non-empty string', item);
      ok = false;
    }
  });
  return ok ? out : undefined;
}

export function readString(
  ctx: ParseContext,
  map: Mapping,
  key: string,
  path: string,
  required: boolean,
): string | undefined {
  const value = map[key];
  if (value === undefined) {
    if (required) missing(ctx, path, key);
    return undefined;
  }
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  // an unquoted YAML number (`role: 7`) is still meant as text
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  expected(ctx, childPath(path, key), 'a non-empty string', value);
  return undefined;
}

export type NumberKind = 'any' | 'positive' | 'non-negative' | 'positive integer';

const NUMBER_LABEL: Readonly<Record<NumberKind, string>> = {
  any: 'a number',
  positive: 'a positive number',
  'non-negative': 'a non-negative number',
  'positive integer': 'a positive integer',
};

function fits(value: number, kind: NumberKind): boolean {
  switch (kind) {
    case 'any':
      return true;
    case 'positive':
      return value > 0;
    case 'non-negative':
      return value >= 0;
    case 'positive integer':
      return value > 0 && Number.isInteger(value);
    default:
      return assertUnreachable(kind);
  }
}

export function readNumber(
  ctx: ParseContext,
  map: Mapping,
  key: string,
  path: string,
  kind: NumberKind,
  required: boolean,
): number | undefined {
  const value = map[key];
  if (value === undefined) {
    if (required) missing(ctx, path, key);
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value) && fits(value, kind)) return value;
  expected(ctx, childPath(path, key), NUMBER_LABEL[kind], value);
  return undefined;
}

export function readEnum<T extends string>(
  ctx: ParseContext,
  map: Mapping,
  key: string,
  path: string,
  allowed: readonly T[],
  required: boolean,
): T | undefined {
  const value = map[key];
  if (value === undefined) {
    if (required) missing(ctx, path, key);
    return undefined;
  }
  const found = allowed.find((a) => a === value);
  if (found !== undefined) return found;
  report(ctx, childPath(path, key), oneOfMessage(value, allowed));
  return undefined;
}

// `{ en, zh }` with either language optional (the SMART lint asks for both); a plain string is English.
export function readLocalized(
  ctx: ParseContext,
  map: Mapping,
  key: string,
  path: string,
  required: boolean,
): Localized | undefined {
  const value = map[key];
  const at = childPath(path, key);
  if (value === undefined) {
    if (required) missing(ctx, path, key);
    return undefined;
  }
  if (typeof value === 'string' && value.trim() !== '') return { en: value.trim(), zh: '' };
  const names = readMapping(ctx, value, at, ['en', 'zh']);
  if (names === undefined) return undefined;
  const en = readString(ctx, names, 'en', at, false) ?? '';
  const zh = readString(ctx, names, 'zh', at, false) ?? '';
  if (names['en'] === undefined && names['zh'] === undefined) {
    report(ctx, at, 'expected a name in at least one of en, zh');
    return undefined;
  }
  return { en, zh };
}
