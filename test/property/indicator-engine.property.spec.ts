import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IndicatorEngine,
  type EntityRef,
  type IndicatorValue,
  type ValueParking,
  type ValueRef,
} from '#libs/indicators';
import type { CanonicalEvent } from '#libs/events';
import { arrivalsArb, financeArrivalsArb } from '../support/event-arbitraries';
import { acceptEvents } from '../support/brute-force';
import { close, expectEqualToBruteForce } from '../support/expect-brute-force';
import { TEST_INDICATORS, TEST_ORGS } from '../support/test-definitions';

// the test indicators with distinct terms
const DISTINCT = ['t.conversion', 't.agent_days'];

function keyOf(v: IndicatorValue): string {
  return `${v.indicator}|${v.entity.level}|${v.entity.orgId}|${v.entity.id}|${v.window}|${v.periodStart}`;
}

// Folds the arrivals up to a cut, snapshots (through JSON, as a checkpoint is stored), restores and
// folds the rest: the values equal the brute force's, the stats the uninterrupted engine's.
function expectRestoredAsUninterrupted(arrivals: CanonicalEvent[], cutAt: number): void {
  const cut = arrivals.length === 0 ? 0 : cutAt % arrivals.length;
  const first = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
  for (const e of arrivals.slice(0, cut)) first.fold(e);
  const image = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<IndicatorEngine['snapshot']>;
  const second = IndicatorEngine.restore(TEST_INDICATORS, TEST_ORGS, image);
  for (const e of arrivals.slice(cut)) second.fold(e);
  expectEqualToBruteForce(second, arrivals, { ignoreLateness: false });
  const whole = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
  for (const e of arrivals) whole.fold(e);
  expect(second.stats).toEqual(whole.stats);
}

describe('indicator engine equals a brute-force recomputation from the raw events', () => {
  it('for shuffled, duplicated and late streams, honouring allowed lateness', () => {
    fc.assert(
      fc.property(arrivalsArb, (arrivals) => {
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        for (const e of arrivals) engine.fold(e);
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness: false });
      }),
      { numRuns: 300 },
    );
  });

  it('in batch mode (ignoreLateness) whatever the order: the result does not depend on arrival order', () => {
    fc.assert(
      fc.property(arrivalsArb, (arrivals) => {
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { ignoreLateness: true });
        for (const e of arrivals) engine.fold(e);
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness: true });
      }),
      { numRuns: 300 },
    );
  });

  it('after a snapshot and restore at any point, as if never interrupted', () => {
    fc.assert(fc.property(arrivalsArb, fc.nat(), expectRestoredAsUninterrupted), { numRuns: 150 });
  });

  it('in micro-batches: the same values, and each change reported once as it stands after the batch', () => {
    fc.assert(
      fc.property(arrivalsArb, fc.integer({ min: 1, max: 40 }), (arrivals, size) => {
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        const single = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        for (let i = 0; i < arrivals.length; i += size) {
          const batch = arrivals.slice(i, i + size);
          const result = engine.foldBatch(batch);
          const outcomes = batch.map((e) => single.fold(e));
          expect(result.outcomes.map((o) => [o.status, o.tooLate.length])).toEqual(
            outcomes.map((o) => [o.status, o.tooLate.length]),
          );
          const keys = result.changes.map(keyOf);
          expect(new Set(keys).size).toBe(keys.length);
          const now = new Map(engine.values().map((v) => [keyOf(v), v.value]));
          for (const c of result.changes)
            if (now.has(keyOf(c))) expect(close(now.get(keyOf(c)) ?? null, c.value)).toBe(true);
        }
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness: false });
        expect(engine.stats).toEqual(single.stats);
      }),
      { numRuns: 150 },
    );
  });

  it('with the values of distinct sets parked at any points, and a restore between, as if never parked', () => {
    let parkedInAll = 0;
    let foundInAll = 0;
    fc.assert(
      fc.property(arrivalsArb, fc.integer({ min: 1, max: 4 }), fc.nat(), (arrivals, every, cutAt) => {
        // the store as Postgres keeps it: a row per value with the tallies it counts in, until its org's
        // clock passes its expiry
        const store = new Map<string, { org: string; tallies: Set<string>; expiresMs: number }>();
        const id = (r: ValueRef) => JSON.stringify([r.org, r.indicator, r.side, r.value]);
        // the engine is answered only about the values looked up before the fold (valueRefs)
        let looked = new Map<string, Set<string>>();
        const valueParking: ValueParking = {
          isMember: (ref, tally) => {
            const found = looked.get(id(ref))?.has(tally) === true;
            if (found) foundInAll++;
            return found;
          },
        };
        const park = (engine: IndicatorEngine) => {
          for (const p of engine.parkValues()) {
            const row = store.get(id(p.ref)) ?? { org: p.ref.org, tallies: new Set(), expiresMs: p.expiresMs };
            for (const t of p.tallies) row.tallies.add(t);
            row.expiresMs = Math.max(row.expiresMs, p.expiresMs);
            store.set(id(p.ref), row);
            parkedInAll++;
          }
          const clocks = engine.clocks();
          for (const [k, row] of store) if (row.expiresMs <= (clocks[row.org] ?? -Infinity)) store.delete(k);
        };
        const cut = arrivals.length === 0 ? 0 : cutAt % arrivals.length;
        let engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { valueParking });
        arrivals.forEach((e, i) => {
          if (i % every === 0) park(engine);
          if (i === cut) {
            const image = JSON.parse(JSON.stringify(engine.snapshot())) as ReturnType<IndicatorEngine['snapshot']>;
            engine = IndicatorEngine.restore(TEST_INDICATORS, TEST_ORGS, image, { valueParking });
          }
          looked = new Map();
          for (const ref of engine.valueRefs([e])) {
            const row = store.get(id(ref));
            if (row !== undefined) looked.set(id(ref), new Set(row.tallies));
          }
          engine.fold(e);
        });
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness: false });
        const whole = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        for (const e of arrivals) whole.fold(e);
        // distinct counts exactly (the restore may leave float residue in sums: the brute force said close)
        const distinctValues = (values: IndicatorValue[]) =>
          new Map(values.filter((v) => DISTINCT.includes(v.indicator)).map((v) => [keyOf(v), v]));
        expect(distinctValues(engine.values())).toEqual(distinctValues(whole.values()));
        expect(engine.stats).toEqual(whole.stats);
      }),
      { numRuns: 100 },
    );
    // the property held with values really parked and found again
    expect(parkedInAll).toBeGreaterThan(100);
    expect(foundInAll).toBeGreaterThan(20);
  });

  it('whether an event counts does not depend on when its window was last read', () => {
    // a late repeat of a counted visitor, after the clock moved on by another side of the indicator:
    // one by one, the fold of the order reads the window to the clock; in a batch nothing reads it
    const at = (minute: number, id: string, type: string, visitorId: string): CanonicalEvent => ({
      specversion: '1.0',
      id,
      source: 'src/0',
      type,
      time: new Date(Date.parse('2026-03-08T07:00:00Z') + minute * 60_000).toISOString(),
      data: {
        orgId: 'O1',
        visitorId,
        channel: 'chat',
        ...(type === 'crm.order.paid' ? { orderId: 'o', amount: 1, currency: 'CNY' } : {}),
      },
    });
    const arrivals = [
      at(0, 'e1', 'crm.inquiry.received', 'v0'),
      at(30, 'e2', 'crm.inquiry.received', 'v1'),
      at(61, 'e3', 'crm.order.paid', 'v9'),
      at(60, 'e4', 'crm.inquiry.received', 'v1'), // v1 again: the hour's distinct count stays 1 either way
    ];
    const single = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    const batched = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    const one = arrivals.map((e) => single.fold(e).status);
    expect(batched.foldBatch(arrivals).outcomes.map((o) => o.status)).toEqual(one);
    expect(one[3]).toBe('ignored');
  });

  it('each fold reports every calendar value it changed, with its new value', () => {
    fc.assert(
      fc.property(arrivalsArb, (arrivals) => {
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
        for (const e of arrivals) {
          const before = new Map(engine.values().map((v) => [keyOf(v), v.value]));
          const result = engine.fold(e);
          const reported = new Map(result.changes.map((v) => [keyOf(v), v]));
          for (const v of engine.values()) {
            if (v.window.startsWith('rolling:') || v.indicator === 't.overdue') continue; // these decay with the clock
            const k = keyOf(v);
            if (before.has(k) && before.get(k) !== v.value) expect(reported.get(k)?.value).toEqual(v.value);
          }
          for (const c of result.changes) {
            const now = engine.values().find((v) => keyOf(v) === keyOf(c));
            if (now !== undefined) expect(close(now.value, c.value)).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('receivables are kept per invoice', () => {
  // payments before their invoice or of invoices never issued, overpayments, re-issues, payments from
  // another agent or none: the engine against the brute force, and the ratio within [0, 1]
  it('for finance streams, as the brute force says, the ratio within [0, 1]', () => {
    fc.assert(
      fc.property(financeArrivalsArb, fc.boolean(), (arrivals, ignoreLateness) => {
        const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS, { ignoreLateness });
        for (const e of arrivals) engine.fold(e);
        expectEqualToBruteForce(engine, arrivals, { ignoreLateness });
        for (const v of engine.values()) {
          if (v.indicator !== 't.overdue' || v.value === null) continue;
          expect(v.value).toBeGreaterThanOrEqual(0);
          expect(v.value).toBeLessThanOrEqual(1);
        }
        // every payment folded while its invoice was not yet seen is counted
        const issued = new Set<string>();
        let unknown = 0;
        for (const { e } of acceptEvents(TEST_INDICATORS, TEST_ORGS, arrivals, { ignoreLateness })) {
          const id = `${e.data.orgId}|${String(e.data.invoiceId)}`;
          if (e.type === 'invoice.issued') issued.add(id);
          else if (e.type === 'payment.received' && !issued.has(id)) unknown++;
        }
        expect(engine.stats.unknownInvoicePayments).toBe(unknown);
      }),
      { numRuns: 300 },
    );
  });
  it('for finance streams, after a snapshot and restore at any point, as if never interrupted', () => {
    fc.assert(fc.property(financeArrivalsArb, fc.nat(), expectRestoredAsUninterrupted), { numRuns: 150 });
  });
});

describe('duplicates and lateness are counted, never silently dropped', () => {
  const base: CanonicalEvent = {
    specversion: '1.0',
    id: 'x1',
    source: 'ticketing/zendesk',
    type: 'ticket.solved',
    time: '2026-11-02T10:00:00+08:00',
    data: {
      orgId: 'O1',
      teamId: 'T1',
      agentId: 'A1',
      ticketId: 'k',
      contacts: 1,
      handleSeconds: 60,
      resolutionSeconds: 60,
    },
  };
  const at = (id: string, time: string): CanonicalEvent => ({ ...base, id, time });

  it('the same (source, id) counts once', () => {
    const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    expect(engine.fold(base).status).toBe('applied');
    expect(engine.fold({ ...base }).status).toBe('duplicate');
    expect(engine.fold({ ...base, source: 'ticketing/other' }).status).toBe('applied');
    const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
    expect(engine.value('t.solved', team, 'day')?.value).toBe(2);
    expect(engine.stats.duplicate).toBe(1);
  });

  it('an event later than its allowed lateness is reported too late for the closed period only', () => {
    const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    engine.fold(at('a', '2026-11-02T10:00:00+08:00'));
    engine.fold(at('b', '2026-11-03T02:00:00+08:00')); // 1 h after the day closed + 1 h lateness
    const late = engine.fold(at('c', '2026-11-02T23:00:00+08:00'));
    expect(late.status).toBe('applied');
    expect(late.tooLate.map((t) => t.window)).toEqual(['day']);
    const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
    expect(engine.value('t.solved', team, 'week')?.value).toBe(3);
    expect(engine.value('t.solved', team, 'day')?.value).toBe(1);
    expect(engine.stats.tooLate).toBe(1);
  });

  it('the allowed lateness ends exactly at period end + lateness', () => {
    const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    engine.fold(at('a', '2026-11-03T00:59:59+08:00'));
    expect(engine.fold(at('b', '2026-11-02T23:00:00+08:00')).tooLate).toEqual([]);
    engine.fold(at('c', '2026-11-03T01:00:00+08:00'));
    expect(engine.fold(at('d', '2026-11-02T23:00:00+08:00')).tooLate.map((t) => t.window)).toEqual(['day']);
  });

  it('a late event within the allowed lateness corrects the closed day', () => {
    const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    engine.fold(at('a', '2026-11-02T10:00:00+08:00'));
    engine.fold(at('b', '2026-11-03T00:30:00+08:00'));
    const late = engine.fold(at('c', '2026-11-02T23:00:00+08:00'));
    expect(late.tooLate).toEqual([]);
    const day = late.changes.find((c) => c.window === 'day' && c.entity.level === 'team');
    expect(day?.value).toBe(2);
    expect(day?.periodStart).toBe(Date.parse('2026-11-02T00:00:00+08:00'));
  });

  it('moving the clock closes periods and lets rolling windows decay without events', () => {
    const engine = new IndicatorEngine(TEST_INDICATORS, TEST_ORGS);
    engine.fold(at('a', '2026-11-02T10:00:00+08:00'));
    const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };
    expect(engine.value('t.solved', team, 'rolling:1h')?.value).toBe(1);
    const moved = engine.advanceTo(Date.parse('2026-11-03T02:00:00+08:00'));
    expect(moved.changes.some((c) => c.window === 'rolling:1h' && c.entity.level === 'team' && c.value === 0)).toBe(
      true,
    );
    expect(moved.closed.some((c) => c.window === 'day' && c.entity.level === 'team' && c.value === 1)).toBe(true);
    expect(engine.value('t.solved', team, 'rolling:1h')?.value).toBe(0);
    expect(engine.value('t.solved', team, 'rolling:24h')?.value).toBe(1);
  });
});
