// Reported numbers only: every computation runs on the unrounded values.
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = Math.round(value * factor) / factor;
  // no -0 in reports
  return rounded === 0 ? 0 : rounded;
}

export function roundScore(value: number): number {
  return roundTo(value, 2);
}

export function roundAchievement(value: number): number {
  return roundTo(value, 4);
}
