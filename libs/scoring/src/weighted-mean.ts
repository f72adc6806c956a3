export interface Weighted {
  weight: number;
  score: number | null; // null = excluded, its weight shared among the others
}

// The weight of excluded items goes to the others in proportion to their own weights; null when
// nothing is left to average.
export function weightedMean(items: readonly Weighted[]): number | null {
  let weightSum = 0;
  let scoreSum = 0;
  for (const { weight, score } of items) {
    if (score === null) continue;
    weightSum += weight;
    scoreSum += weight * score;
  }
  return weightSum > 0 ? scoreSum / weightSum : null;
}
