import { getLang, locale } from './i18n';
import type { KpiScore, ScoredCard } from './types';

export const DASH = '–';

type Kind = 'ratio' | 'seconds' | 'minutes' | 'money' | 'hours' | 'days' | 'points' | 'number';

// how a KPI's values read, from its indicator's unit
export function kindOf(kpi: Pick<KpiScore, 'unit'>): Kind {
  switch (kpi.unit) {
    case 'ratio':
      return 'ratio';
    case 'seconds':
      return 'seconds';
    case 'minutes':
      return 'minutes';
    case 'amount':
      return 'money';
    case 'hours':
      return 'hours';
    case 'days':
      return 'days';
    case 'points':
      return 'points';
    case 'count':
    case 'number':
      return 'number';
  }
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

const zh = (): boolean => getLang() === 'zh';

// a unit after a number, in the page's language
function unit(en: string, zhText: string): string {
  return zh() ? ` ${zhText}` : ` ${en}`;
}

// seconds as "45 s" under a minute, else "m:ss min" (or "h:mm:ss h")
function duration(seconds: number): string {
  const negative = seconds < 0;
  const abs = Math.abs(seconds);
  if (abs < 60) return `${negative ? '-' : ''}${grouped(abs, abs < 10 ? 1 : 0)}${unit('s', '秒')}`;
  const s = Math.round(abs);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  const text =
    h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}${unit('h', '小时')}` : `${m}:${ss}${unit('min', '分钟')}`;
  return negative ? `-${text}` : text;
}

// an amount in the org's currency; from 100,000 on in short form (¥558万, CN¥5.58M), as the seeds write it
function money(value: number, currency: string): string {
  const compact = Math.abs(value) >= 100_000;
  const options: Intl.NumberFormatOptions = compact
    ? { notation: 'compact', maximumSignificantDigits: 3 }
    : { minimumFractionDigits: 0, maximumFractionDigits: Math.abs(value) >= 1000 || Number.isInteger(value) ? 0 : 2 };
  if (currency === '') return new Intl.NumberFormat(locale(), options).format(value);
  try {
    return new Intl.NumberFormat(locale(), { ...options, style: 'currency', currency }).format(value);
  } catch {
    return `${new Intl.NumberFormat(locale(), options).format(value)} ${currency}`; // a code this browser does not know
  }
}

// A KPI's value in its unit: percentages, durations, amounts in the org's currency, counts.
export function formatValue(kpi: Pick<KpiScore, 'unit'>, value: number | null, currency = ''): string {
  if (value === null || !Number.isFinite(value)) return DASH;
  switch (kindOf(kpi)) {
    case 'ratio': {
      const pct = value * 100;
      return `${grouped(pct, Math.abs(pct) >= 100 ? 0 : 1)}%`;
    }
    case 'seconds':
      return duration(value);
    case 'minutes':
      return `${grouped(value, 1)}${unit('min', '分钟')}`;
    case 'money':
      return money(value, currency);
    case 'hours':
      return `${grouped(value, 1)}${unit('h', '小时')}`;
    case 'days':
      return `${grouped(value, 1)}${unit('d', '天')}`;
    case 'points':
      return `${grouped(value, 1)}${unit('pts', '分')}`;
    case 'number':
      return formatNumber(value);
  }
}

const sign = (delta: number): string => (delta > 0 ? '+' : delta < 0 ? '−' : '±');

// A change of a KPI's value against the previous period, signed, in its unit (a ratio in percentage points).
export function formatDelta(kpi: Pick<KpiScore, 'unit'>, delta: number, currency = ''): string {
  if (kindOf(kpi) === 'ratio') return `${sign(delta)}${grouped(Math.abs(delta) * 100, 1)}${zh() ? ' 个百分点' : ' pp'}`;
  return `${sign(delta)}${formatValue(kpi, Math.abs(delta), currency)}`;
}

// A change of a total or a score, in points.
export function formatPointsDelta(delta: number): string {
  return `${sign(delta)}${grouped(Math.abs(delta), 1, 1)}`;
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

// A card's period in the org's calendar (its time zone), whatever the browser's zone: a calendar window
// as dates, a rolling one as times with the zone's name. periodEnd is exclusive: a November card ends at
// 1 December 00:00.
export function formatPeriod(card: Pick<ScoredCard, 'periodStart' | 'periodEnd' | 'timeZone' | 'window'>): string {
  const { periodStart: start, periodEnd: end, timeZone } = card;
  if (!Number.isFinite(start) || !Number.isFinite(end)) return '';
  const rolling = card.window.startsWith('rolling:');
  const options: Intl.DateTimeFormatOptions = rolling
    ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
    : { year: 'numeric', month: 'short', day: 'numeric' };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale(), { ...options, timeZone });
  } catch {
    format = new Intl.DateTimeFormat(locale(), options); // a zone this browser does not know
  }
  const from = new Date(start);
  const to = new Date(rolling ? end : Math.max(start, end - 1));
  let text: string;
  try {
    text = format.formatRange(from, to);
  } catch {
    text = `${format.format(from)} – ${format.format(to)}`;
  }
  return rolling ? `${text} (${zoneName(format, to)})` : text;
}

// the zone's short name at that instant (GMT+8, CET…), once after the range rather than at both ends
function zoneName(format: Intl.DateTimeFormat, at: Date): string {
  const { timeZone } = format.resolvedOptions();
  const parts = new Intl.DateTimeFormat(locale(), { timeZone, timeZoneName: 'short' }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

export function formatTime(at: Date): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(at);
}
