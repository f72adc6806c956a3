import { expect } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import type { DefinitionSet } from '#libs/definitions';
import { evaluate } from '#libs/evaluation';
import type { IndicatorValue } from '#libs/indicators';
import type { ScoredCard } from '#libs/pipeline';
import { formatLocal } from '#libs/time';

const close = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));

// The live pipeline's stored values against `kpi-pulse evaluate` on the same events, as of the last
// event: every value evaluate prints must be stored alike. Returns how many were compared.
export function expectStoredEqualsEvaluate(
  stored: readonly IndicatorValue[],
  events: readonly CanonicalEvent[],
  definitions: DefinitionSet,
  options: { skipRolling: boolean; timeZone: string },
): number {
  const asOf = formatLocal(options.timeZone, Math.max(...events.map((e) => Date.parse(e.time))));
  const report = evaluate({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf });
  // a rolling window is one row, whose stored start is that of its last change: matched by window alone
  const key = (indicator: string, level: string, id: string, window: string, start: string) =>
    `${indicator}|${level}|${id}|${window}|${window.startsWith('rolling:') ? 'rolling' : start}`;
  const byKey = new Map(
    stored.map((v) => [
      key(v.indicator, v.entity.level, v.entity.id, v.window, formatLocal(options.timeZone, v.periodStart)),
      v,
    ]),
  );
  let compared = 0;
  for (const want of report.indicators) {
    // once the live clock has moved on, rolling values have decayed: evaluate's are as of the last event
    if (options.skipRolling && want.window.startsWith('rolling:')) continue;
    const got = byKey.get(key(want.indicator, want.entity.level, want.entity.id, want.window, want.periodStart));
    if (got === undefined) {
      // a period nothing was ever counted in has no row: the same as an empty value
      expect({ want, numerator: want.numerator }).toEqual({ want, numerator: want.numerator === null ? null : 0 });
      continue;
    }
    compared++;
    if (
      !close(got.value, want.value) ||
      !close(got.numerator, want.numerator) ||
      !close(got.denominator, want.denominator)
    ) {
      expect({ key: want, got }).toEqual({ key: want, got: want });
    }
  }
  return compared;
}

// The live pipeline's stored scorecards against `kpi-pulse evaluate`'s, as of the last event: every stored
// card of the period evaluate scores has its total and grade. Returns how many were compared.
export function expectCardsEqualEvaluate(
  stored: readonly Pick<ScoredCard, 'entity' | 'periodStart' | 'score'>[],
  events: readonly CanonicalEvent[],
  definitions: DefinitionSet,
  timeZone: string,
): number {
  const asOf = formatLocal(timeZone, Math.max(...events.map((e) => Date.parse(e.time))));
  const report = evaluate({ definitions, lines: events.map((e) => JSON.stringify(e)), asOf });
  const key = (scorecard: string, level: string, id: string, start: string) => `${scorecard}|${level}|${id}|${start}`;
  const want = new Map(report.scorecards.map((c) => [key(c.scorecard, c.entity.level, c.entity.id, c.periodStart), c]));
  let compared = 0;
  for (const card of stored) {
    const start = formatLocal(timeZone, card.periodStart);
    const expected = want.get(key(card.score.scorecard, card.entity.level, card.entity.id, start));
    if (expected === undefined) continue; // an earlier period's card
    compared++;
    const actuals = (kpis: readonly { kpi: string; actual: number | null }[]) =>
      Object.fromEntries(kpis.map((k) => [k.kpi, k.actual === null ? null : Math.round(k.actual * 1e6) / 1e6]));
    const got = {
      card: `${card.score.scorecard} ${card.entity.level}:${card.entity.id} ${start}`,
      total: card.score.total,
      grade: card.score.grade,
      actuals: actuals(card.score.kpis),
    };
    expect(got).toEqual({ ...got, total: expected.total, grade: expected.grade, actuals: actuals(expected.kpis) });
  }
  return compared;
}
