import { describe, expect, it } from 'vitest';
import type { StreakRuleDef } from '#libs/definitions';
import { SEED_002_GRADES } from './fixtures.fixture';
import { streakOutcomes, type PeriodResult } from './streaks';

// seed 003 考核说明 2 "绩效考核连续3个月在70分以下的,调离工作岗位或建议离职"; 奖励 5 "连续3个月达到中级或高级客服分值要求。给予升职加薪"
const RULES: StreakRuleDef[] = [
  {
    id: 'below-70',
    name: { en: '', zh: '' },
    periods: 3,
    when: { kind: 'total-below', total: 70 },
    outcome: 'flag',
    source: '',
  },
  {
    id: 'promotion',
    name: { en: '', zh: '' },
    periods: 3,
    when: { kind: 'grade-at-least', grade: 'B' },
    outcome: 'promotion',
    source: '',
  },
];

const month = (m: number, total: number | null, grade: string | null): PeriodResult => ({
  periodStart: new Date(Date.UTC(2026, m - 1, 1)).toISOString(),
  periodEnd: new Date(Date.UTC(2026, m, 1)).toISOString(),
  total,
  grade,
});

const met = (history: PeriodResult[]) =>
  streakOutcomes(RULES, SEED_002_GRADES, history).map((s) => [s.rule, s.run, s.met]);

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
  });
});
