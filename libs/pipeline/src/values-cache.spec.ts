import { describe, expect, it } from 'vitest';
import type { IndicatorValue } from '#libs/indicators';
import { ValuesCache } from './values-cache';

const DAY = 86_400_000;
const row = (
  window: IndicatorValue['window'],
  periodStart: number,
  periodEnd: number,
  value: number,
): IndicatorValue => ({
  indicator: 'finance.collection_rate',
  entity: { level: 'team', id: 'T1', orgId: 'O1' },
  window,
  periodStart,
  periodEnd,
  value,
  numerator: value,
  denominator: 1,
});

describe('ValuesCache', () => {
  it('keeps the period holding the clock when a change lands in a later one (timed by a due date)', async () => {
    const cache = new ValuesCache({ valuesOf: () => Promise.resolve([]) });
    const clock = 40 * DAY;
    const current = row('month', 30 * DAY, 60 * DAY, 0.4);
    const next = row('month', 60 * DAY, 90 * DAY, 0.9);
    await cache.apply([current, next], clock);
    const held = await cache.valuesOf([current.entity]);
    expect(held.map((v) => v.value).sort()).toEqual([0.4, 0.9]);
  });

  it('lets go of a period one period after it ended, whether changed or loaded from the store', async () => {
    const old = row('month', 0, 30 * DAY, 0.1);
    const cache = new ValuesCache({ valuesOf: () => Promise.resolve([old]) });
    await cache.apply([row('month', 30 * DAY, 60 * DAY, 0.5), row('rolling:24h', 39 * DAY, 40 * DAY, 0.7)], 40 * DAY);
    const held = await cache.valuesOf([old.entity]);
    // the month closed on day 30 stays until day 60, for the changes that re-score it as closed
    expect(held.map((v) => `${v.window}:${v.value}`).sort()).toEqual(['month:0.1', 'month:0.5', 'rolling:24h:0.7']);
    await cache.apply([row('month', 60 * DAY, 90 * DAY, 0.6)], 61 * DAY);
    expect((await cache.valuesOf([old.entity])).map((v) => `${v.window}:${v.value}`).sort()).toEqual([
      'month:0.5',
      'month:0.6',
      'rolling:24h:0.7',
    ]);
  });

  it("lets go of an org's periods by that org's clock: another org's later clock drops nothing of it", async () => {
    const cache = new ValuesCache({ valuesOf: () => Promise.resolve([]) });
    const mine = row('month', 30 * DAY, 60 * DAY, 0.4);
    const theirs = {
      ...row('month', 60 * DAY, 90 * DAY, 0.9),
      entity: { level: 'team' as const, id: 'T1', orgId: 'O2' },
    };
    // O2's clock is in the next month already; O1's is still in this one
    await cache.apply([mine, theirs], 61 * DAY, { O1: 59 * DAY, O2: 61 * DAY });
    expect((await cache.valuesOf([mine.entity])).map((v) => v.value)).toEqual([0.4]);
    await cache.apply([theirs], 61 * DAY, { O2: 62 * DAY });
    expect((await cache.valuesOf([mine.entity])).map((v) => v.value)).toEqual([0.4]);
    // O1's own clock a month past the end of its month lets it go
    await cache.apply([row('month', 60 * DAY, 90 * DAY, 0.1)], 61 * DAY, { O1: 90 * DAY });
    expect((await cache.valuesOf([mine.entity])).map((v) => v.value)).toEqual([0.1]);
  });
});
