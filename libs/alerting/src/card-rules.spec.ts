import { describe, expect, it } from 'vitest';
import { parseDefinitionSource, type ScorecardDef } from '#libs/definitions';
import { scoreScorecard } from '#libs/scoring';
import { instanceKey } from './alert-instance';
import type { ClosedPeriod } from './alert-reading';
import type { AlertState } from './alert-state';
import { evaluateCard, evaluateStreaks, type AlertChange, type StateOf } from './evaluate-card';

// A card with streak rules (docs/definitions.md, "Alert rules"): a total below 70 two months running,
// and every KPI missing its target two months running; and a live red-line rule. Rules without `kpis`
// watch each KPI of the card on its own.
const YAML = `
apiVersion: kpi-pulse/v1
scorecards:
  - id: sales
    effectiveFrom: 2026-01-01
    name: Sales
    role: agent
    level: agent
    period: month
    grades: [{ grade: A, min: 0 }]
    dimensions: [{ id: main, name: Main, weight: 100 }]
    kpis:
      - { id: deals, name: Deals, indicator: sales.deals, dimension: main, direction: higher, target: 10, rule: { achievement: { floor: 0, cap: 1 } } }
      - { id: churn, name: Churn, indicator: sales.churn, dimension: main, direction: lower, target: 2, rule: { binary: { lte: 2 } }, redLines: [{ when: { gt: 5 }, effects: [zero-kpi] }] }
    alerts:
      - { id: low-total, kind: streak, periods: 2, when: { totalBelow: 70 } }
      - { id: missed, kind: streak, periods: 2, when: target-missed }
      - { id: any-line, kind: red-line }
`;
const parsed = parseDefinitionSource(YAML, 'sales.yaml');
const CARD = parsed.definitions.scorecards[0] as ScorecardDef;
const AGENT = { orgId: 'o1', level: 'agent' as const, id: 'a1' };
const MONTH = 30 * 86_400_000;

const month = (i: number, deals: number, churn: number): ClosedPeriod => ({
  periodStart: i * MONTH,
  periodEnd: (i + 1) * MONTH,
  score: scoreScorecard(
    CARD,
    new Map([
      ['deals', deals],
      ['churn', churn],
    ]),
  ),
});

// Runs the streak rules as each month closes, keeping the states as the alerting service does.
function closeMonths(months: readonly ClosedPeriod[]) {
  const states = new Map<string, AlertState>();
  const seen: AlertChange[] = [];
  months.forEach((_, i) => {
    const at = (i + 1) * MONTH;
    for (const c of evaluateStreaks(
      CARD,
      AGENT,
      months.slice(0, i + 1),
      at,
      (x) => states.get(instanceKey(x)) ?? null,
    )) {
      if (c.state === null) states.delete(instanceKey(c.instance));
      else states.set(instanceKey(c.instance), c.state);
      seen.push(c);
    }
  });
  return { seen, states };
}

describe('streak rules as months close', () => {
  it('the definitions parse without issues', () => {
    expect(parsed.errors).toEqual([]);
  });

  it('a total below 70 two months running fires on the card itself, with no period in its key', () => {
    // deals 5 of 10 and churn over 2: a total of 25; then both on target, 100. One month is a run of 1:
    // too short, and without `for` nothing is pending.
    const { seen } = closeMonths([month(0, 5, 9), month(1, 5, 9), month(2, 10, 0)]);
    const total = seen.filter((c) => c.rule.id === 'low-total');
    expect(total.map((c) => [c.instance.kpi, c.instance.periodStart, c.transition?.kind ?? null])).toEqual([
      ['', null, 'fired'],
      ['', null, 'resolved'],
    ]);
    expect(total[0]?.transition).toEqual({
      kind: 'fired',
      key: `o1|sales|low-total||agent|a1|-|${2 * MONTH}|fired`,
      firedAt: 2 * MONTH,
      at: 2 * MONTH,
      value: 2,
    });
    // the resolution pairs with the firing by its firedAt, and says the run is over
    expect(total[1]?.transition).toEqual({
      kind: 'resolved',
      key: `o1|sales|low-total||agent|a1|-|${2 * MONTH}|resolved`,
      firedAt: 2 * MONTH,
      at: 3 * MONTH,
      value: 0,
    });
  });

  it('a rule without kpis watches each KPI of the card on its own, lower-is-better ones the other way', () => {
    // churn 3 misses its target of 2 (lower is better); deals 12 beats 10 (the total, 50, fires too)
    const { seen, states } = closeMonths([month(0, 12, 3), month(1, 12, 3)]);
    const fired = seen.filter((c) => c.rule.id === 'missed' && c.transition !== null);
    expect(fired.map((c) => [c.instance.kpi, c.transition?.kind, c.transition?.value])).toEqual([
      ['churn', 'fired', 2],
    ]);
    expect([...states.keys()].sort()).toEqual(['o1|sales|low-total||agent|a1|-', 'o1|sales|missed|churn|agent|a1|-']);
  });

  it('reports only the instances that moved', () => {
    // every KPI on target and a total of 100: nothing pending, nothing to say
    expect(closeMonths([month(0, 10, 0), month(1, 10, 0)]).seen).toEqual([]);
    // a firing streak that grows: the new length is kept, without a second transition
    const { seen } = closeMonths([month(0, 5, 9), month(1, 5, 9), month(2, 5, 9)]);
    expect(
      seen.filter((c) => c.rule.id === 'low-total').map((c) => [c.transition?.kind ?? null, c.state?.value]),
    ).toEqual([
      ['fired', 2],
      [null, 3],
    ]);
  });
});

describe('the live rules on the same card', () => {
  const firing = (value: number): AlertState => ({ status: 'firing', since: 0, firedAt: 0, clearSince: null, value });
  const scoring = (score: ClosedPeriod['score'], closed: boolean) => ({
    card: CARD,
    entity: AGENT,
    periodStart: 0,
    closed,
    at: MONTH,
    score,
    samples: new Map<string, number | null>(),
  });
  const summary = (changes: AlertChange[]) =>
    changes.map((c) => [c.rule.id, c.instance.kpi, c.transition?.kind ?? null, c.transition?.value ?? null]);

  it('a red-line rule without kpis watches every KPI: only the crossed one fires', () => {
    expect(summary(evaluateCard(scoring(month(0, 5, 9).score, false), () => null))).toEqual([
      ['any-line', 'churn', 'fired', 9],
    ]);
  });

  it("a period's close resolves the live rules' firing alerts, never a streak's", () => {
    const everyoneFiring: StateOf = () => firing(9);
    expect(summary(evaluateCard(scoring(month(0, 5, 9).score, true), everyoneFiring))).toEqual([
      ['any-line', 'deals', 'resolved', 5],
      ['any-line', 'churn', 'resolved', 9],
    ]);
  });

  it('a resolution says the last value read, or the value it fired with when the reading has none', () => {
    const churnFiring: StateOf = (i) => (i.kpi === 'churn' ? firing(9) : null);
    // churn back to 3: under the red line, clear
    expect(summary(evaluateCard(scoring(month(0, 10, 3).score, false), churnFiring))).toEqual([
      ['any-line', 'churn', 'resolved', 3],
    ]);
    // no churn data at the close: resolved with the 9 it fired with
    const noChurn = scoreScorecard(CARD, new Map([['deals', 10]]));
    expect(summary(evaluateCard(scoring(noChurn, true), churnFiring))).toEqual([['any-line', 'churn', 'resolved', 9]]);
  });

  it('skips a KPI its score does not list (a scoring of another version of the card)', () => {
    const full = month(0, 5, 9).score;
    const onlyDeals = { ...full, kpis: full.kpis.filter((k) => k.kpi === 'deals') };
    expect(evaluateCard(scoring(onlyDeals, true), () => firing(1)).map((c) => c.instance.kpi)).toEqual(['deals']);
  });
});
