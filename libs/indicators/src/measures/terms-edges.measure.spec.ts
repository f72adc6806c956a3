import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings, Term } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EngineSnapshot } from '../engine-snapshot';
import { IndicatorEngine } from '../indicator-engine';
import type { EntityRef } from '../indicator-value';

// Edges of the terms measure the other specs leave: a date field that is missing, the change report of
// a distinct value seen again, a checkpoint with fewer windows than the indicator.
const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const T0 = Date.parse('2026-03-10T10:00:00Z');
const org: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };

const term = (type: string, fields: Partial<Term> = {}): Term => ({
  types: [type],
  where: [],
  timeField: 'time',
  aggregation: { kind: 'count' },
  ...fields,
});
const indicator = (id: string, numerator: Term, windows: IndicatorDef['windows']): IndicatorDef => ({
  id,
  version: 1,
  name: { en: id, zh: id },
  description: id,
  unit: 'number',
  levels: ['org'],
  windows,
  allowedLatenessMs: 0,
  measure: { kind: 'terms', numerator, scale: 1 },
});

let n = 0;
const event = (type: string, data: Record<string, unknown>, timeMs = T0): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type,
  time: new Date(timeMs).toISOString(),
  data: { orgId: 'O1', ...data },
});

describe('terms, edges', () => {
  it('counts an event timed by a date field on that day, and leaves out one without a date', () => {
    const due = indicator('due', term('invoice.issued', { timeField: 'data.dueDate' }), ['rolling:24h', 'month']);
    const engine = new IndicatorEngine([due], ORGS);
    engine.fold(event('invoice.issued', { invoiceId: 'i1', dueDate: '2026-03-10' }));
    const missing = engine.fold(event('invoice.issued', { invoiceId: 'i2' }));
    const invalid = engine.fold(event('invoice.issued', { invoiceId: 'i3', dueDate: 'soon' }));
    expect([missing.changes, invalid.changes]).toEqual([[], []]);
    expect(engine.values().map((v) => [v.window, v.periodStart, v.numerator])).toEqual([
      ['rolling:24h', T0 - 23.75 * 3_600_000, 1],
      ['month', Date.parse('2026-03-01T00:00:00Z'), 1],
    ]);
  });

  it('reports a distinct count as changed when a new value comes, not when a value comes again', () => {
    const visitors = indicator(
      'visitors',
      term('crm.inquiry.received', { aggregation: { kind: 'distinct', fields: ['data.visitorId'] } }),
      ['rolling:24h', 'month'],
    );
    const engine = new IndicatorEngine([visitors], ORGS);
    const changed = (visitorId: string) =>
      engine.fold(event('crm.inquiry.received', { visitorId })).changes.map((v) => `${v.window} ${v.value}`);
    expect(changed('v1')).toEqual(['rolling:24h 1', 'month 1']);
    expect(changed('v1')).toEqual([]);
    expect(changed('v2')).toEqual(['rolling:24h 2', 'month 2']);
  });

  it('drops a checkpoint that holds fewer windows than the indicator has now', () => {
    const solved = (windows: IndicatorDef['windows']) => indicator('solved', term('ticket.solved'), windows);
    const engine = new IndicatorEngine([solved(['rolling:24h'])], ORGS);
    engine.fold(event('ticket.solved', { ticketId: 't1' }));
    const snap = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
    const restored = IndicatorEngine.restore([solved(['rolling:24h', 'month'])], ORGS, snap);
    expect(restored.values().map((v) => [v.window, v.numerator])).toEqual([]);
  });

  it('leaves out an event a whole window behind the clock, reporting no change, though its state lags the clock', () => {
    const solved = indicator('solved', term('ticket.solved'), ['rolling:24h']);
    const other = indicator('other', term('ticket.reopened'), ['rolling:24h']);
    const engine = new IndicatorEngine([solved, other], ORGS);
    engine.fold(event('ticket.solved', { ticketId: 't1' }, T0 - 3_600_000));
    // another indicator's event moves the org's clock a day on; the solved window's own state stays behind
    engine.fold(event('ticket.reopened', { ticketId: 't2' }, T0 + 24 * 3_600_000));
    const late = engine.fold(event('ticket.solved', { ticketId: 't3' }, T0));
    expect(late.changes).toEqual([]);
    expect(engine.value('solved', org, 'rolling:24h')?.numerator).toBe(0);
  });

  it('restores the values of a distinct denominator of a calendar period: a new one counts, a known one not', () => {
    const perVisitor: IndicatorDef = {
      ...indicator('per-visitor', term('crm.order.paid'), ['month']),
      measure: {
        kind: 'terms',
        numerator: term('crm.order.paid'),
        denominator: term('crm.order.paid', { aggregation: { kind: 'distinct', fields: ['data.visitorId'] } }),
        scale: 1,
      },
    };
    const order = (visitorId: string) => event('crm.order.paid', { visitorId, orderId: `o${n}` });
    const engine = new IndicatorEngine([perVisitor], ORGS);
    engine.fold(order('v1'));
    const snap = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshot;
    const restored = IndicatorEngine.restore([perVisitor], ORGS, snap);
    restored.fold(order('v1'));
    restored.fold(order('v2'));
    const v = restored.value('per-visitor', org, 'month');
    expect([v?.numerator, v?.denominator]).toEqual([3, 2]);
  });
});
