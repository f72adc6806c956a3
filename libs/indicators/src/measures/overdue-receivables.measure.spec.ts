import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EngineSnapshotV2 } from '../engine-snapshot';
import { IndicatorEngine } from '../indicator-engine';
import type { EntityRef } from '../indicator-value';

const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} }];
const OVERDUE: IndicatorDef = {
  id: 'overdue',
  version: 1,
  name: { en: 'overdue', zh: 'overdue' },
  description: 'overdue',
  unit: 'ratio',
  levels: ['agent', 'team', 'org'],
  windows: ['month'],
  allowedLatenessMs: 0,
  measure: { kind: 'overdue-ratio', afterDays: 30 },
};

// the clock is 2026-03-10 (Shanghai): due 2026-01-01 is more than 30 days past, due 2026-03-01 is not
const NOW = '2026-03-10T10:00:00+08:00';
const OLD = '2026-01-01';
const RECENT = '2026-03-01';

let n = 0;
const event = (type: string, data: Record<string, unknown>, time = NOW): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'finance/test',
  type,
  time,
  data: { orgId: 'O1', currency: 'CNY', ...data },
});
const invoice = (invoiceId: string, amount: number, dueDate: string, who: Record<string, string> = {}, time = NOW) =>
  event('invoice.issued', { invoiceId, amount, dueDate, ...who }, time);
const payment = (invoiceId: string, amount: number, dueDate: string, who: Record<string, string> = {}) =>
  event('payment.received', { paymentId: `p${n}`, invoiceId, amount, invoiceDueDate: dueDate, ...who });
const writeOff = (invoiceId: string, amount: number) => event('invoice.written_off', { invoiceId, amount });

const org: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const agent = (id: string): EntityRef => ({ level: 'agent', id, orgId: 'O1' });
const read = (engine: IndicatorEngine, entity: EntityRef = org) => {
  const v = engine.value('overdue', entity, 'month');
  return { value: v?.value, overdue: v?.numerator, open: v?.denominator };
};
const engineWith = (...events: CanonicalEvent[]) => {
  const engine = new IndicatorEngine([OVERDUE], ORGS);
  for (const e of events) engine.fold(e);
  return engine;
};

describe('overdue receivables, per invoice', () => {
  it('a payment of an invoice never seen is counted, held, and taken from no other invoice', () => {
    // the stream started after INV-0 was issued: its payment used to make the ratio negative
    const engine = engineWith(invoice('i1', 100, RECENT), payment('i0', 40, OLD));
    expect(read(engine)).toEqual({ value: 0, overdue: 0, open: 100 });
    expect(engine.stats.unknownInvoicePayments).toBe(1);
  });

  it('a payment before its invoice applies when the invoice comes', () => {
    const engine = engineWith(payment('i1', 30, OLD));
    expect(read(engine)).toEqual({ value: null, overdue: 0, open: 0 });
    engine.fold(invoice('i1', 100, OLD));
    engine.fold(invoice('i2', 70, RECENT));
    expect(read(engine)).toEqual({ value: 0.5, overdue: 70, open: 140 });
    expect(engine.stats.unknownInvoicePayments).toBe(1);
  });

  it("an overpayment closes its invoice and never another's", () => {
    const engine = engineWith(invoice('i1', 100, RECENT), invoice('i2', 50, OLD), payment('i1', 130, RECENT));
    expect(read(engine)).toEqual({ value: 1, overdue: 50, open: 50 });
    // nor does it carry over to a later re-payment: i1 stays closed, i2 open
    engine.fold(payment('i2', 10, OLD));
    expect(read(engine)).toEqual({ value: 1, overdue: 40, open: 40 });
  });

  it("a payment without agent closes the agent's invoice: the invoice's owner is its own event's", () => {
    const engine = engineWith(invoice('i1', 100, OLD, { teamId: 'T1', agentId: 'A1' }));
    expect(read(engine, agent('A1'))).toEqual({ value: 1, overdue: 100, open: 100 });
    engine.fold(payment('i1', 100, OLD));
    expect(read(engine, agent('A1'))).toEqual({ value: null, overdue: 0, open: 0 });
    expect(read(engine, { level: 'team', id: 'T1', orgId: 'O1' }).open).toBe(0);
  });

  it("a payment naming another agent moves only the invoice owner's balance", () => {
    const engine = engineWith(
      invoice('i1', 100, OLD, { agentId: 'A1' }),
      invoice('i2', 80, OLD, { agentId: 'A2' }),
      payment('i1', 60, OLD, { agentId: 'A2' }),
    );
    expect(read(engine, agent('A1')).open).toBe(40);
    expect(read(engine, agent('A2')).open).toBe(80);
  });

  it('write-offs apply to their invoice by id, also when they come first', () => {
    const engine = engineWith(writeOff('i2', 20), invoice('i1', 100, OLD), invoice('i2', 50, RECENT));
    engine.fold(writeOff('i1', 150));
    expect(read(engine)).toEqual({ value: 0, overdue: 0, open: 30 });
  });

  it('a re-issued invoice is its latest invoice.issued, whatever the arrival order', () => {
    const later = invoice('i1', 80, RECENT, { agentId: 'A2' }, '2026-03-09T10:00:00+08:00');
    const earlier = invoice('i1', 100, OLD, { agentId: 'A1' }, '2026-03-08T10:00:00+08:00');
    for (const engine of [engineWith(earlier, later), engineWith(later, earlier)]) {
      expect(read(engine)).toEqual({ value: 0, overdue: 0, open: 80 });
      expect(read(engine, agent('A1')).open).toBe(0);
      expect(read(engine, agent('A2')).open).toBe(80);
    }
  });

  it('invoices paid to the cent read exactly 0, whatever residue their sums left', () => {
    // 9 + 7.2 − 9 − 7.2 is −8.9e-16 in binary, and 1.1 − 1 − 0.1 is 8.3e-17
    const engine = engineWith(invoice('i1', 9, OLD), invoice('i2', 7.2, OLD), invoice('i3', 1.1, RECENT));
    engine.fold(payment('i1', 9, OLD));
    engine.fold(payment('i2', 7.2, OLD));
    engine.fold(payment('i3', 1, RECENT));
    engine.fold(writeOff('i3', 0.1));
    expect(read(engine)).toEqual({ value: null, overdue: 0, open: 0 });
  });

  it('a refund names no invoice: it moves no receivable', () => {
    const engine = engineWith(invoice('i1', 100, OLD), event('refund.issued', { amount: 100, orderId: 'i1' }));
    expect(read(engine)).toEqual({ value: 1, overdue: 100, open: 100 });
  });
});

describe('overdue receivables in checkpoints', () => {
  it('restore continues per invoice', () => {
    const first = engineWith(invoice('i1', 100, OLD, { agentId: 'A1' }), payment('i9', 5, OLD));
    const image = JSON.parse(JSON.stringify(first.snapshot())) as EngineSnapshotV2;
    const second = IndicatorEngine.restore([OVERDUE], ORGS, image);
    second.fold(payment('i1', 100, OLD));
    second.fold(invoice('i9', 50, RECENT));
    expect(read(second)).toEqual({ value: 0, overdue: 0, open: 45 });
    expect(read(second, agent('A1')).open).toBe(0);
    expect(second.stats.unknownInvoicePayments).toBe(1);
  });

  it('a checkpoint whose ledgers count no invoices rebuilds them from its invoices, per owner', () => {
    const first = engineWith(
      invoice('i1', 100, OLD, { teamId: 'T1', agentId: 'A1' }),
      invoice('i2', 30, RECENT, { teamId: 'T1', agentId: 'A2' }),
      payment('i1', 40, OLD),
    );
    const image = JSON.parse(JSON.stringify(first.snapshot())) as EngineSnapshotV2;
    // the shape before the counts: [day, balance] only
    for (const o of image.orgs)
      for (const e of o.entities)
        for (const i of e.indicators) if (i.ledger !== undefined) i.ledger.days = i.ledger.days.map(([d, b]) => [d, b]);
    const second = IndicatorEngine.restore([OVERDUE], ORGS, image);
    expect(read(second)).toEqual(read(first));
    expect(read(second, agent('A1'))).toEqual({ value: 1, overdue: 60, open: 60 });
    expect(read(second, agent('A2'))).toEqual({ value: 0, overdue: 0, open: 30 });
    second.fold(payment('i1', 60, OLD));
    expect(read(second, agent('A1'))).toEqual({ value: null, overdue: 0, open: 0 });
  });

  it('a checkpoint from before invoices were kept by id restores with the overdue ratio started afresh', () => {
    // the old shape: a ledger by due day per entity, the org's due days and held write-offs
    const old = JSON.parse(
      JSON.stringify({
        version: 2,
        floorMs: null,
        stats: { applied: 2, ignored: 0, duplicate: 0, tooLate: 0, rejected: 0 },
        dedup: [],
        orgs: [
          {
            id: 'O1',
            clockMs: Date.parse(NOW),
            dedup: [],
            invoiceDueDay: [['i1', 20454]],
            pendingWriteOffs: [['i2', [writeOff('i2', 20)]]],
            entities: [
              {
                level: 'org',
                id: 'O1',
                indicators: [{ indicator: 'overdue', ledger: { cutoff: 20491, days: [[20454, -40]] } }],
              },
            ],
          },
        ],
      }),
    ) as EngineSnapshotV2;
    const engine = IndicatorEngine.restore([OVERDUE], ORGS, old);
    expect(read(engine)).toEqual({ value: null, overdue: 0, open: 0 });
    expect(engine.stats.unknownInvoicePayments).toBe(0);
    // i1's balance left with the old ledger: its payment is now one of an invoice not seen
    engine.fold(payment('i1', 10, OLD));
    expect(engine.stats.unknownInvoicePayments).toBe(1);
    // the held write-off still waits for its invoice
    engine.fold(invoice('i2', 50, OLD));
    expect(read(engine)).toEqual({ value: 1, overdue: 30, open: 30 });
  });
});

describe('overdue receivables and the clock', () => {
  it('an invoice turns overdue when the clock passes its threshold, and the change is reported', () => {
    const engine = engineWith(invoice('i1', 100, '2026-02-20', { teamId: 'T1' }));
    expect(read(engine)).toEqual({ value: 0, overdue: 0, open: 100 });
    // due 2026-02-20, 30 days: overdue from 2026-03-23 (local date)
    expect(engine.advanceTo(Date.parse('2026-03-22T12:00:00+08:00')).changes).toEqual([]);
    const { changes } = engine.advanceTo(Date.parse('2026-03-23T00:00:00+08:00'));
    expect(changes.map((v) => `${v.entity.level} ${v.window} ${v.value}`).sort()).toEqual([
      'org month 1',
      'team month 1',
    ]);
  });

  it('ignores an invoice without an id, an amount or a due date, and invoices when no indicator is overdue', () => {
    const engine = engineWith(
      event('invoice.issued', { amount: 10, dueDate: OLD }),
      event('invoice.issued', { invoiceId: 'i1', amount: Number.NaN, dueDate: OLD }),
      event('invoice.issued', { invoiceId: 'i2', amount: 10, dueDate: 'soon' }),
    );
    expect(read(engine)).toEqual({ value: null, overdue: 0, open: 0 });
    const other = new IndicatorEngine([{ ...OVERDUE, measure: { kind: 'manual', scale: [0, 1] } }], ORGS);
    expect(other.fold(invoice('i1', 100, OLD)).status).toBe('ignored');
  });

  it('keeps a ledger only at the levels the indicator is computed at', () => {
    const engine = new IndicatorEngine([{ ...OVERDUE, levels: ['team'] }], ORGS);
    engine.fold(invoice('i1', 100, OLD, { teamId: 'T1', agentId: 'A1' }));
    expect(engine.values().map((v) => `${v.entity.level} ${v.value}`)).toEqual(['team 1']);
  });
});

describe('overdue receivables: owners, counts and guards', () => {
  it('an invoice counts for the team and agent it names, and makes no team or agent it does not name', () => {
    const engine = engineWith(invoice('i1', 100, OLD, { teamId: 'T1' }), invoice('i2', 50, OLD));
    expect(engine.entities('team')).toEqual([{ level: 'team', id: 'T1', orgId: 'O1' }]);
    expect(engine.entities('agent')).toEqual([]);
    expect(read(engine, { level: 'team', id: 'T1', orgId: 'O1' })).toEqual({ value: 1, overdue: 100, open: 100 });
    expect(read(engine)).toEqual({ value: 1, overdue: 150, open: 150 });
  });

  it('a payment of an invoice paid off already moves nothing: the other invoices still count', () => {
    const engine = engineWith(invoice('i1', 100, RECENT), invoice('i2', 50, OLD), payment('i1', 100, RECENT));
    expect(read(engine)).toEqual({ value: 1, overdue: 50, open: 50 });
    engine.fold(payment('i1', 10, RECENT));
    engine.fold(writeOff('i1', 5));
    expect(read(engine)).toEqual({ value: 1, overdue: 50, open: 50 });
    engine.fold(payment('i2', 50, OLD));
    expect(read(engine)).toEqual({ value: null, overdue: 0, open: 0 });
  });

  it('ignores an invoice whose amount is no number (the contract refuses it before the engine)', () => {
    const engine = engineWith(event('invoice.issued', { invoiceId: 'i1', amount: '100', dueDate: OLD }));
    expect(read(engine)).toEqual({ value: null, overdue: 0, open: 0 });
  });

  it('keeps no invoices and notes no payment when no indicator is an overdue ratio', () => {
    const engine = new IndicatorEngine([{ ...OVERDUE, measure: { kind: 'manual', scale: [0, 1] } }], ORGS);
    expect(engine.fold(payment('i1', 10, OLD)).status).toBe('ignored');
    expect(engine.stats.unknownInvoicePayments).toBe(0);
  });

  it('a restored clock set back to the time bound moves the overdue cutoff back with it', () => {
    // due 2026-02-20 + 30 days: overdue from 2026-03-23 (local); the checkpoint's clock is 2026-03-25
    const engine = engineWith(invoice('i1', 100, '2026-02-20'));
    engine.advanceTo(Date.parse('2026-03-25T12:00:00+08:00'));
    expect(read(engine).value).toBe(1);
    let now = Date.parse('2026-03-20T12:00:00+08:00');
    const restored = IndicatorEngine.restore([OVERDUE], ORGS, engine.snapshot(), {
      timeBound: { now: () => now, toleranceMs: 0 },
    });
    expect(read(restored)).toEqual({ value: 0, overdue: 0, open: 100 });
    now = Date.parse('2026-03-23T00:00:00+08:00');
    expect(restored.advanceTo(now).changes.map((v) => v.value)).toEqual([1]);
  });

  it('drops the state of a terms or manual indicator restored as an overdue one', () => {
    const count: IndicatorDef = {
      ...OVERDUE,
      measure: {
        kind: 'terms',
        numerator: { types: ['invoice.issued'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
        scale: 1,
      },
    };
    const manual: IndicatorDef = { ...OVERDUE, measure: { kind: 'manual', scale: [0, 100] } };
    const score = event('kpi.manual_score', { indicator: 'overdue', value: 70 });
    for (const [before, e] of [
      [count, invoice('i1', 100, OLD)],
      [manual, score],
    ] as const) {
      const first = new IndicatorEngine([before], ORGS);
      first.fold(e);
      const image = JSON.parse(JSON.stringify(first.snapshot())) as EngineSnapshotV2;
      const restored = IndicatorEngine.restore([OVERDUE], ORGS, image);
      expect(read(restored)).toEqual({ value: null, overdue: 0, open: 0 });
    }
  });

  it('a rebuilt ledger holds, per owner, the open invoices of that owner only', () => {
    const first = engineWith(
      invoice('i1', 100, OLD, { teamId: 'T1', agentId: 'A1' }),
      invoice('i2', 30, RECENT, { teamId: 'T2', agentId: 'A2' }),
      invoice('i3', 20, OLD, { teamId: 'T1', agentId: 'A1' }),
      payment('i3', 20, OLD),
      payment('i9', 5, OLD), // of an invoice not seen: held, with no owner
    );
    const image = JSON.parse(JSON.stringify(first.snapshot())) as EngineSnapshotV2;
    for (const o of image.orgs)
      for (const e of o.entities)
        for (const i of e.indicators) if (i.ledger !== undefined) i.ledger.days = i.ledger.days.map(([d, b]) => [d, b]);
    const second = IndicatorEngine.restore([OVERDUE], ORGS, image);
    const team = (id: string): EntityRef => ({ level: 'team', id, orgId: 'O1' });
    expect(read(second, team('T1'))).toEqual({ value: 1, overdue: 100, open: 100 });
    expect(read(second, team('T2'))).toEqual({ value: 0, overdue: 0, open: 30 });
    expect(read(second, agent('A2'))).toEqual({ value: 0, overdue: 0, open: 30 });
    expect(read(second)).toEqual({ value: 100 / 130, overdue: 100, open: 130 });
    // i1 paid: the agent and team that held it hold no open invoice (i3 was paid, not counted)
    second.fold(payment('i1', 100, OLD));
    expect(read(second, agent('A1'))).toEqual({ value: null, overdue: 0, open: 0 });
    expect(read(second, team('T1'))).toEqual({ value: null, overdue: 0, open: 0 });
  });
});
