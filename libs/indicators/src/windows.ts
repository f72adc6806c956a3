import { isRolling, type RollingWindow, type WindowName } from '#libs/definitions';

export interface RollingSpec {
  bucketMs: number;
  buckets: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// Rolling windows are rings of fixed buckets: memory per window is constant, whatever the event rate.
// "Rolling 24h as of T" holds the 96 fifteen-minute buckets ending with T's bucket (up to T).
export const ROLLING_SPECS: Readonly<Record<RollingWindow, RollingSpec>> = {
  'rolling:1h': { bucketMs: MINUTE, buckets: 60 },
  'rolling:24h': { bucketMs: 15 * MINUTE, buckets: 96 },
  'rolling:7d': { bucketMs: HOUR, buckets: 168 },
  'rolling:30d': { bucketMs: 6 * HOUR, buckets: 120 },
};

// Longest span a period of the window can have: bounds how long an event can matter.
export function maxWindowSpanMs(window: WindowName): number {
  if (isRolling(window)) {
    const spec = ROLLING_SPECS[window];
    return spec.bucketMs * spec.buckets;
  }
  const days = { day: 1, week: 7, month: 31, quarter: 92, year: 366 }[window];
  return days * 24 * HOUR + HOUR; // an hour more for a DST day
}
