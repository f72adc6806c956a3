import { assertUnreachable } from './assert-unreachable';
import type { Aggregation, Condition, ConditionOp, DurationUnit, FieldPath, Term } from './model';
import {
  childPath,
  expected,
  isMapping,
  isScalar,
  itemPath,
  missing,
  oneOfMessage,
  readEnum,
  readMapping,
  readStringList,
  report,
  type Mapping,
  type ParseContext,
  type Scalar,
} from './parse-context';

const TERM_KEYS = ['of', 'where', 'sum', 'distinct', 'duration', 'time'] as const;
const AGGREGATION_KEYS = ['sum', 'distinct', 'duration'] as const;
const CONDITION_OPS: readonly ConditionOp[] = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'exists'];
const DURATION_UNITS: readonly DurationUnit[] = ['s', 'min', 'h', 'd'];

// What the indicator engine can read from a canonical event (libs/indicators compiled-term.ts).
const FIELD = /^(time|\$date|subject|source|type|id|data(\.[A-Za-z0-9_-]+)+)$/;
const DATE_FIELD = /^data(\.[A-Za-z0-9_-]+)+$/;
const FIELD_HINT = 'a field path: time, $date, subject, source, type, id or data.<name>';

function readField(ctx: ParseContext, value: unknown, path: string): FieldPath | undefined {
  if (typeof value === 'string' && FIELD.test(value)) return value;
  expected(ctx, path, FIELD_HINT, value);
  return undefined;
}

function readFields(ctx: ParseContext, value: unknown, path: string): FieldPath[] | undefined {
  const names = readStringList(ctx, value, path);
  if (names === undefined) return undefined;
  const fields: FieldPath[] = [];
  names.forEach((name, i) => {
    const field = readField(ctx, name, Array.isArray(value) ? itemPath(path, i) : path);
    if (field !== undefined) fields.push(field);
  });
  return fields.length === names.length ? fields : undefined;
}

function readCondition(ctx: ParseContext, field: FieldPath, value: unknown, path: string): Condition | undefined {
  // a scalar means equality
  if (isScalar(value)) return { field, op: 'eq', value };
  if (!isMapping(value)) {
    expected(ctx, path, `a scalar or one operator (${CONDITION_OPS.join(', ')})`, value);
    return undefined;
  }
  const keys = Object.keys(value);
  const [op] = keys;
  if (keys.length !== 1 || op === undefined) {
    report(ctx, path, `expected exactly one operator (${CONDITION_OPS.join(', ')}), got ${keys.length}`);
    return undefined;
  }
  const known = CONDITION_OPS.find((o) => o === op);
  const at = childPath(path, op);
  if (known === undefined) {
    report(ctx, at, `unknown operator "${op}"; ${oneOfMessage(op, CONDITION_OPS)}`);
    return undefined;
  }
  const operand = value[op];
  switch (known) {
    case 'eq':
    case 'ne':
      if (isScalar(operand)) return { field, op: known, value: operand };
      expected(ctx, at, 'a string, number or boolean', operand);
      return undefined;
    case 'in':
    case 'notIn': {
      if (!Array.isArray(operand) || operand.length === 0) {
        expected(ctx, at, 'a non-empty list of scalars', operand);
        return undefined;
      }
      const items: Scalar[] = [];
      (operand as readonly unknown[]).forEach((item, i) => {
        if (isScalar(item)) items.push(item);
        else expected(ctx, itemPath(at, i), 'a string, number or boolean', item);
      });
      return items.length === operand.length ? { field, op: known, value: items } : undefined;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof operand === 'number' && Number.isFinite(operand)) return { field, op: known, value: operand };
      expected(ctx, at, 'a number', operand);
      return undefined;
    case 'exists':
      if (typeof operand === 'boolean') return { field, op: known, value: operand };
      expected(ctx, at, 'true or false', operand);
      return undefined;
    default:
      return assertUnreachable(known);
  }
}

function readWhere(ctx: ParseContext, value: unknown, path: string): Condition[] | undefined {
  if (!isMapping(value)) {
    expected(ctx, path, 'a mapping of field → condition', value);
    return undefined;
  }
  const conditions: Condition[] = [];
  let ok = true;
  for (const [name, condition] of Object.entries(value)) {
    const at = childPath(path, name);
    const field = readField(ctx, name, at);
    const parsed = field === undefined ? undefined : readCondition(ctx, field, condition, at);
    if (parsed === undefined) ok = false;
    else conditions.push(parsed);
  }
  return ok ? conditions : undefined;
}

function readAggregation(ctx: ParseContext, term: Mapping, path: string): Aggregation | undefined {
  const present = AGGREGATION_KEYS.filter((k) => term[k] !== undefined);
  if (present.length > 1) {
    report(ctx, path, `expected at most one aggregation, got ${present.join(' and ')}`);
    return undefined;
  }
  const [kind] = present;
  if (kind === undefined) return { kind: 'count' };
  const at = childPath(path, kind);
  switch (kind) {
    case 'sum':
    case 'distinct': {
      const fields = readFields(ctx, term[kind], at);
      return fields === undefined ? undefined : { kind, fields };
    }
    case 'duration': {
      const spec = readMapping(ctx, term[kind], at, ['from', 'to', 'unit']);
      if (spec === undefined) return undefined;
      if (spec['from'] === undefined) missing(ctx, at, 'from');
      if (spec['to'] === undefined) missing(ctx, at, 'to');
      const from = spec['from'] === undefined ? undefined : readField(ctx, spec['from'], childPath(at, 'from'));
      const to = spec['to'] === undefined ? undefined : readField(ctx, spec['to'], childPath(at, 'to'));
      const unit = readEnum(ctx, spec, 'unit', at, DURATION_UNITS, true);
      return from === undefined || to === undefined || unit === undefined ? undefined : { kind, from, to, unit };
    }
    default:
      return assertUnreachable(kind);
  }
}

// `{ of, where?, sum? | distinct? | duration?, time? }` → Term; undefined after reporting what is wrong.
export function parseTerm(ctx: ParseContext, value: unknown, path: string): Term | undefined {
  const term = readMapping(ctx, value, path, TERM_KEYS);
  if (term === undefined) return undefined;
  let ok = true;
  let types: string[] | undefined;
  if (term['of'] === undefined) missing(ctx, path, 'of');
  else types = readStringList(ctx, term['of'], childPath(path, 'of'));
  const where = term['where'] === undefined ? [] : readWhere(ctx, term['where'], childPath(path, 'where'));
  const aggregation = readAggregation(ctx, term, path);
  let timeField: FieldPath = 'time';
  const time = term['time'];
  if (time !== undefined) {
    if (time === 'time' || (typeof time === 'string' && DATE_FIELD.test(time))) timeField = time;
    else {
      expected(ctx, childPath(path, 'time'), 'time or a date field such as data.dueDate', time);
      ok = false;
    }
  }
  if (!ok || types === undefined || where === undefined || aggregation === undefined) return undefined;
  return { types, where, timeField, aggregation };
}
