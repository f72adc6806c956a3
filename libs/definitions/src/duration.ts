const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$/;

// `48h`, `30m`, `2d`, `90s` → milliseconds; undefined when the text is not a duration.
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const [, amount, unit] = match;
  // both groups always match, on a unit of the table: the fallbacks only narrow the types
  // Stryker disable next-line StringLiteral: as above, the key is never read
  return Math.round(Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN));
}
