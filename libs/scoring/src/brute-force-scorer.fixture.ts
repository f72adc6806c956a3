import type { Comparison, KpiDef, RedLineEffect, ScorecardDef, ScoringRule } from '#libs/definitions';

// The scoring oracle for the property specs: a scorecard scored straight from docs/definitions.md
// ("Scoring rules", "Red lines", "Status, grades and rounding", "Missing data"), sharing no code with
// the scorer, so that a wrong rule in libs/scoring shows as a difference instead of moving both sides.
export interface BruteForceScore {
  total: number | null;
  grade: string | null;
  kpis: { kpi: string; score: number | null; status: 'green' | 'amber' | 'red' | 'missing' }[];
}

// docs/definitions.md, "Float noise is not a difference": two numbers within a relative 1e-12 are equal
// at every boundary decision
const same = (a: number, b: number): boolean =>
  a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
const gt = (a: number, b: number): boolean => a > b && !same(a, b);
const gte = (a: number, b: number): boolean => a > b || same(a, b);
const lt = (a: number, b: number): boolean => gt(b, a);
const lte = (a: number, b: number): boolean => gte(b, a);

function holds(actual: number, c: Comparison): boolean {
  if (c.op === 'eq') return same(actual, c.value);
  if (c.op === 'ne') return !same(actual, c.value);
  if (c.op === 'gt') return gt(actual, c.value);
  if (c.op === 'gte') return gte(actual, c.value);
  if (c.op === 'lt') return lt(actual, c.value);
  return lte(actual, c.value);
}

// The score of the rule, 0–100 (above 100 where the rule allows it), "× 100 ÷ outOf" in that order:
// the exact boundaries depend on it (14 × 100 ÷ 100 is 14, 14 ÷ 100 × 100 is 14.000000000000002).
function ruleScore(rule: ScoringRule, k: KpiDef, actual: number): number {
  const higher = k.direction === 'higher';
  if (rule.kind === 'achievement') {
    const numerator = higher ? actual : k.target;
    const denominator = higher ? k.target : actual;
    if (denominator === 0) {
      // no ratio: on target is 100, better earns the cap (a ratio tending to infinity), worse the floor's score
      if (same(actual, k.target)) return 100;
      return (higher ? gt(actual, k.target) : lt(actual, k.target)) ? rule.cap * 100 : rule.belowFloorScore;
    }
    const a = numerator / denominator;
    return lt(a, rule.floor) ? rule.belowFloorScore : Math.min(a, rule.cap) * 100;
  }
  if (rule.kind === 'bands') {
    const band = rule.bands.find(
      (b) =>
        (b.gt === undefined || gt(actual, b.gt)) &&
        (b.gte === undefined || gte(actual, b.gte)) &&
        (b.lt === undefined || lt(actual, b.lt)) &&
        (b.lte === undefined || lte(actual, b.lte)),
    );
    return band === undefined ? 0 : (band.score * 100) / rule.outOf;
  }
  if (rule.kind === 'linear') {
    const distance = higher ? actual - k.target : k.target - actual;
    const points = Math.max(rule.min, Math.min(rule.max, rule.base + (rule.pointsPerStep * distance) / rule.step));
    return (points * 100) / rule.outOf;
  }
  if (rule.kind === 'deduction') {
    const points = rule.start - rule.perOccurrence * Math.max(0, actual - rule.free);
    return (Math.max(rule.min, points) * 100) / rule.outOf;
  }
  return holds(actual, rule.pass) ? 100 : 0;
}

function missedTarget(k: KpiDef, actual: number): boolean {
  return k.direction === 'higher' ? lt(actual, k.target) : gt(actual, k.target);
}

export function bruteForceScore(card: ScorecardDef, actuals: ReadonlyMap<string, number | null>): BruteForceScore {
  const effects: RedLineEffect[][] = [];
  const scores = card.kpis.map((k) => {
    const actual = actuals.get(k.id) ?? null;
    if (actual === null) {
      effects.push([]);
      const m = k.missing;
      return m.kind === 'exclude' ? null : m.kind === 'zero' ? 0 : m.kind === 'full' ? 100 : m.score;
    }
    const crossed = k.redLines.filter((r) =>
      r.when === 'target-missed' ? missedTarget(k, actual) : holds(actual, r.when),
    );
    const mine = crossed.flatMap((r) => r.effects);
    effects.push(mine);
    return mine.some((e) => e.kind === 'zero-kpi') ? 0 : ruleScore(k.rule, k, actual);
  });
  const all = effects.flat();

  // each dimension: the weighted mean of its scored KPIs (0 if a red line zeroes it); the total: the
  // weighted mean of the dimensions with a score
  let weightSum = 0;
  let weighted = 0;
  for (const d of card.dimensions) {
    const members = card.kpis
      .map((k, i) => ({ k, i }))
      .filter(({ k, i }) => k.dimension === d.id && scores[i] !== null);
    if (members.length === 0) continue;
    const zeroed = members.some(({ i }) => (effects[i] ?? []).some((e) => e.kind === 'zero-dimension'));
    const kpiWeights = members.reduce((s, { k }) => s + k.weight, 0);
    const mean = members.reduce((s, { k, i }) => s + k.weight * (scores[i] as number), 0) / kpiWeights;
    weightSum += d.weight;
    weighted += d.weight * (zeroed ? 0 : mean);
  }
  let total: number | null = weightSum === 0 ? null : weighted / weightSum;
  let grade: string | null = null;
  if (total !== null) {
    if (all.some((e) => e.kind === 'veto')) total = 0;
    const points = all.reduce((s, e) => s + (e.kind === 'deduct' ? e.points : 0), 0);
    total = Math.max(0, total - Math.min(points, card.maxDeduction ?? points));
    const exact = total;
    const reached = card.grades.findIndex((g) => (g.minExclusive === true ? gt(exact, g.min) : gte(exact, g.min)));
    let index = reached === -1 ? card.grades.length - 1 : reached;
    for (const e of all) {
      if (e.kind !== 'cap-grade') continue;
      const cap = card.grades.findIndex((g) => g.grade === e.grade);
      if (cap > index) index = cap;
    }
    grade = card.grades[index]?.grade ?? null;
  }
  const kpis = card.kpis.map((k, i) => {
    const score = scores[i] ?? null;
    const hasData = (actuals.get(k.id) ?? null) !== null;
    const status = !hasData
      ? ('missing' as const)
      : gte(score as number, (k.status ?? card.status).green)
        ? ('green' as const)
        : gte(score as number, (k.status ?? card.status).amber)
          ? ('amber' as const)
          : ('red' as const);
    return { kpi: k.id, score, status };
  });
  return { total, grade, kpis };
}
