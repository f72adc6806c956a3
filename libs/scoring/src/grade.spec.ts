import { describe, expect, it } from 'vitest';
import { capGrade, gradeOf } from './grade';
import { SEED_002_GRADES, SEED_003_GRADES } from './scorecard.fixture';

const gradeName = (grades: typeof SEED_002_GRADES, total: number): string | undefined => gradeOf(grades, total)?.grade;

describe('gradeOf', () => {
  it.each([
    [100, 'A', 1.5],
    [90, 'A', 1.5],
    [89.99, 'B', 1.2],
    [80, 'B', 1.2],
    [79.99, 'C', 1.0],
    [70, 'C', 1.0],
    [69.9, 'D', 0.6],
    [0, 'D', 0.6],
  ])('seed 002 A ≥90 / B 80–89 / C 70–79 / D <70: %d is %s (×%d)', (total, grade, coefficient) => {
    const g = gradeOf(SEED_002_GRADES, total);
    expect(g?.grade).toBe(grade);
    expect(g?.coefficient).toBe(coefficient);
  });

  // 售前绩效奖金评定标准 "95<*=<100, 85<*=<95, 75<*=<85, =<75": the lower bounds are exclusive, so 95 is a B
  it.each([
    [100, 'A', 300],
    [95.01, 'A', 300],
    [95, 'B', 200],
    [85.01, 'B', 200],
    [85, 'C', 0],
    [75.01, 'C', 0],
    [75, 'D', -200],
    [0, 'D', -200],
  ])('seed 003 bonus grades: %d is %s (bonus %d)', (total, grade, bonus) => {
    const g = gradeOf(SEED_003_GRADES, total);
    expect(g?.grade).toBe(grade);
    expect(g?.bonus).toBe(bonus);
  });

  it('gives the lowest grade to a total below every bound', () => {
    const grades = [
      { grade: 'pass', min: 50 },
      { grade: 'fail', min: 0, minExclusive: true },
    ];
    expect(gradeName(grades, 0)).toBe('fail');
  });

  it('has no grade when the scorecard has none', () => {
    expect(gradeOf([], 50)).toBeUndefined();
  });
});

describe('capGrade', () => {
  const [a, , c] = SEED_002_GRADES;
  if (a === undefined || c === undefined) throw new Error('fixture has grades');

  it('seed 004 二.4 "总绩效上限为 B 或 C": an A capped at B is a B', () => {
    expect(capGrade(SEED_002_GRADES, a, ['B']).grade).toBe('B');
  });

  it('never raises a grade', () => {
    expect(capGrade(SEED_002_GRADES, c, ['B']).grade).toBe('C');
  });

  it('takes the strictest of several caps and ignores a grade the scorecard does not have', () => {
    expect(capGrade(SEED_002_GRADES, a, ['B', 'C', 'B']).grade).toBe('C');
    expect(capGrade(SEED_002_GRADES, a, ['Z']).grade).toBe('A');
  });
});
