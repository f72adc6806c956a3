import { describe, expect, it } from 'vitest';
import type { IndicatorDef, Measure, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { emptyReading } from './empty-reading';
import { currentPeriod, periodOf, type OrgState } from './engine-state';
import { buildRuntimes, pairType } from './indicator-runtime';
import { entityKey, valueRowKey } from './indicator-value';

const H = 3_600_000;
const D = 24 * H;
const count = { types: ['ticket.solved'], where: [], timeField: 'time', aggregation: { kind: 'count' } } as const;

function indicator(id: string, measure: Measure, fields: Partial<IndicatorDef> = {}): IndicatorDef {
  return {
    id,
    version: 1,
    name: { en: id, zh: id },
    description: id,
    unit: 'number',
    levels: ['team'],
    windows: ['month'],
    allowedLatenessMs: 0,
    measure,
    ...fields,
  };
}

describe('keys of entities and value rows', () => {
  it('an entity by org, level and id; a rolling window is one row, a calendar period one each', () => {
    expect(entityKey({ level: 'team', id: 'T1', orgId: 'O1' })).toBe('O1|team|T1');
    expect(valueRowKey('fcr', 'rolling:24h', 1234)).toBe('fcr|rolling:24h|rolling');
    expect(valueRowKey('fcr', 'month', 1234)).toBe('fcr|month|1234');
  });
});

describe('the reading of nothing counted', () => {
  it('0 for a count or sum without denominator, null otherwise', () => {
    expect(emptyReading({ kind: 'terms', numerator: count, scale: 100 })).toEqual({
      value: 0,
      numerator: 0,
      denominator: null,
    });
    expect(emptyReading({ kind: 'terms', numerator: count, denominator: count, scale: 1 })).toEqual({
      value: null,
      numerator: 0,
      denominator: 0,
    });
    const ratioLike = { value: null, numerator: 0, denominator: 0 };
    expect(emptyReading({ kind: 'overdue-ratio', afterDays: 30 })).toEqual(ratioLike);
    expect(
      emptyReading({
        kind: 'conversion',
        key: 'data.leadId',
        from: count,
        to: count,
        withinMs: D,
      }),
    ).toEqual(ratioLike);
    expect(emptyReading({ kind: 'manual', scale: [0, 100] })).toEqual({
      value: null,
      numerator: null,
      denominator: null,
    });
  });
});

describe('indicator runtimes', () => {
  it('levels, windows, scale, lateness and the horizon: the longest window span and the lateness', () => {
    const [fcr, sla, manual] = buildRuntimes([
      indicator(
        'fcr',
        { kind: 'terms', numerator: count, denominator: count, scale: 100 },
        { levels: ['agent', 'org'], windows: ['rolling:7d', 'day'], allowedLatenessMs: H },
      ),
      indicator('sla', {
        kind: 'lifecycle',
        key: 'data.ticketId',
        from: count,
        to: count,
        pick: 'first',
        result: { kind: 'within', withinMs: 30_000 },
        horizonMs: D,
      }),
      indicator(
        'review',
        { kind: 'manual', scale: [0, 5] },
        {
          windows: ['rolling:1h', 'year'],
          allowedLatenessMs: 2 * H,
        },
      ),
    ]);
    expect(fcr).toMatchObject({
      index: 0,
      levels: { agent: true, team: false, org: true },
      windows: ['rolling:7d', 'day'],
      rolling: [{ bucketMs: H, buckets: 168 }, null],
      scale: 100,
      latenessMs: H,
      horizonMs: 7 * D + H,
    });
    expect(fcr?.num?.term.types).toEqual(['ticket.solved']);
    expect(fcr?.den?.term.types).toEqual(['ticket.solved']);
    // a pair of the indicator's own type carries its value and count
    expect(sla).toMatchObject({ index: 1, levels: { agent: false, team: true, org: false }, scale: 1 });
    expect(sla?.horizonMs).toBe(31 * D + H);
    expect([sla?.num?.term.types, sla?.den?.term.types]).toEqual([[pairType('sla')], [pairType('sla')]]);
    expect(pairType('sla')).toBe('sla#pair');
    const pair: CanonicalEvent = {
      specversion: '1.0',
      id: '',
      source: '',
      type: 'sla#pair',
      time: '',
      data: { orgId: 'O1', value: 7, count: 1 },
    };
    const ctx = { timeMs: 0, timeZone: 'UTC' };
    expect([sla?.num?.amount(pair, ctx), sla?.den?.amount(pair, ctx)]).toEqual([7, 1]);
    expect(manual).toMatchObject({ num: null, den: null, scale: 1, horizonMs: 366 * D + H + 2 * H });
  });
});

describe('periods of an org', () => {
  const org = (timeZone: string): OrgState =>
    ({
      settings: { id: 'O1', timeZone, currency: 'CNY', exchangeRates: {} } as OrgSettings,
      periodCache: new Map(),
      periodsByDay: new Map(),
    }) as unknown as OrgState;

  it('the period an instant falls in, at its bounds, whatever was asked before', () => {
    const o = org('Asia/Shanghai');
    const march = Date.parse('2026-03-01T00:00:00+08:00');
    const april = Date.parse('2026-04-01T00:00:00+08:00');
    const may = Date.parse('2026-05-01T00:00:00+08:00');
    expect(periodOf(o, 'month', march)).toEqual({ start: march, end: april });
    expect(periodOf(o, 'month', april - 1)).toEqual({ start: march, end: april });
    expect(periodOf(o, 'month', april)).toEqual({ start: april, end: may });
    // an older period asked after a newer one, then the newer one again
    expect(periodOf(o, 'month', march + D)).toEqual({ start: march, end: april });
    expect(periodOf(o, 'month', april + D)).toEqual({ start: april, end: may });
    expect(periodOf(o, 'month', march - 1)).toEqual({ start: Date.parse('2026-02-01T00:00:00+08:00'), end: march });
    expect(periodOf(o, 'day', april)).toEqual({ start: april, end: april + D });
  });

  it('a rolling window ends at the clock; a calendar one is its current period', () => {
    const o = org('UTC');
    expect(currentPeriod(o, 'rolling:24h', 5_000)).toEqual({ start: 5_000, end: 5_000 });
    expect(currentPeriod(o, 'day', D + 5)).toEqual({ start: D, end: 2 * D });
  });
});
