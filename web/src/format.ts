import { getLang, locale } from './i18n';
import type { KpiScore, ScoredCard } from './types';

export const DASH = '–';

type Kind = 'ratio' | 'seconds' | 'money' | 'hours' | 'days' | 'number';

// how a KPI's values read, from its indicator's unit
export function kindOf(kpi: Pick<KpiScore, 'unit'>): Kind {
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
    case 'count':
    case 'minutes':
    case 'points':
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

function clock(seconds: number): string {
  const negative = seconds < 0;
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  const text = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  return negative ? `-${text}` : text;
}

export function formatValue(kpi: Pick<KpiScore, 'unit'>, value: number | null): string {
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
