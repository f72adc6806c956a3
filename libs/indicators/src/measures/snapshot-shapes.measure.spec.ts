import { describe, expect, it } from 'vitest';
import type { IndicatorDef, Measure, OrgSettings, Term } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EngineSnapshot } from '../engine-snapshot';
import { IndicatorEngine } from '../indicator-engine';

// A checkpoint restored into definitions that changed since: an indicator's state is kept only when its
// shape still fits (the same windows in the same order, the same kind, the same sides, distinct or
// not); otherwise it is dropped whole and the indicator starts empty, never half restored.
const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const T0 = Date.parse('2026-03-10T10:00:00Z');

const count = (type: string): Term => ({ types: [type], where: [], timeField: 'time', aggregation: { kind: 'count' } });
const distinct = (type: string): Term => ({
  ...count(type),
  aggregation: { kind: 'distinct', fields: ['data.visitorId'] },
});
const def = (measure: Measure, windows: IndicatorDef['windows'] = ['rolling:24h', 'month']): IndicatorDef => ({
  id: 'x',
  version: 1,
  name: { en: 'x', zh: 'x' },
  description: 'x',
  unit: 'number',
  levels: ['org'],
  windows,
  allowedLatenessMs: 0,
  measure,
});
const terms = (numerator: Term, denominator?: Term): Measure =>
  denominator === undefined
    ? { kind: 'terms', numerator, scale: 1 }
    : { kind: 'terms', numerator, denominator, scale: 1 };
const MANUAL: Measure = { kind: 'manual', scale: [0, 100] };

let n = 0;
const inquiry = (visitorId: string): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type: 'crm.inquiry.received',
  time: new Date(T0).toISOString(),
  data: { orgId: 'O1', visitorId },
});
const score = (value: number): CanonicalEvent => ({
  ...inquiry(''),
  type: 'kpi.manual_score',
  data: { orgId: 'O1', indicator: 'x', value },
});
const invoice: CanonicalEvent = {
  ...inquiry(''),
  type: 'invoice.issued',
  data: { orgId: 'O1', invoiceId: 'i1', amount: 100, currency: 'CNY', dueDate: '2026-01-01' },
};

// the state of `before` after its events, restored as `after`: what `after` reads
function restoredAs(before: IndicatorDef, events: CanonicalEvent[], after: IndicatorDef) {
  const engine = new IndicatorEngine([before], ORGS);
  for (const e of events) engine.fold(e);
  const snap = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
  return IndicatorEngine.restore([after], ORGS, snap)
    .values()
    .map((v) => [v.window, v.value, v.numerator, v.denominator]);
}
const visitors = [inquiry('v1'), inquiry('v2'), inquiry('v1')];

describe('a restored terms indicator', () => {
  it('keeps its state when its shape is the same', () => {
    const same = def(terms(count('crm.inquiry.received'), distinct('crm.inquiry.received')));
    expect(restoredAs(same, visitors, same)).toEqual([
      ['rolling:24h', 1.5, 3, 2],
      ['month', 1.5, 3, 2],
    ]);
    const plain = def(terms(distinct('crm.inquiry.received')));
    expect(restoredAs(plain, visitors, plain)).toEqual([
      ['rolling:24h', 2, 2, null],
      ['month', 2, 2, null],
    ]);
  });

  it('drops it when the windows changed order, a side became distinct, or a denominator came or changed', () => {
    const before = def(terms(count('crm.inquiry.received')));
    expect(restoredAs(before, visitors, def(before.measure, ['month', 'rolling:24h']))).toEqual([]);
    expect(restoredAs(before, visitors, def(terms(distinct('crm.inquiry.received'))))).toEqual([]);
    expect(
      restoredAs(before, visitors, def(terms(count('crm.inquiry.received'), count('crm.inquiry.received')))),
    ).toEqual([]);
    const ratio = def(terms(count('crm.inquiry.received'), count('crm.inquiry.received')));
    expect(
      restoredAs(ratio, visitors, def(terms(count('crm.inquiry.received'), distinct('crm.inquiry.received')))),
    ).toEqual([]);
    expect(restoredAs(ratio, visitors, before)).toEqual([]);
  });

  it('drops the state of a manual or overdue indicator that became one', () => {
    const monthly = def(terms(count('crm.inquiry.received')), ['month']);
    expect(restoredAs(def(MANUAL, ['month']), [score(70)], monthly)).toEqual([]);
    expect(restoredAs(def({ kind: 'overdue-ratio', afterDays: 30 }, ['month']), [invoice], monthly)).toEqual([]);
  });
});

describe('a restored manual indicator', () => {
  it('keeps its scores when its windows are the same', () => {
    const manual = def(MANUAL, ['month', 'quarter']);
    expect(restoredAs(manual, [score(70)], manual)).toEqual([
      ['month', 70, 70, null],
      ['quarter', 70, 70, null],
    ]);
  });

  it('drops them when its windows changed order, or it was a terms or overdue indicator', () => {
    expect(restoredAs(def(MANUAL, ['month', 'quarter']), [score(70)], def(MANUAL, ['quarter', 'month']))).toEqual([]);
    const monthly = def(MANUAL, ['month']);
    expect(restoredAs(def(terms(count('crm.inquiry.received')), ['month']), visitors, monthly)).toEqual([]);
    expect(restoredAs(def({ kind: 'overdue-ratio', afterDays: 30 }, ['month']), [invoice], monthly)).toEqual([]);
  });
});
