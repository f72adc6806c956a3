import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings, Term } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine } from '../indicator-engine';
import type { IndicatorValue } from '../indicator-value';

// Settling joined keys as clocks move: a conversion whose window passed lands as a miss in its own
// period before the org's clock closes that period, whether an event or an idle tick moves the clock.
const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'UTC', currency: 'CNY', exchangeRates: {} }];
const H = 3_600_000;
const D = 24 * H;
const MARCH = Date.parse('2026-03-01T00:00:00Z');
const APRIL = Date.parse('2026-04-01T00:00:00Z');
const LEAD_AT = Date.parse('2026-03-20T12:00:00Z'); // its 10-day window ends 2026-03-30 12:00, in March

const term = (type: string): Term => ({ types: [type], where: [], timeField: 'time', aggregation: { kind: 'count' } });
const CONV: IndicatorDef = {
  id: 'conv',
  version: 1,
  name: { en: 'conv', zh: 'conv' },
  description: 'conv',
  unit: 'ratio',
  levels: ['org'],
  windows: ['month'],
  allowedLatenessMs: H,
  measure: {
    kind: 'conversion',
    key: 'data.leadId',
    from: term('crm.lead.created'),
    to: term('crm.deal.created'),
    withinMs: 10 * D,
  },
};

let n = 0;
const event = (type: string, at: number, data: Record<string, unknown>): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'test',
  type,
  time: new Date(at).toISOString(),
  data: { orgId: 'O1', ...data },
});
const lead = (leadId: string, at: number) => event('crm.lead.created', at, { leadId });
const brief = (values: readonly IndicatorValue[]) =>
  values.map((v) => [v.window, v.periodStart, v.value, v.numerator, v.denominator]);

describe('a conversion missed in a period the clock then closes', () => {
  it('lands before the period closes when an event of its types moves the clock', () => {
    const engine = new IndicatorEngine([CONV], ORGS);
    engine.fold(lead('l1', LEAD_AT));
    const { closed, changes } = engine.fold(lead('l2', APRIL + 2 * D));
    expect(brief(closed)).toEqual([['month', MARCH, 0, 0, 1]]);
    expect(brief(changes)).toEqual([]);
    expect(engine.stats.expiredKeys).toBe(0);
  });

  it('lands before the period closes on an idle tick, and not a moment before its window and lateness pass', () => {
    const engine = new IndicatorEngine([CONV], ORGS);
    engine.fold(lead('l1', LEAD_AT));
    const deadline = LEAD_AT + 10 * D + H;
    expect(engine.advanceTo(deadline - 1)).toEqual({ changes: [], closed: [] });
    expect(brief(engine.advanceTo(deadline).changes)).toEqual([['month', MARCH, 0, 0, 1]]);
    expect(engine.snapshot().orgs[0]?.journeys).toEqual([{ indicator: 'conv', clockMs: deadline, keys: [] }]);
    expect(brief(engine.advanceTo(APRIL + H).closed)).toEqual([['month', MARCH, 0, 0, 1]]);
  });

  it('in batch runs keys settle as the clock passes them and stay', () => {
    const engine = new IndicatorEngine([CONV], ORGS, { ignoreLateness: true });
    engine.fold(lead('l1', LEAD_AT));
    engine.advanceTo(APRIL + 2 * D);
    expect(engine.value('conv', { level: 'org', id: 'O1', orgId: 'O1' }, 'month')).toMatchObject({
      periodStart: APRIL,
      denominator: 0,
    });
    expect(engine.snapshot().orgs[0]?.journeys?.[0]?.keys.map((k) => [k.key, k.landed?.value])).toEqual([['l1', 0]]);
    expect(engine.stats.expiredKeys).toBe(0);
  });
});
