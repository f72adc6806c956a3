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

  it('pools a tie across the last paid place and the rest: the second place and two parts, in three', () => {
    // sales 100k + 4 × 50k = 300k → pool 1 800; second place 640, each part of the rest 540 ÷ 3 = 180
    const split = splitBonusPool(SEED_003_BONUS_POOL, 'higher', [
      member('C1', 95, 100_000),
      member('C4', 80, 50_000),
      member('C3', 80, 50_000),
      member('C2', 80, 50_000),
      member('C5', 60, 50_000),
    ]);
    expect(split.shares.map((s) => [s.entityId, s.rank, s.place, s.tied, Number(s.amount.toFixed(6))])).toEqual([
      ['C1', 1, 1, false, 920],
      ['C2', 2, 2, true, 333.333333], // (640 + 180 + 180) ÷ 3
      ['C3', 2, null, true, 333.333333],
      ['C4', 2, null, true, 333.333333],
      ['C5', 5, null, false, 180],
    ]);
  });

  it('pays only the fixed amounts from a zero pool, and leaves untaken places and the rest unpaid', () => {
    // no sales (none recorded for Z3): the places pay their 200 and 100, the rest is 30 % of nothing
    const zero = splitBonusPool(SEED_003_BONUS_POOL, 'higher', [
      member('Z1', 90, 0),
      member('Z2', 80, 0),
      { entityId: 'Z3', total: 70, tiebreak: null, base: null },
    ]);
    expect(zero.pool).toBe(0);
    expect(zero.shares.map((s) => [s.entityId, s.place, s.amount])).toEqual([
      ['Z1', 1, 200],
      ['Z2', 2, 100],
      ['Z3', null, 0],
    ]);
    // one person: the first place of a pool of 60; the second place and the rest go to no one
    const alone = splitBonusPool(SEED_003_BONUS_POOL, 'higher', [member('S1', 50, 10_000)]);
    expect(alone.shares.map((s) => [s.entityId, s.place, Number(s.amount.toFixed(6))])).toEqual([['S1', 1, 224]]);
    expect(splitBonusPool(SEED_003_BONUS_POOL, 'higher', [])).toEqual({ pool: 0, shares: [] });
  });
});
