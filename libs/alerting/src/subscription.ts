import type { AlertCondition, AlertSeverity } from '#libs/definitions';

// What a transition is matched on: who it is about and which rule said it. `team` is the agent's team
// (the roster of record) or the team itself; null for an org-level alert, or an agent in no team.
export interface AlertLabels {
  org: string;
  team: string | null;
  agent: string | null;
  scorecard: string;
  kpi: string; // '' for the card's total
  rule: string;
  kind: AlertCondition['kind'];
  severity: AlertSeverity;
}

export const MATCHER_KEYS = ['org', 'team', 'agent', 'scorecard', 'kpi', 'rule', 'kind', 'severity'] as const;
export type MatcherKey = (typeof MATCHER_KEYS)[number];

// Each key given must hold (a value, or any of a list); a key not given matches anything.
export type AlertMatchers = Partial<Record<MatcherKey, string | readonly string[]>>;

// Who made a subscription: what they may read bounds what it receives (an agent their own alerts, a
// manager their teams', an admin their org's), whatever its matchers say.
export interface SubscriptionOwner {
  subject: string;
  role: 'admin' | 'manager' | 'agent';
  orgId: string;
  teams: readonly string[];
  agentId: string | null;
}

// Quiet hours, local times "HH:MM" in the org's time zone; from > to spans midnight ("22:00"–"08:00").
export interface QuietHours {
  from: string;
  to: string;
}

export interface Subscription<Channel = unknown> {
  id: string;
  orgId: string;
  owner: SubscriptionOwner;
  matchers: AlertMatchers;
  channel: Channel;
  language: 'zh' | 'en';
  groupBy: readonly MatcherKey[]; // one message per group of these labels' values
  groupWaitMs: number; // a new group waits this long for more alerts before its first message
  groupIntervalMs: number; // later changes to a group wait for this long after its last message
  repeatIntervalMs: number; // an unchanged firing group is sent again after this long
  quietHours: QuietHours | null;
  timeZone: string; // the org's, for quiet hours
}

// Alertmanager's defaults, in ms.
export const ROUTING_DEFAULTS = {
  groupBy: ['team'] as readonly MatcherKey[],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * 60_000,
  repeatIntervalMs: 4 * 3_600_000,
};

// A time-bounded mute (Alertmanager's silence): alerts matching it are not sent while it lasts.
export interface Silence {
  id: string;
  orgId: string;
  matchers: AlertMatchers;
  startsAt: number;
  endsAt: number; // exclusive
  createdBy: string;
  comment: string;
}

export function matches(matchers: AlertMatchers, labels: AlertLabels): boolean {
  for (const key of MATCHER_KEYS) {
    const want = matchers[key];
    if (want === undefined) continue;
    const have = labels[key];
    if (have === null) return false;
    if (typeof want === 'string' ? want !== have : !want.includes(have)) return false;
  }
  return true;
}

// Whether the owner may read the alert: the same org; a manager a team of theirs; an agent their own.
export function ownerMayReceive(owner: SubscriptionOwner, labels: AlertLabels): boolean {
  if (owner.orgId !== labels.org) return false;
  switch (owner.role) {
    case 'admin':
      return true;
    case 'manager':
      return labels.team !== null && owner.teams.includes(labels.team);
    case 'agent':
      return labels.agent !== null && labels.agent === owner.agentId;
  }
}

export function silencedBy(silences: readonly Silence[], labels: AlertLabels, now: number): Silence | undefined {
  return silences.find(
    (s) => s.orgId === labels.org && s.startsAt <= now && now < s.endsAt && matches(s.matchers, labels),
  );
}
