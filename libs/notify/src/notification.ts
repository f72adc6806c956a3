import { createHash } from 'node:crypto';
import type { AlertChange, AlertEntity } from '#libs/alerting';
import type { AlertSeverity, Level, Localized } from '#libs/definitions';

export type Language = 'zh' | 'en';

// One alert transition as a message shows it.
export interface AlertLine {
  key: string; // the transition's idempotency key
  transition: 'fired' | 'resolved';
  at: number; // event time of the transition, ms
  rule: string;
  ruleName: string;
  severity: AlertSeverity;
  labels: Readonly<Record<string, string>>;
  scorecard: string;
  kpi: string; // '' for the card's total
  kpiName: string;
  entity: AlertEntity;
  entityLabel: string; // "Agent a1" / "成员 a1"
  actual: number | null;
  target: number | null;
  value: number | null; // what the rule compared: the shortfall, the projected miss, the streak length
  link: string; // the entity's scorecard page
}

// One message about one or more grouped transitions of one team / route, in one language.
export interface Notification {
  key: string; // idempotency key of the message: the transition's own key, or a hash of the group's keys
  language: Language;
  title: string;
  severity: AlertSeverity; // the worst of its lines
  lines: readonly AlertLine[];
}

// What the alerting service knows about a transition beyond the change itself: the names on the card
// and the KPI's actual and target at the scoring moment.
export interface AlertItem {
  change: AlertChange;
  kpiName: Localized | null; // null for the card's total
  actual: number | null;
  target: number | null;
}

export interface NotificationOptions {
  language: Language;
  baseUrl: string; // where the page is served, e.g. https://kpi.example.com
  group?: string; // the route's name in the title (a team), when the message groups several alerts
}

const SEVERITY_ORDER: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

const LEVEL_LABEL: Record<Level, Localized> = {
  agent: { en: 'Agent', zh: '成员' },
  team: { en: 'Team', zh: '团队' },
  org: { en: 'Org', zh: '组织' },
};

const TEXT = {
  fired: { en: 'Firing', zh: '告警' },
  resolved: { en: 'Resolved', zh: '已恢复' },
  total: { en: 'Total score', zh: '总分' },
  target: { en: 'target', zh: '目标' },
} satisfies Record<string, Localized>;

export function say(text: keyof typeof TEXT, language: Language): string {
  return TEXT[text][language];
}

// The page's routes (web/src/main.ts): #/org/<org>, #/team/<org>/<team>, #/agent/<org>/<agent>.
export function scorecardLink(baseUrl: string, entity: AlertEntity): string {
  const base = baseUrl.replace(/\/+$/, '');
  const org = encodeURIComponent(entity.orgId);
  if (entity.level === 'org') return `${base}/#/org/${org}`;
  return `${base}/#/${entity.level}/${org}/${encodeURIComponent(entity.id)}`;
}

// Up to 4 significant digits, no exponent for the magnitudes a KPI has.
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  return String(Number(v.toPrecision(4)));
}

function lineOf(item: AlertItem, options: NotificationOptions): AlertLine {
  const { change } = item;
  const t = change.transition;
  if (t === null) throw new Error(`alert ${change.rule.id} has no transition to notify`);
  const lang = options.language;
  const entity = change.instance.entity;
  return {
    key: t.key,
    transition: t.kind,
    at: t.at,
    rule: change.rule.id,
    ruleName: change.rule.name[lang],
    severity: change.rule.severity,
    labels: change.rule.labels,
    scorecard: change.instance.scorecard,
    kpi: change.instance.kpi,
    kpiName: item.kpiName?.[lang] ?? (change.instance.kpi === '' ? TEXT.total[lang] : change.instance.kpi),
    entity,
    entityLabel: `${LEVEL_LABEL[entity.level][lang]} ${entity.id}`,
    actual: item.actual,
    target: item.target,
    value: t.value,
    link: scorecardLink(options.baseUrl, entity),
  };
}

function titleOf(lines: readonly AlertLine[], options: NotificationOptions): string {
  const lang = options.language;
  const [first] = lines;
  if (lines.length === 1 && first !== undefined) {
    const sep = lang === 'zh' ? '：' : ': ';
    return `${TEXT[first.transition][lang]}${sep}${first.ruleName} · ${first.kpiName} · ${first.entityLabel}`;
  }
  const fired = lines.filter((l) => l.transition === 'fired').length;
  const resolved = lines.length - fired;
  const parts =
    lang === 'zh'
      ? [fired > 0 ? `${fired} 条告警` : '', resolved > 0 ? `${resolved} 条已恢复` : '']
      : [fired > 0 ? `${fired} firing` : '', resolved > 0 ? `${resolved} resolved` : ''];
  const counts = parts.filter((p) => p !== '').join(lang === 'zh' ? '，' : ', ');
  return options.group === undefined ? counts : `${counts} · ${options.group}`;
}

// One message for a group of transitions (at least one), in the subscriber's language: fired before
// resolved, the worst severity first, then by time, so a truncated message keeps what matters most.
export function buildNotification(items: readonly AlertItem[], options: NotificationOptions): Notification {
  if (items.length === 0) throw new Error('a notification needs at least one alert');
  const rank = (l: AlertLine) => (l.transition === 'fired' ? 0 : 10) + SEVERITY_ORDER.indexOf(l.severity);
  const lines = items.map((i) => lineOf(i, options)).sort((a, b) => rank(a) - rank(b) || a.at - b.at);
  const severity = SEVERITY_ORDER.find((s) => lines.some((l) => l.severity === s)) ?? 'info';
  const [only] = lines;
  const key =
    lines.length === 1 && only !== undefined
      ? only.key
      : createHash('sha256')
          .update(
            lines
              .map((l) => l.key)
              .sort()
              .join('\n'),
          )
          .digest('hex');
  return { key, language: options.language, title: titleOf(lines, options), severity, lines };
}

// "actual 0.76 vs target 0.8" in the message's language; what is known of the two.
export function valueText(line: AlertLine, language: Language): string {
  const actual = line.actual === null ? '—' : formatNumber(line.actual);
  if (line.target === null) return actual;
  return `${actual} vs ${say('target', language)} ${formatNumber(line.target)}`;
}

// The line after the kept ones when a message is cut to a vendor's size limit.
export function moreText(more: number, language: Language): string {
  return language === 'zh' ? `+${more} 条未显示` : `+${more} more`;
}

// The most lines (in order) whose rendering fits: `fits(k, more)` renders the first k lines and a
// "+more" line when more > 0. Renderings grow with k, so a binary search finds the largest k.
export function fitLines(total: number, fits: (kept: number, more: number) => boolean): number {
  if (fits(total, 0)) return total;
  let lo = 0;
  let hi = total - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid, total - mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
