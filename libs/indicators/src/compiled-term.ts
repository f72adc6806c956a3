import type { CanonicalEvent } from '#libs/events';
import type { Condition, FieldPath, Term } from '#libs/definitions';
import { assertUnreachable } from './assert-unreachable';
import { dayNumberOfDate, localDayNumber, startOfLocalDay } from '#libs/time';

// What a term needs to know about an event beyond its fields.
export interface EventContext {
  timeMs: number;
  timeZone: string;
}

type Getter = (e: CanonicalEvent, ctx: EventContext) => unknown;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export interface CompiledTerm {
  readonly term: Term;
  readonly distinct: boolean;
  readonly usesEventTime: boolean;
  matches(e: CanonicalEvent, ctx: EventContext): boolean;
  // additive terms: the number to add (NaN = the event lacks the fields: it does not count)
  amount(e: CanonicalEvent, ctx: EventContext): number;
  // distinct terms: the value's key ('' = the event lacks the fields)
  key(e: CanonicalEvent, ctx: EventContext): string;
  // the instant that places the event in a window (NaN = no valid date)
  timeOf(e: CanonicalEvent, ctx: EventContext): number;
}

export function compileGetter(path: FieldPath): Getter {
  if (path === 'time') return (_e, ctx) => ctx.timeMs;
  if (path === '$date') return (_e, ctx) => localDayNumber(ctx.timeZone, ctx.timeMs);
  if (path === 'subject') return (e) => e.subject;
  if (path === 'source') return (e) => e.source;
  if (path === 'type') return (e) => e.type;
  if (path === 'id') return (e) => e.id;
  if (path.startsWith('data.')) {
    const parts = path.slice(5).split('.');
    const [first, ...rest] = parts;
    if (first !== undefined && rest.length === 0 && IDENTIFIER.test(first)) {
      // a generated accessor per field: its property load stays monomorphic, where one shared
      // `e.data[name]` would go megamorphic across all fields and event shapes (hot path)
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- `first` is checked to be a plain identifier
      return new Function('e', `return e.data.${first};`) as Getter;
    }
    if (first !== undefined && rest.length === 0) return (e) => e.data[first];
    return (e) => {
      let v: unknown = e.data;
      for (const p of parts) {
        if (v === null || typeof v !== 'object') return undefined;
        v = (v as Record<string, unknown>)[p];
      }
      return v;
    };
  }
  throw new Error(`unsupported field path ${path}`);
}

function compileCondition(c: Condition): (e: CanonicalEvent, ctx: EventContext) => boolean {
  const get = compileGetter(c.field);
  const value = c.value;
  switch (c.op) {
    case 'eq':
      return (e, ctx) => get(e, ctx) === value;
    case 'ne':
      return (e, ctx) => get(e, ctx) !== value;
    case 'in': {
      const set = new Set<unknown>(Array.isArray(value) ? value : [value]);
      return (e, ctx) => set.has(get(e, ctx));
    }
    case 'notIn': {
      const set = new Set<unknown>(Array.isArray(value) ? value : [value]);
      return (e, ctx) => !set.has(get(e, ctx));
    }
    case 'gt':
      return (e, ctx) => (get(e, ctx) as number) > (value as number);
    case 'gte':
      return (e, ctx) => (get(e, ctx) as number) >= (value as number);
    case 'lt':
      return (e, ctx) => (get(e, ctx) as number) < (value as number);
    case 'lte':
      return (e, ctx) => (get(e, ctx) as number) <= (value as number);
    case 'exists':
      return (e, ctx) => (get(e, ctx) !== undefined) === value;
    default:
      return assertUnreachable(c.op);
  }
}

const UNIT_MS = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function instantOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Date.parse(v);
  return Number.NaN;
}

export function compileTerm(term: Term): CompiledTerm {
  const conditions = term.where.map(compileCondition);
  const matches =
    conditions.length === 0
      ? () => true
      : (e: CanonicalEvent, ctx: EventContext) => {
          for (const c of conditions) if (!c(e, ctx)) return false;
          return true;
        };

  let amount: CompiledTerm['amount'] = () => Number.NaN;
  let key: CompiledTerm['key'] = () => '';
  const agg = term.aggregation;
  switch (agg.kind) {
    case 'count':
      amount = () => 1;
      break;
    case 'sum': {
      const getters = agg.fields.map(compileGetter);
      amount = (e, ctx) => {
        let total = 0;
        for (const g of getters) {
          const v = g(e, ctx);
          if (typeof v !== 'number') return Number.NaN;
          total += v;
        }
        return total;
      };
      break;
    }
    case 'duration': {
      const from = compileGetter(agg.from);
      const to = compileGetter(agg.to);
      const unit = UNIT_MS[agg.unit];
      amount = (e, ctx) => (instantOf(to(e, ctx)) - instantOf(from(e, ctx))) / unit;
      break;
    }
    case 'distinct': {
      const getters = agg.fields.map(compileGetter);
      key = (e, ctx) => {
        let k = '';
        for (let i = 0; i < getters.length; i++) {
          const v = (getters[i] as Getter)(e, ctx);
          if (v === undefined || v === null) return '';
          const text = typeof v === 'string' ? v : JSON.stringify(v);
          k += i === 0 ? text : `\u0001${text}`;
        }
        return k;
      };
      break;
    }
    default:
      assertUnreachable(agg);
  }

  const usesEventTime = term.timeField === 'time';
  let timeOf: CompiledTerm['timeOf'] = (_e, ctx) => ctx.timeMs;
  if (!usesEventTime) {
    const getDate = compileGetter(term.timeField);
    // a date field (YYYY-MM-DD, org-local) places the event at the start of that local day
    timeOf = (e, ctx) => {
      const v = getDate(e, ctx);
      if (typeof v !== 'string') return Number.NaN;
      const day = dayNumberOfDate(v);
      return Number.isNaN(day) ? Number.NaN : startOfLocalDay(ctx.timeZone, day);
    };
  }

  return { term, distinct: agg.kind === 'distinct', usesEventTime, matches, amount, key, timeOf };
}
