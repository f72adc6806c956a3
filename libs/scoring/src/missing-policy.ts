import type { MissingPolicy } from '#libs/definitions';
import { assertUnreachable } from './assert-unreachable';

// The score of a KPI without data; null when it is excluded and its weight goes to the other KPIs of
// its dimension.
export function missingScore(policy: MissingPolicy): number | null {
  switch (policy.kind) {
    case 'exclude':
      return null;
    case 'zero':
      return 0;
    case 'full':
      return 100;
    case 'score':
      return policy.score;
    default:
      return assertUnreachable(policy);
  }
}
