import { describe, expect, it } from 'vitest';
import type { StreakOutcomeTest } from '#libs/definitions';
import { SEED_002_GRADES, SEED_003_STREAKS } from './fixtures.fixture';
import { streakOutcomes, type PeriodResult } from './streaks';

const month = (m: number, total: number | null, grade: string | null): PeriodResult => ({
  periodStart: new Date(Date.UTC(2026, m - 1, 1)).toISOString(),
  periodEnd: new Date(Date.UTC(2026, m, 1)).toISOString(),
  total,
  grade,
});

const met = (history: PeriodResult[]) =>
  streakOutcomes(SEED_003_STREAKS, SEED_002_GRADES, history).map((s) => [s.rule, s.run, s.met]);

describe('streak outcomes at close', () => {
  it('flags three months below 70, not two, and not 70 itself', () => {
    expect(met([month(1, 69, 'D'), month(2, 65, 'D'), month(3, 69.99, 'D')])).toEqual([
      ['below-70', 3, true],
      ['promotion', 0, false],
    ]);
    expect(met([month(1, 70, 'C'), month(2, 65, 'D'), month(3, 60, 'D')])[0]).toEqual(['below-70', 2, false]);
  });

  it('makes B or better three months running promotion eligible, A and B mixed', () => {
    expect(met([month(4, 75, 'C'), month(5, 91, 'A'), month(6, 82, 'B'), month(7, 95, 'A')])[1]).toEqual([
      'promotion',
      3,
      true,
    ]);
  });

  it('breaks a run at a gap between closed periods or a period without a total', () => {
    expect(met([month(1, 60, 'D'), month(3, 60, 'D'), month(4, 60, 'D')])[0]).toEqual(['below-70', 2, false]);
    expect(met([month(1, 60, 'D'), month(2, null, null), month(3, 60, 'D')])[0]).toEqual(['below-70', 1, false]);
    expect(met([month(1, 85, 'B'), month(2, null, null), month(3, 95, 'A')])[1]).toEqual(['promotion', 1, false]);
  });

  it("counts no grade the card no longer has (an older version's S) as at least B", () => {
    expect(met([month(1, 99, 'S'), month(2, 91, 'A'), month(3, 82, 'B')])[1]).toEqual(['promotion', 2, false]);
  });

  it('refuses a test it does not know rather than count it as held or not', () => {
    const [rule] = SEED_003_STREAKS;
    const unknown = { ...rule!, when: { kind: 'total-above', total: 90 } as unknown as StreakOutcomeTest };
    expect(() => streakOutcomes([unknown], SEED_002_GRADES, [month(1, 95, 'A')])).toThrow(
      'unreachable: {"kind":"total-above","total":90}',
    );
  });
});
