import { expect } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import type { DefinitionSet } from '#libs/definitions';
import { evaluate } from '#libs/evaluation';
import type { IndicatorValue } from '#libs/indicators';
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
