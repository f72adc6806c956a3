import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  Comparison,
  GradeDef,
  KpiDef,
  MissingPolicy,
  RedLine,
  RedLineEffect,
  ScorecardDef,
  ScoringRule,
} from '#libs/definitions';
import { bruteForceScore } from './brute-force-scorer.fixture';
import { dimension, kpi, scorecard } from './scorecard.fixture';
import { scoreScorecard } from './score-scorecard';

// Rules that never score below 0 and never fall as a higher-is-better actual rises.
const achievementArb: fc.Arbitrary<ScoringRule> = fc
  .record({ floor: fc.integer({ min: 0, max: 100 }), cap: fc.integer({ min: 100, max: 150 }) })
  .chain(({ floor, cap }) =>
    fc.integer({ min: 0, max: floor }).map((belowFloorScore): ScoringRule => ({
      kind: 'achievement',
      floor: floor / 100,
      cap: cap / 100,
      belowFloorScore,
    })),
  );

const linearArb: fc.Arbitrary<ScoringRule> = fc
  .record({
    step: fc.integer({ min: 1, max: 100 }),
    pointsPerStep: fc.integer({ min: 0, max: 5 }),
    base: fc.integer({ min: 0, max: 120 }),
    min: fc.integer({ min: 0, max: 50 }),
    extra: fc.integer({ min: 0, max: 100 }),
    outOf: fc.constantFrom(5, 15, 100),
  })
  .map(({ step, pointsPerStep, base, min, extra, outOf }) => ({
    kind: 'linear',
    step: step / 10,
    pointsPerStep,
    base,
    min,
    max: min + extra,
    outOf,
  }));

// Thresholds and scores both descending, then a catch-all band with the lowest score.
const bandsArb: fc.Arbitrary<ScoringRule> = fc
  .record({
    thresholds: fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 5 }),
    scores: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 6, maxLength: 6 }),
    outOf: fc.constantFrom(15, 100),
  })
  .map(({ thresholds, scores, outOf }) => {
    const ts = [...thresholds].sort((a, b) => b - a);
    const ss = [...scores].sort((a, b) => b - a);
    const bands = ts.map((gte, i) => ({ gte, score: ss[i] ?? 0 }));
    return { kind: 'bands', outOf, bands: [...bands, { score: ss[ts.length] ?? 0 }] };
  });

const binaryArb: fc.Arbitrary<ScoringRule> = fc
  .record({ op: fc.constantFrom('gt' as const, 'gte' as const), value: fc.integer({ min: 0, max: 2000 }) })
  .map((pass) => ({ kind: 'binary', pass }));

const ruleArb = fc.oneof(achievementArb, linearArb, bandsArb, binaryArb);

const missingArb: fc.Arbitrary<MissingPolicy> = fc.oneof(
  fc.constant({ kind: 'exclude' } as const),
  fc.constant({ kind: 'zero' } as const),
  fc.constant({ kind: 'full' } as const),
  fc.integer({ min: 0, max: 100 }).map((score) => ({ kind: 'score', score }) as const),
);

const kpiArb = fc.record({
  weight: fc.integer({ min: 1, max: 10 }),
  target: fc.integer({ min: 1, max: 1000 }),
  rule: ruleArb,
  missing: missingArb,
});

// 1–4 dimensions of 1–4 KPIs, higher is better, no red lines; actuals 0–2000 or no data.
const caseArb = fc
  .array(
    fc.record({ weight: fc.integer({ min: 1, max: 50 }), kpis: fc.array(kpiArb, { minLength: 1, maxLength: 4 }) }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((dims) => {
    const kpis: KpiDef[] = dims.flatMap((d, di) =>
      d.kpis.map((k, ki) => kpi(`k${di}_${ki}`, { ...k, dimension: `d${di}` })),
    );
    const card = scorecard(
      kpis,
      dims.map((d, di) => dimension(`d${di}`, d.weight)),
    );
    const actualArb = fc.option(fc.double({ min: 0, max: 2000, noNaN: true }), { nil: null });
    return fc.record({
      card: fc.constant(card),
      values: fc.array(actualArb, { minLength: kpis.length, maxLength: kpis.length }),
    });
  });

function actualsOf(card: ScorecardDef, values: readonly (number | null)[]): Map<string, number | null> {
  return new Map(card.kpis.map((k, i) => [k.id, values[i] ?? null]));
}

// The most a rule can score, for the bound on the total.
function ruleMax(rule: ScoringRule): number {
  if (rule.kind === 'achievement') return Math.max(rule.cap * 100, rule.belowFloorScore);
  if (rule.kind === 'bands') return (Math.max(...rule.bands.map((b) => b.score)) * 100) / rule.outOf;
  if (rule.kind === 'linear') return (rule.max * 100) / rule.outOf;
  if (rule.kind === 'deduction') return (rule.start * 100) / rule.outOf;
  return 100;
}

function missingMax(policy: MissingPolicy): number {
  return policy.kind === 'full' ? 100 : policy.kind === 'score' ? policy.score : 0;
}

// The scorer and the brute force agree on the total, the grade and each KPI's score and status.
function expectBruteForce(card: ScorecardDef, actuals: ReadonlyMap<string, number | null>): void {
  const s = scoreScorecard(card, actuals);
  const want = bruteForceScore(card, actuals);
  if (want.total === null) expect(s.total).toBeNull();
  else expect(Math.abs((s.total ?? Number.NaN) - want.total)).toBeLessThanOrEqual(1e-9);
  expect(s.grade).toBe(want.grade);
  expect(s.kpis.map((k) => [k.kpi, k.status])).toEqual(want.kpis.map((k) => [k.kpi, k.status]));
  s.kpis.forEach((k, i) => {
    const score = want.kpis[i]?.score ?? null;
    if (score === null) expect(k.score).toBeNull();
    else expect(Math.abs((k.score ?? Number.NaN) - score)).toBeLessThanOrEqual(1e-9);
  });
}

const comparisonArb: fc.Arbitrary<Comparison> = fc.record({
  op: fc.constantFrom('eq' as const, 'ne' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
  value: fc.integer({ min: 0, max: 20 }),
});

// Bands with any bounds, in any order, with or without a catch-all.
const anyBandsArb: fc.Arbitrary<ScoringRule> = fc
  .record({
    bands: fc.array(
      fc.record(
        {
          gt: fc.integer({ min: 0, max: 20 }),
          gte: fc.integer({ min: 0, max: 20 }),
          lt: fc.integer({ min: 0, max: 20 }),
          lte: fc.integer({ min: 0, max: 20 }),
          score: fc.integer({ min: 0, max: 15 }),
        },
        { requiredKeys: ['score'] },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    outOf: fc.constantFrom(15, 100),
  })
  .map(({ bands, outOf }) => ({ kind: 'bands', bands, outOf }));

const deductionArb: fc.Arbitrary<ScoringRule> = fc
  .record({
    free: fc.integer({ min: 0, max: 3 }),
    perOccurrence: fc.integer({ min: 1, max: 30 }),
    start: fc.integer({ min: 50, max: 100 }),
    min: fc.integer({ min: 0, max: 40 }),
    outOf: fc.constantFrom(15, 100),
  })
  .map((r) => ({ kind: 'deduction', ...r }));

const effectArb: fc.Arbitrary<RedLineEffect> = fc.oneof(
  fc.constant({ kind: 'veto' } as const),
  fc.constant({ kind: 'zero-dimension' } as const),
  fc.constant({ kind: 'zero-kpi' } as const),
  fc.integer({ min: 1, max: 30 }).map((points) => ({ kind: 'deduct', points }) as const),
  fc.constantFrom('A', 'B', 'C', 'D', 'E').map((grade) => ({ kind: 'cap-grade', grade }) as const),
);

const redLineArb: fc.Arbitrary<RedLine> = fc.record({
  when: fc.oneof(fc.constant('target-missed' as const), comparisonArb),
  effects: fc.array(effectArb, { minLength: 1, maxLength: 2 }),
});

// Small integer actuals and targets (0–20) so that comparisons, bands and red lines are often hit
// exactly on their bounds; either direction; every rule, missing policy and red-line effect.
const anyKpiArb = fc.record({
  weight: fc.integer({ min: 1, max: 10 }),
  target: fc.integer({ min: 0, max: 20 }),
  direction: fc.constantFrom('higher' as const, 'lower' as const),
  rule: fc.oneof(
    achievementArb,
    linearArb,
    anyBandsArb,
    deductionArb,
    comparisonArb.map((pass): ScoringRule => ({ kind: 'binary', pass })),
  ),
  missing: missingArb,
  redLines: fc.array(redLineArb, { maxLength: 2 }),
});

const anyCaseArb = fc
  .record({
    dims: fc.array(
      fc.record({ weight: fc.integer({ min: 1, max: 50 }), kpis: fc.array(anyKpiArb, { minLength: 1, maxLength: 3 }) }),
      { minLength: 1, maxLength: 3 },
    ),
    maxDeduction: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    green: fc.integer({ min: 50, max: 110 }),
    amberBelow: fc.integer({ min: 0, max: 50 }),
  })
  .chain(({ dims, maxDeduction, green, amberBelow }) => {
    const kpis: KpiDef[] = dims.flatMap((d, di) =>
      d.kpis.map((k, ki) => kpi(`k${di}_${ki}`, { ...k, dimension: `d${di}` })),
    );
    const grades: GradeDef[] = [
      { grade: 'A', min: 90 },
      { grade: 'B', min: 80, minExclusive: true },
      { grade: 'C', min: 60 },
      { grade: 'D', min: 30, minExclusive: true },
      { grade: 'E', min: 0 },
    ];
    const card = scorecard(
      kpis,
      dims.map((d, di) => dimension(`d${di}`, d.weight)),
      { grades, status: { green, amber: green - amberBelow }, ...(maxDeduction === undefined ? {} : { maxDeduction }) },
    );
    const actualArb = fc.option(
      fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 40, noNaN: true })),
      { nil: null },
    );
    return fc.record({
      card: fc.constant(card),
      values: fc.array(actualArb, { minLength: kpis.length, maxLength: kpis.length }),
    });
  });

describe('scoreScorecard (property)', () => {
  it('equals the brute-force weighted total, within [0, best rule score]', () => {
    fc.assert(
      fc.property(caseArb, ({ card, values }) => {
        const s = scoreScorecard(card, actualsOf(card, values));
        expectBruteForce(card, actualsOf(card, values));
        const want = bruteForceScore(card, actualsOf(card, values)).total;
        if (want === null) {
          expect(s.total).toBeNull();
          expect(s.grade).toBeNull();
          return;
        }
        expect(s.total).not.toBeNull();
        const total = s.total ?? Number.NaN;
        // unrounded: only the order of the float additions differs from the oracle's
        expect(Math.abs(total - want)).toBeLessThanOrEqual(1e-9);
        const best = Math.max(...card.kpis.map((k) => Math.max(ruleMax(k.rule), missingMax(k.missing))));
        expect(total).toBeGreaterThanOrEqual(0);
        expect(total).toBeLessThanOrEqual(best + 1e-9);
        expect(s.grade).not.toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('equals the brute force with red lines, lower-is-better KPIs, every rule and every comparison', () => {
    fc.assert(
      fc.property(anyCaseArb, ({ card, values }) => expectBruteForce(card, actualsOf(card, values))),
      { numRuns: 2000 },
    );
  });

  it('raising one higher-is-better actual never lowers the total', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.nat(),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        ({ card, values }, pick, low, rise) => {
          const i = pick % card.kpis.length;
          const lower = values.map((v, j) => (j === i ? low : v));
          const higher = values.map((v, j) => (j === i ? low + rise : v));
          const before = scoreScorecard(card, actualsOf(card, lower)).total;
          const after = scoreScorecard(card, actualsOf(card, higher)).total;
          expect(after ?? Number.NaN).toBeGreaterThanOrEqual(before ?? Number.NaN);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an excluded KPI without data scores as if it were not in the scorecard', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ({ card, values }, pick) => {
        const i = pick % card.kpis.length;
        const excluded: ScorecardDef = {
          ...card,
          kpis: card.kpis.map((k, j) => (j === i ? { ...k, missing: { kind: 'exclude' } } : k)),
        };
        const withMissing = scoreScorecard(
          excluded,
          actualsOf(
            card,
            values.map((v, j) => (j === i ? null : v)),
          ),
        );
        const removed: ScorecardDef = { ...card, kpis: card.kpis.filter((_, j) => j !== i) };
        const without = scoreScorecard(
          removed,
          actualsOf(
            removed,
            values.filter((_, j) => j !== i),
          ),
        );
        expect(withMissing.total).toBe(without.total);
        expect(withMissing.dimensions).toEqual(without.dimensions);
        expect(withMissing.grade).toBe(without.grade);
      }),
      { numRuns: 500 },
    );
  });
});

// Issue 12, "exact at the boundaries": a KPI whose score is its actual (linear, 1 point per unit from 0),
// so the total is the actual up to float noise (~1e-14), far below the offsets tried here.
const passThrough: ScoringRule = { kind: 'linear', step: 1, pointsPerStep: 1, base: 0, min: 0, max: 1000, outOf: 100 };

// 2–5 grades best first: strictly decreasing integer bounds 1–100 at least 1 apart, the last at 0, each
// inclusive or exclusive, with a coefficient or a bonus.
const gradesArb: fc.Arbitrary<GradeDef[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 })
  .chain((mins) => {
    const bounds = [...mins.sort((a, b) => b - a), 0];
    return fc
      .tuple(
        fc.array(fc.boolean(), { minLength: bounds.length, maxLength: bounds.length }),
        fc.boolean(),
        fc.array(fc.integer({ min: -500, max: 500 }), { minLength: bounds.length, maxLength: bounds.length }),
      )
      .map(([exclusive, withCoefficient, amounts]) =>
        bounds.map((min, i): GradeDef => {
          const grade: GradeDef = { grade: `G${i}`, min };
          // the last bound stays inclusive at 0 so that every total ≥ 0 holds one
          if (exclusive[i] === true && i < bounds.length - 1) grade.minExclusive = true;
          if (withCoefficient) grade.coefficient = (amounts[i] ?? 0) / 100;
          else grade.bonus = amounts[i] ?? 0;
          return grade;
        }),
      );
  });

// 0 (exactly on the boundary) or ±10^-9…10^-2
const offsetArb: fc.Arbitrary<number> = fc.oneof(
  fc.constant(0),
  fc
    .tuple(fc.constantFrom(-1, 1), fc.double({ min: -9, max: -2, noNaN: true }))
    .map(([sign, exponent]) => sign * 10 ** exponent),
);

// The brute force: a bound holds above it, on it only when inclusive.
function holds(exclusive: boolean, boundaryOffset: number): boolean {
  return boundaryOffset > 0 || (boundaryOffset === 0 && !exclusive);
}

describe('grades and statuses at their boundaries (property)', () => {
  it('the grade, coefficient and bonus are those of the exact total, however close to a bound', () => {
    fc.assert(
      fc.property(gradesArb, fc.nat(), offsetArb, (grades, pick, offset) => {
        const i = pick % (grades.length - 1); // a boundary between two grades
        const boundary = grades[i]?.min ?? Number.NaN;
        const card = scorecard([kpi('k', { target: 0, rule: passThrough })], undefined, { grades });
        const s = scoreScorecard(card, new Map([['k', boundary + offset]]));
        const total = s.total ?? Number.NaN;
        expect(Math.abs(total - (boundary + offset))).toBeLessThan(1e-12);
        // the grade of the exact total, with its coefficient or bonus…
        const exact = grades.find((g) => g.grade === bruteForceScore(card, new Map([['k', boundary + offset]])).grade);
        expect([s.grade, s.coefficient, s.bonus]).toEqual([
          exact?.grade,
          exact?.coefficient ?? null,
          exact?.bonus ?? null,
        ]);
        // …which is the boundary's grade on its side, the next one below it
        const want = holds(grades[i]?.minExclusive === true, offset) ? grades[i] : grades[i + 1];
        expect(s.grade).toBe(want?.grade);
      }),
      { numRuns: 1000 },
    );
  });

  it("a KPI's status is that of its exact score, whether or not a red line is crossed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        fc.boolean(),
        offsetArb,
        (x, y, onGreen, crossed, offset) => {
          const [amber, green] = x <= y ? [x, y] : [y, x];
          const threshold = onGreen ? green : amber;
          const redLines: RedLine[] = crossed
            ? [{ when: { op: 'gte', value: 0 }, effects: [{ kind: 'deduct', points: 1 }] }]
            : [];
          const card = scorecard([kpi('k', { target: 0, rule: passThrough, redLines })], undefined, {
            status: { green, amber },
          });
          const [k] = scoreScorecard(card, new Map([['k', threshold + offset]])).kpis;
          const score = k?.score ?? Number.NaN;
          const want = score >= green ? 'green' : score >= amber ? 'amber' : 'red';
          expect(k?.status).toBe(want);
          expect(k?.redLine).toBe(crossed);
          // on the boundary's side: at or above it reaches it, below does not
          expect(k?.status === 'red' || (onGreen && k?.status === 'amber')).toBe(offset < 0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
