import { getLang, locale } from './i18n';
import type { KpiScore } from './types';

export const DASH = '–';

type Kind = 'ratio' | 'seconds' | 'money' | 'hours' | 'days' | 'number';

const RATIO_NAME =
  /fcr|csat|rate|ratio|sla|coverage|compliance|accuracy|adoption|share|margin|mape|deviation|percent|pct/;
const COUNT_NAME = /count|cases|docs|accounts|wins|violations|errors|complaints|reviews|items|faults|per_/;

// The card does not carry the indicator's unit (yet): guess it from the indicator id and the target.
export function kindOf(kpi: Pick<KpiScore, 'indicator' | 'target' | 'unit'>): Kind {
  switch (kpi.unit) {
    case 'ratio':
      return 'ratio';
    case 'seconds':
      return 'seconds';
    case 'amount':
      return 'money';
    case 'hours':
      return 'hours';
    case 'days':
      return 'days';
    case undefined:
      break;
    default:
      return 'number';
  }
  const id = kpi.indicator.toLowerCase();
  const target = kpi.target;
  if (id.includes('seconds') || /(^|[._])aht$/.test(id)) return 'seconds';
  if (/amount|revenue|receivable/.test(id)) return 'money';
  if ((target <= 1.5 && RATIO_NAME.test(id)) || (target > 0 && target < 1)) return 'ratio';
  if (target === 1 && !COUNT_NAME.test(id)) return 'ratio';
  if (id.endsWith('_hours')) return 'hours';
  if (id.endsWith('_days')) return 'days';
  return 'number';
}

function grouped(value: number, maxFraction: number, minFraction = 0): string {
  return new Intl.NumberFormat(locale(), {
    maximumFractionDigits: maxFraction,
    minimumFractionDigits: minFraction,
  }).format(value);
}

export function formatNumber(value: number | null, maxFraction = 2): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return grouped(value, Math.abs(value) >= 10000 ? 0 : maxFraction);
}

function clock(seconds: number): string {
  const negative = seconds < 0;
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  const text = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  return negative ? `-${text}` : text;
}

export function formatValue(kpi: Pick<KpiScore, 'indicator' | 'target' | 'unit'>, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  switch (kindOf(kpi)) {
    case 'ratio': {
      const pct = value * 100;
      return `${grouped(pct, Math.abs(pct) >= 100 ? 0 : 1)}%`;
    }
    case 'seconds':
      return clock(value);
    case 'money':
      return grouped(value, Math.abs(value) >= 1000 ? 0 : 2);
    case 'hours':
      return `${grouped(value, 1)}${getLang() === 'zh' ? ' 小时' : ' h'}`;
    case 'days':
      return `${grouped(value, 1)}${getLang() === 'zh' ? ' 天' : ' d'}`;
    case 'number':
      return formatNumber(value);
  }
}

export function formatScore(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return grouped(value, 1, 1);
}

export function formatTotal(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  return grouped(value, 2, 2);
}

export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return DASH;
  return `${grouped(ratio * 100, 0)}%`;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Calendar periods (week, month, quarter, year) start at midnight in the org's time zone, which the card
// does not name: that midnight gives the zone's UTC offset, so the dates read as the org's calendar
// whatever the browser's zone. Anything else (a rolling window) is shown in the browser's zone.
function calendarOffset(start: number, end: number): number | null {
  if (end - start < 20 * HOUR) return null;
  const mod = ((start % DAY) + DAY) % DAY;
  if (mod % (15 * 60_000) !== 0) return null;
  return mod <= 12 * HOUR ? -mod : DAY - mod;
}

// periodEnd is exclusive: a November card ends at 1 December 00:00
export function formatPeriod(start: number, end: number): string {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return '';
  const offset = calendarOffset(start, end);
  const last = Math.max(start, end - 1);
  const options: Intl.DateTimeFormatOptions =
    offset === null && end - start <= 2 * DAY
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { year: 'numeric', month: 'short', day: 'numeric' };
  if (offset !== null) options.timeZone = 'UTC';
  const format = new Intl.DateTimeFormat(locale(), options);
  const from = new Date(start + (offset ?? 0));
  const to = new Date(last + (offset ?? 0));
  try {
    return format.formatRange(from, to);
  } catch {
    return `${format.format(from)} – ${format.format(to)}`;
  }
}

export function formatTime(at: Date): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);
}
