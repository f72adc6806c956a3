import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CalendarWindow, Direction, IndicatorDef, KpiDef, ScorecardDef } from '#libs/definitions';
import { scoreCardAt } from '#libs/evaluation';
import type { Weekday, WorkingCalendar } from '#libs/time';
import { close } from '../support/expect-brute-force';

// Pace against a brute force that shares no code with libs/time or libs/scoring: in Shanghai (UTC+8 all
// year, no DST since 1991) a local day is a UTC day shifted by 8 hours, so periods, weekdays and the
// elapsed fraction come from Date.UTC arithmetic alone.

const DAY = 86_400_000;
const SHIFT = 8 * 3_600_000;
const WEEKDAY_OF_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// the local period holding `at`, as UTC instants
function periodOf(window: CalendarWindow, at: number): { start: number; end: number } {
  const local = new Date(at + SHIFT);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  let start: number;
  let end: number;
  switch (window) {
    case 'day':
      start = Date.UTC(y, m, d);
      end = Date.UTC(y, m, d + 1);
      break;
    case 'week': {
      const back = (local.getUTCDay() + 6) % 7; // days since Monday
      start = Date.UTC(y, m, d - back);
      end = Date.UTC(y, m, d - back + 7);
      break;
    }
    case 'month':
      start = Date.UTC(y, m, 1);
      end = Date.UTC(y, m + 1, 1);
      break;
    case 'quarter':
      start = Date.UTC(y, m - (m % 3), 1);
      end = Date.UTC(y, m - (m % 3) + 3, 1);
      break;
    case 'year':
      start = Date.UTC(y, 0, 1);
      end = Date.UTC(y + 1, 0, 1);
      break;
  }
  return { start: start - SHIFT, end: end - SHIFT };
}

function bruteElapsed(window: CalendarWindow, at: number, calendar: WorkingCalendar | undefined): number {
  const { start, end } = periodOf(window, at);
  const byTime = (at - start) / (end - start);
  if (calendar === undefined) return byTime;
  let working = 0;
  let elapsed = 0;
  for (let dayStart = start; dayStart < end; dayStart += DAY) {
    const local = new Date(dayStart + SHIFT);
    const date = local.toISOString().slice(0, 10);
    if (!calendar.workingDays.includes(WEEKDAY_OF_UTC_DAY[local.getUTCDay()] ?? 'sun')) continue;
    if (calendar.holidays.includes(date)) continue;
    working++;
    elapsed += Math.min(1, Math.max(0, (at - dayStart) / DAY));
  }
  return working === 0 ? byTime : elapsed / working;
}

const SIGNED: IndicatorDef = {
  id: 'sales.signed',
  version: 1,
  name: { en: 'Signed', zh: '签约额' },
  description: 'won amounts',
  unit: 'amount',
  levels: ['team'],
  windows: ['day', 'week', 'month', 'quarter', 'year'],
  allowedLatenessMs: 0,
  measure: {
    kind: 'terms',
    numerator: {
      types: ['crm.deal.won'],
      where: [],
      timeField: 'time',
      aggregation: { kind: 'sum', fields: ['data.amount'] },
    },
    scale: 1,
  },
};

function card(
  window: CalendarWindow,
  direction: Direction,
  target: number,
  beforeClose: 'pace' | 'target',
): ScorecardDef {
  const kpi: KpiDef = {
    id: 'signed',
    name: { en: 'Signed', zh: '签约额' },
    indicator: SIGNED.id,
    window,
    dimension: 'main',
    weight: 1,
    direction,
    target,
    // floor 0 and a cap above every ratio tested: the score is the ratio itself, no boundary to decide
    rule: { kind: 'achievement', floor: 0, cap: 1000, belowFloorScore: 0 },
    missing: { kind: 'exclude' },
    redLines: [],
    beforeClose,
    source: 'property',
  };
  return {
    id: 'card',
    version: 1,
    effectiveFrom: '2020-01-01',
    name: { en: 'Card', zh: '卡' },
    role: 'sales',
    level: 'team',
    period: window,
    dimensions: [{ id: 'main', name: { en: 'Main', zh: '主' }, weight: 100 }],
    kpis: [kpi],
    grades: [{ grade: 'A', min: 0 }],
    status: { green: 100, amber: 80 },
    alerts: [],
    streaks: [],
    source: 'property',
  };
}

const calendarArb: fc.Arbitrary<WorkingCalendar | undefined> = fc.option(
  fc.record({
    workingDays: fc.subarray([...WEEKDAY_OF_UTC_DAY], { minLength: 1 }),
    holidays: fc.uniqueArray(
      fc
        .integer({ min: Date.UTC(2025, 11, 1), max: Date.UTC(2027, 1, 1) })
        .map((ms) => new Date(ms).toISOString().slice(0, 10)),
      { maxLength: 40 },
    ),
  }),
  { nil: undefined },
);

describe('pace of a cumulative KPI (property)', () => {
  it("elapsed, expected, projected, gap and the score match a brute force from the period's elapsed time", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CalendarWindow>('day', 'week', 'month', 'quarter', 'year'),
        fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) }),
        fc.option(fc.double({ min: 1, max: 1e7, noNaN: true }), { nil: null }),
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        fc.constantFrom<Direction>('higher', 'lower'),
        fc.constantFrom<'pace' | 'target'>('pace', 'target'),
        calendarArb,
        (window, at, actual, target, direction, beforeClose, calendar) => {
          const context = { org: { timeZone: 'Asia/Shanghai', calendar }, indicators: new Map([[SIGNED.id, SIGNED]]) };
          const [k] = scoreCardAt(card(window, direction, target, beforeClose), at, context, () => actual).score.kpis;
          const elapsed = bruteElapsed(window, at, calendar);
          if (elapsed === 0) {
            expect(k?.pace).toBeUndefined();
            return;
          }
          const expected = target * elapsed;
          const ratio = actual === null ? null : actual / expected;
          const want = {
            elapsed,
            expected,
            projected: actual === null ? null : actual / elapsed,
            gap: ratio === null ? null : direction === 'higher' ? ratio - 1 : 1 - ratio,
          };
          const pace = k?.pace;
          expect(pace?.scoredOn).toBe(beforeClose);
          const got = {
            elapsed: pace?.elapsed ?? NaN,
            expected: pace?.expected ?? NaN,
            projected: pace?.projected ?? null,
            gap: pace?.gap ?? null,
          };
          const same = (Object.keys(want) as (keyof typeof want)[]).every((key) => close(got[key], want[key]));
          if (!same) expect(got).toEqual(want);
          if (actual === null) return;
          const scoredOn = beforeClose === 'pace' ? expected : target;
          const score = (direction === 'higher' ? actual / scoredOn : scoredOn / actual) * 100;
          if (!close(k?.score ?? NaN, Math.min(score, 100_000))) expect(k?.score).toBe(score);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
