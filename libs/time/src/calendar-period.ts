import { assertUnreachable } from './assert-unreachable';

// The calendar windows; the definitions' windows (libs/definitions model.ts) use this type.
export type CalendarWindow = 'day' | 'week' | 'month' | 'quarter' | 'year';
import { dayNumberOfDate, localDayNumber, startOfLocalDay } from './local-date';

export interface Period {
  start: number; // inclusive, UTC ms
  end: number; // exclusive, UTC ms
}

// The first local day of the period holding local day `day`. Weeks are ISO weeks (Monday first).
function firstDayOfPeriod(window: CalendarWindow, day: number): number {
  switch (window) {
    case 'day':
      return day;
    case 'week': {
      const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday: Monday → 0
      return day - weekday;
    }
    case 'month':
    case 'quarter':
    case 'year': {
      const date = new Date(day * 86_400_000);
      const y = date.getUTCFullYear();
      const m = date.getUTCMonth();
      const firstMonth = window === 'month' ? m : window === 'quarter' ? m - (m % 3) : 0;
      return Date.UTC(y, firstMonth, 1) / 86_400_000;
    }
    default:
      return assertUnreachable(window);
  }
}

function firstDayOfNextPeriod(window: CalendarWindow, first: number): number {
  switch (window) {
    case 'day':
      return first + 1;
    case 'week':
      return first + 7;
    case 'month':
    case 'quarter':
    case 'year': {
      const date = new Date(first * 86_400_000);
      const months = window === 'month' ? 1 : window === 'quarter' ? 3 : 12;
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1) / 86_400_000;
    }
    default:
      return assertUnreachable(window);
  }
}

export function periodOfDay(window: CalendarWindow, timeZone: string, day: number): Period {
  const first = firstDayOfPeriod(window, day);
  return {
    start: startOfLocalDay(timeZone, first),
    end: startOfLocalDay(timeZone, firstDayOfNextPeriod(window, first)),
  };
}

// The local calendar period (in the org's zone) holding the instant utcMs.
export function periodOfInstant(window: CalendarWindow, timeZone: string, utcMs: number): Period {
  return periodOfDay(window, timeZone, localDayNumber(timeZone, utcMs));
}

export function periodOfDate(window: CalendarWindow, timeZone: string, date: string): Period | undefined {
  const day = dayNumberOfDate(date);
  return Number.isNaN(day) ? undefined : periodOfDay(window, timeZone, day);
}
