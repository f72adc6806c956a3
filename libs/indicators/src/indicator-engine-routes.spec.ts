import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine } from './indicator-engine';
import type { EntityRef } from './indicator-value';

const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const D = 86_400_000;
const T0 = Date.parse('2026-03-10T10:00:00Z');
const ORG: EntityRef = { level: 'org', id: 'O1', orgId: 'O1' };
const STATS = {
  applied: 0,
  ignored: 0,
  duplicate: 0,
  tooLate: 0,
  rejected: 0,
  unknownInvoicePayments: 0,
  expiredKeys: 0,
};

const indicator = (id: string, measure: IndicatorDef['measure']): IndicatorDef => ({
  id,
  version: 1,
  name: { en: id, zh: id },
  description: id,
  unit: 'number',
  levels: ['org'],
  windows: ['month'],
  allowedLatenessMs: 0,
  measure,
});
const ISSUED = indicator('issued', {
  kind: 'terms',
  numerator: { types: ['invoice.issued'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
  scale: 1,
});
const OVERDUE = indicator('overdue', { kind: 'overdue-ratio', afterDays: 30 });

const issued = (invoiceId: string): CanonicalEvent => ({
  specversion: '1.0',
  id: invoiceId,
  source: 'test',
  type: 'invoice.issued',
  time: new Date(T0).toISOString(),
  data: { orgId: 'O1', invoiceId, amount: 100, currency: 'CNY', dueDate: '2026-01-01' },
});

describe('an event type several measure kinds count', () => {
  it('goes to each of them, in either order of the definitions', () => {
    for (const defs of [
      [ISSUED, OVERDUE],
      [OVERDUE, ISSUED],
    ]) {
      const engine = new IndicatorEngine(defs, ORGS);
      engine.fold(issued('i1'));
      engine.fold(issued('i2'));
      expect(engine.value('issued', ORG, 'month')?.value).toBe(2);
      expect(engine.value('overdue', ORG, 'month')).toMatchObject({ value: 1, numerator: 200, denominator: 200 });
    }
  });
});

describe('idle ticks and the keys of version-1 snapshots', () => {
  const v1 = {
    version: 1 as const,
    clockMs: T0,
    stats: STATS,
    dedup: [[Math.floor(T0 / D), ['4:test:i1']]] as [number, string[]][],
    orgs: [],
  };

  it('a batch run forgets none of them, however far it is moved', () => {
    const engine = IndicatorEngine.restore([ISSUED], ORGS, v1, { ignoreLateness: true });
    engine.advanceTo(T0 + 400 * D);
    expect(engine.dedupSize).toBe(1);
    expect(engine.fold(issued('i1')).status).toBe('duplicate');
  });

  it('an engine without dedup moves on without keys to forget', () => {
    const engine = new IndicatorEngine([ISSUED], ORGS, { dedup: false });
    engine.fold(issued('i1'));
    expect(engine.advanceTo(T0 + 400 * D).closed.map((v) => v.value)).toEqual([1]);
    expect([engine.clock, engine.dedupSize]).toEqual([T0 + 400 * D, 0]);
  });
});
