import type { Comparison } from '#libs/definitions';
import { assertUnreachable } from './assert-unreachable';

export function comparisonHolds(actual: number, comparison: Comparison): boolean {
  const { op, value } = comparison;
  switch (op) {
    case 'eq':
      return actual === value;
    case 'ne':
      return actual !== value;
    case 'gt':
      return actual > value;
    case 'gte':
      return actual >= value;
    case 'lt':
      return actual < value;
    case 'lte':
      return actual <= value;
    default:
      return assertUnreachable(op);
  }
}
