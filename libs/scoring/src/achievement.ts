import type { Direction } from '#libs/definitions';
import { assertUnreachable } from './assert-unreachable';
import { atMost, reaches } from './boundary';

// actual ÷ target when higher is better, target ÷ actual when lower is better; null when that divides by
// zero (a target of 0, or a lower-is-better actual of 0), which no ratio can express.
export function achievementRatio(actual: number, target: number, direction: Direction): number | null {
  switch (direction) {
    case 'higher':
      return target === 0 ? null : actual / target;
    case 'lower':
      return actual === 0 ? null : target / actual;
    default:
      return assertUnreachable(direction);
  }
}

// Whether the actual is as good as the target or better, in the KPI's direction.
export function meetsTarget(actual: number, target: number, direction: Direction): boolean {
  switch (direction) {
    case 'higher':
      return reaches(actual, target);
    case 'lower':
      return atMost(actual, target);
    default:
      return assertUnreachable(direction);
  }
}
