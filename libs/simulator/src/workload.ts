// How much work arrives and when. Rates are origins per agent on a weekday (a ticket, a call…);
// each origin brings its follow-ups (replies, payments…), giving roughly 100–300 events per agent-day.
export const DAILY_ORIGINS = {
  tickets: 28,
  calls: 45,
  leads: 6,
  inquiries: 10,
  invoices: 1.5,
} as const;
export type OriginKind = keyof typeof DAILY_ORIGINS;
export const ORIGIN_KINDS: readonly OriginKind[] = ['tickets', 'calls', 'leads', 'inquiries', 'invoices'];

// Events per origin on average, measured on long runs; only used by estimateTotal.
export const EVENTS_PER_ORIGIN: Readonly<Record<OriginKind, number>> = {
  tickets: 4.0,
  calls: 1,
  leads: 2.1,
  inquiries: 1.4,
  invoices: 1.9,
};

// Relative arrival weight by local hour: busy 9:00–18:00, a trickle overnight.
export const HOUR_WEIGHTS: readonly number[] = [
  0.05, 0.04, 0.03, 0.03, 0.03, 0.05, 0.1, 0.3, 0.7, 1.3, 1.5, 1.4, 0.9, 1.0, 1.4, 1.5, 1.4, 1.2, 0.7, 0.4, 0.3, 0.25,
  0.15, 0.08,
];
const HOUR_WEIGHT_SUM = HOUR_WEIGHTS.reduce((sum, weight) => sum + weight, 0);

// Saturdays and Sundays get this share of a weekday's work.
export const WEEKEND_FACTOR = 0.3;

export function isWeekend(weekday: number): boolean {
  return weekday === 0 || weekday === 6;
}

// Expected origins of a kind for one agent in one local hour.
export function hourlyRate(kind: OriginKind, hour: number, weekend: boolean): number {
  const weight = HOUR_WEIGHTS[hour] ?? 0;
  return (DAILY_ORIGINS[kind] * weight * (weekend ? WEEKEND_FACTOR : 1)) / HOUR_WEIGHT_SUM;
}
