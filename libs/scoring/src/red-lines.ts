import type { KpiDef, RedLine, RedLineEffect } from '#libs/definitions';
import { meetsTarget } from './achievement';
import { assertUnreachable } from './assert-unreachable';
import { comparisonHolds } from './comparison-holds';
import type { RedLineHit } from './scorecard-score';

// Only called with data: a red line is never tested while its KPI has none. `target` is the one the KPI
// is scored on: the pro-rated target while a KPI scored on pace is open, else the KPI's own.
export function redLineCrossed(redLine: RedLine, kpi: KpiDef, actual: number, target: number): boolean {
  return redLine.when === 'target-missed'
    ? !meetsTarget(actual, target, kpi.direction)
    : comparisonHolds(actual, redLine.when);
}

// One hit per effect of every red line the actual crosses, in definition order.
export function redLineHits(kpi: KpiDef, actual: number, target: number): RedLineHit[] {
  return kpi.redLines
    .filter((redLine) => redLineCrossed(redLine, kpi, actual, target))
    .flatMap((redLine) => redLine.effects.map((effect) => hitOf(kpi.id, effect)));
}

function hitOf(kpi: string, effect: RedLineEffect): RedLineHit {
  switch (effect.kind) {
    case 'veto':
    case 'zero-dimension':
    case 'zero-kpi':
      return { kpi, effect: effect.kind };
    case 'deduct':
      return { kpi, effect: 'deduct', points: effect.points };
    case 'cap-grade':
      return { kpi, effect: 'cap-grade', grade: effect.grade };
    default:
      return assertUnreachable(effect);
  }
}
