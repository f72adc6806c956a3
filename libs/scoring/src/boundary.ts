// Every boundary decision of scoring (floors, bands, comparisons, grades, statuses, red lines, on
// target) compares here, so that float noise never moves a number across a boundary a person computing
// by hand would put it on: 0.76 ÷ 0.95 × 100 is 79.99999999999999 in IEEE doubles and must still reach
// an 80 band. Two numbers within a relative 1e-12 of each other are equal: the noise of the few
// operations behind a score stays below 1e-13, and nothing a KPI reports has twelve significant digits
// (89.9962 and 90 − 1e-9 are still below 90).
const RELATIVE_TOLERANCE = 1e-12;

// −1, 0 or 1 as a is below, at (within the tolerance) or above b; an infinite bound (a rule's open end)
// compares exactly. Scoring never passes a NaN.
export function compareAtBoundary(a: number, b: number): -1 | 0 | 1 {
  if (a === b) return 0;
  const close =
    Number.isFinite(a) &&
    Number.isFinite(b) &&
    Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  if (close) return 0;
  return a < b ? -1 : 1;
}

export const reaches = (value: number, bound: number): boolean => compareAtBoundary(value, bound) >= 0;
export const exceeds = (value: number, bound: number): boolean => compareAtBoundary(value, bound) > 0;
export const atMost = (value: number, bound: number): boolean => compareAtBoundary(value, bound) <= 0;
export const below = (value: number, bound: number): boolean => compareAtBoundary(value, bound) < 0;
export const atBoundary = (value: number, bound: number): boolean => compareAtBoundary(value, bound) === 0;
