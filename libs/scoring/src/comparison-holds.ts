import type { Comparison } from '#libs/definitions';
import { assertUnreachable } from './assert-unreachable';
import { atBoundary, atMost, below, exceeds, reaches } from './boundary';

// at the boundary tolerance (boundary.ts): `gte: 0.8` holds for 0.7999999999999999
export function comparisonHolds(actual: number, comparison: Comparison): boolean {
  const { op, value } = comparison;
  switch (op) {
    case 'eq':
      return atBoundary(actual, value);
    case 'ne':
      return !atBoundary(actual, value);
    case 'gt':
      return exceeds(actual, value);
    case 'gte':
      return reaches(actual, value);
    case 'lt':
      return below(actual, value);
    case 'lte':
      return atMost(actual, value);
    default:
      return assertUnreachable(op);
  }
}
