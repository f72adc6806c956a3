import { describe, expect, it } from 'vitest';
import { closePeriod, closingOf, resultOf, streakLookback, type ClosingMember } from './close-period';
import {
  card,
  frozenAgent,
  HANDLE_TIME,
  kpi,
  NOVEMBER_SHANGHAI,
  SEED_002_CALIBRATION,
  SEED_003_BONUS_POOL,
  SEED_003_STREAKS,
} from './fixtures.fixture';
import type { PeriodResult } from './streaks';

// seed 002's forced distribution with ties broken by the shorter handle time, seed 003's pool (ties by
// the higher sales) and streaks. Sales at or above 1 and handle times at or below 600 s score 100, so
// the total is (100 × csat + 200) ÷ 3: csat 0.7 → 90 (A), 0.4 → 80 (B), 0.01 → 67 (D).
const def = card({
  id: 'agent-card',
  version: 3,
  kpis: [...card().kpis, HANDLE_TIME],
  calibration: { ...SEED_002_CALIBRATION, tiebreak: { kpi: 'handle_time' } },
  bonusPool: SEED_003_BONUS_POOL,
  streaks: SEED_003_STREAKS,
});

const agent = (id: string, csatActual: number, sales: number, handle: number) =>
  frozenAgent(def, id, { csat: csatActual, sales_amount: sales, handle_time: handle });

// Earlier closed months in Asia/Shanghai, each ending where the next begins.
const september = (total: number, grade: string): PeriodResult => ({
  periodStart: '2026-08-31T16:00:00.000Z',
  periodEnd: '2026-09-30T16:00:00.000Z',
  total,
  grade,
});
const october = (total: number, grade: string): PeriodResult => ({
  periodStart: '2026-09-30T16:00:00.000Z',
  periodEnd: '2026-10-31T16:00:00.000Z',
  total,
  grade,
});

// A1 and A2 tie on 90: A2 is faster and sold more, so ranks first for both calibration and pool although
// its id sorts second. A4 has no data. Listed out of order; A10 sorts after A4 (numeric ids).
const frozen = [
  agent('A10', 0.4, 100_000, 100),
  agent('A2', 0.7, 60_000, 200),
  frozenAgent(def, 'A4', {}),
  agent('A1', 0.7, 40_000, 300),
  agent('A3', 0.01, 20_000, 500),
];
const earlier = new Map([
  ['A1', [october(85, 'B')]],
  ['A3', [september(60, 'D'), october(65, 'D')]],
]);
const members: ClosingMember[] = frozen.map((card) => ({
  frozen: card,
  earlier: earlier.get(card.content.entity.id) ?? [],
}));

const streak = (rule: 'below-70' | 'promotion', run: number) => ({
  rule,
  outcome: rule === 'below-70' ? 'flag' : 'promotion',
  periods: 3,
  run,
  met: run >= 3,
});
const cents = (amount: number) => Math.round(amount * 100) / 100;

describe("a period's close", () => {
  it('looks back one period less than the longest streak rule', () => {
    expect(streakLookback(card())).toBe(0);
    expect(streakLookback(def)).toBe(2);
    const [rule] = SEED_003_STREAKS;
    expect(
      streakLookback(
        card({
          streaks: [
            { ...rule!, periods: 5 },
            { ...rule!, periods: 2 },
          ],
        }),
      ),
    ).toBe(4);
  });

  it("takes a frozen card's period, total and grade as the person's result of it", () => {
    expect(resultOf(agent('A1', 0.4, 1, 1))).toEqual({
      periodStart: '2026-10-31T16:00:00.000Z',
      periodEnd: '2026-11-30T16:00:00.000Z',
      total: 80,
      grade: 'B',
    });
  });

  it('calibrates and splits the pool among the people with a total, by rank, and counts everyone’s streaks', () => {
    const { calibration, bonusPool, people } = closePeriod(def, members);

    // four people with a total: A may hold ⌊0.4⌋ = 0, B ⌊1.2⌋ = 1
    expect(calibration?.population).toBe(4);
    expect(calibration?.violated).toBe(true);
    expect(calibration?.limits).toEqual([
      { grade: 'A', atMost: 0.1, allowed: 0, computed: 2 },
      { grade: 'B', atMost: 0.3, allowed: 1, computed: 1 },
    ]);
    expect(calibration?.grades.map((g) => [g.entityId, g.rank, g.computed, g.proposed, g.tied])).toEqual([
      ['A2', 1, 'A', 'B', false],
      ['A1', 2, 'A', 'C', false],
      ['A10', 3, 'B', 'C', false],
      ['A3', 4, 'D', 'D', false],
    ]);

    // sales 60k + 40k + 100k + 20k = 220k → pool 6‰ = 1 320
    expect(bonusPool?.pool).toBeCloseTo(1320, 9);
    expect(bonusPool?.shares.map((s) => [s.entityId, s.rank, s.place, cents(s.amount)])).toEqual([
      ['A2', 1, 1, 728], // 40 % × 1 320 + 200
      ['A1', 2, 2, 496], // 30 % × 1 320 + 100
      ['A10', 3, null, 198], // 30 % × 1 320 ÷ 2
      ['A3', 4, null, 198],
    ]);

    // by entity id; A3's third month below 70 flags, A1's B then A is a run of two
    expect(
      people.map((p) => [
        p.entityId,
        p.proposedGrade?.proposed,
        p.bonus === null ? null : cents(p.bonus.amount),
        p.streaks.map((s) => s.run),
      ]),
    ).toEqual([
      ['A1', 'C', 496, [0, 2]],
      ['A2', 'B', 728, [0, 1]],
      ['A3', 'D', 198, [3, 0]],
      ['A4', undefined, null, [0, 0]],
      ['A10', 'C', 198, [0, 1]],
    ]);
    expect(people[0]?.proposedGrade).toEqual(calibration?.grades[1]);
    expect(people[0]?.bonus).toEqual(bonusPool?.shares[1]);
    expect(people[2]?.streaks).toEqual([streak('below-70', 3), streak('promotion', 0)]);
    // no data: outside the ranking and the pool, with streaks that never hold
    expect(people[3]).toStrictEqual({
      entityId: 'A4',
      proposedGrade: null,
      bonus: null,
      streaks: [streak('below-70', 0), streak('promotion', 0)],
    });
  });

  it('without a tiebreak, ranks equal totals together and lists them by entity id', () => {
    const untied = card({
      calibration: { ...SEED_002_CALIBRATION, tiebreak: null },
      bonusPool: { ...SEED_003_BONUS_POOL, tiebreak: null },
    });
    const { calibration, bonusPool } = closePeriod(untied, [
      { frozen: frozenAgent(untied, 'B2', { csat: 0.9, sales_amount: 2_000 }), earlier: [] },
      { frozen: frozenAgent(untied, 'B1', { csat: 0.9, sales_amount: 1_000 }), earlier: [] },
    ]);
    expect(calibration?.grades.map((g) => [g.entityId, g.rank, g.tied])).toEqual([
      ['B1', 1, true],
      ['B2', 1, true],
    ]);
    // pool 18: the two places, 7.2 + 200 and 5.4 + 100, pooled and halved
    expect(bonusPool?.shares.map((s) => [s.entityId, s.rank, cents(s.amount)])).toEqual([
      ['B1', 1, 156.3],
      ['B2', 1, 156.3],
    ]);
  });

  it('reads a KPI missing from a card (frozen before the KPI was added) as no data: no base, last among equals', () => {
    const pooled = card({ bonusPool: SEED_003_BONUS_POOL });
    const older = card({ kpis: [kpi('csat', 'support.csat')] });
    const { bonusPool } = closePeriod(pooled, [
      { frozen: frozenAgent(older, 'D1', { csat: 0.9 }), earlier: [] }, // 90
      { frozen: frozenAgent(pooled, 'D2', { csat: 0.8, sales_amount: 1_000 }), earlier: [] }, // (80 + 100) ÷ 2 = 90
    ]);
    // pool 6‰ × 1 000 = 6: D2 first on sales, 40 % + 200; D1 30 % + 100
    expect(bonusPool?.shares.map((s) => [s.entityId, s.rank, cents(s.amount)])).toEqual([
      ['D2', 1, 202.4],
      ['D1', 2, 101.8],
    ]);
  });

  it('proposes no grades and pays no pool when the card has neither, and handles an empty population', () => {
    const plain = card();
    expect(closePeriod(plain, [{ frozen: frozenAgent(plain, 'C1', { csat: 1 }), earlier: [] }])).toStrictEqual({
      calibration: null,
      bonusPool: null,
      people: [{ entityId: 'C1', proposedGrade: null, bonus: null, streaks: [] }],
    });
    const nobody = closePeriod(def, []);
    expect(nobody.calibration).toMatchObject({ population: 0, violated: false, grades: [] });
    expect(nobody.bonusPool).toEqual({ pool: 0, shares: [] });
    expect(nobody.people).toEqual([]);
  });

  it("stores the period's closing: how it was closed, the outcome, and each card by entity id with its person's", () => {
    const at = { orgId: 'O1', period: NOVEMBER_SHANGHAI, graceMs: 2 * 86_400_000, logPosition: 4_711 };
    const closing = closingOf(def, at, frozen, earlier);
    const { people, ...outcome } = closePeriod(def, members);
    expect(closing).toEqual({
      scorecard: 'agent-card',
      orgId: 'O1',
      periodStart: NOVEMBER_SHANGHAI.start,
      periodEnd: NOVEMBER_SHANGHAI.end,
      version: 3,
      graceMs: 2 * 86_400_000,
      logPosition: 4_711,
      outcome,
      cards: people.map((person) => ({
        frozen: frozen.find((f) => f.content.entity.id === person.entityId),
        outcome: person,
      })),
    });
    expect(closing.cards.map((c) => c.frozen.content.entity.id)).toEqual(['A1', 'A2', 'A3', 'A4', 'A10']);
    // A3's earlier months reached the streaks
    expect(closing.cards[2]?.outcome.streaks[0]).toEqual(streak('below-70', 3));
  });
});
