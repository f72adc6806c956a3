import { describe, expect, it } from 'vitest';
import { splitBonusPool } from './bonus-pool';
import { SEED_003_BONUS_POOL } from './fixtures.fixture';

const member = (entityId: string, total: number, sales: number) => ({
  entityId,
  total,
  tiebreak: sales,
  base: sales,
});

describe("seed 003's bonus pool", () => {
  it('pays first and second by score, a tie on score going to the higher personal sales, the rest equally', () => {
    // sales 100k + 80k + 3 × 40k = 300k → pool 6‰ = 1 800
    const split = splitBonusPool(SEED_003_BONUS_POOL, 'higher', [
      member('A2', 90, 80_000),
      member('A1', 90, 100_000),
      member('A3', 80, 40_000),
      member('A4', 70, 40_000),
      member('A5', 70, 40_000),
    ]);
    expect(split.pool).toBeCloseTo(1800, 9);
    expect(split.shares.map((s) => [s.entityId, s.rank, s.place, Number(s.amount.toFixed(6))])).toEqual([
      ['A1', 1, 1, 920], // 40 % × 1 800 + 200
      ['A2', 2, 2, 640], // 30 % × 1 800 + 100
      ['A3', 3, null, 180], // 30 % × 1 800 ÷ 3
      ['A4', 4, null, 180],
      ['A5', 4, null, 180], // full tie with A4 (score and sales): same rank, same part
    ]);
  });

  it('splits the first two places equally between two tied on score and sales', () => {
    const split = splitBonusPool(SEED_003_BONUS_POOL, 'higher', [
      member('B1', 95, 50_000),
      member('B2', 95, 50_000),
      member('B3', 60, 50_000),
    ]);
    // pool 900: places 560 and 370 pooled, 465 each; the one other takes all of the rest, 270
    expect(split.shares.map((s) => [s.entityId, s.rank, s.tied, Number(s.amount.toFixed(6))])).toEqual([
      ['B1', 1, true, 465],
      ['B2', 1, true, 465],
      ['B3', 3, false, 270],
    ]);
  });
});
