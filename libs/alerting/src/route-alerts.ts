import { createHash } from 'node:crypto';
import { quietUntil } from './quiet-hours';
import {
  matches,
  ownerMayReceive,
  silencedBy,
  type AlertLabels,
  type Silence,
  type Subscription,
} from './subscription';

// A transition as the router sees it; `A extends RoutableAlert` carries whatever the message needs.
export interface RoutableAlert {
  key: string; // the transition's idempotency key
  instance: string; // instanceKey: a resolution pairs with the firing of the same instance
  kind: 'fired' | 'resolved';
  at: number; // event time of the transition
  labels: AlertLabels;
}

// A subscription's group of alerts (its groupBy labels' values), as Alertmanager keeps it: the
// transitions not sent yet, the alerts the subscriber was told are firing (for repeats and resolutions),
// and when the next message may go out. Stored between calls (alert_groups).
export interface AlertGroup<A extends RoutableAlert = RoutableAlert> {
  subscription: string;
  key: string; // e.g. "team=T1"
  pending: A[];
  firing: A[];
  nextAt: number | null; // pending: when they are due; else, with alerts firing, the next repeat; else null
  lastSentAt: number | null;
}

export interface AlertMessage<A extends RoutableAlert = RoutableAlert> {
  subscription: string;
  group: string;
  reason: 'changes' | 'repeat';
  // the message's idempotency key, from the subscription, the group and the transitions' keys (and, for
  // a repeat, when it was due): the same message computed again after a crash carries the same key
  key: string;
  alerts: A[];
}

export interface RoutingInput<A extends RoutableAlert> {
  subscriptions: readonly Subscription[];
  silences: readonly Silence[];
  groups: readonly AlertGroup<A>[]; // the stored groups of these subscriptions
  now: number; // wall clock: waits, silences and quiet hours are about people, not event time
}

export interface Routed<A extends RoutableAlert> {
  messages: AlertMessage<A>[];
  keep: AlertGroup<A>[]; // groups changed, to store
  drop: AlertGroup<A>[]; // groups with nothing pending and nothing firing, to delete
  silenced: { alert: A; subscription: string; silence: string }[];
}

export const groupId = (subscription: string, key: string): string => `${subscription}\u0000${key}`;

export function groupKeyOf(sub: Subscription, labels: AlertLabels): string {
  return sub.groupBy.map((label) => `${label}=${labels[label] ?? ''}`).join(',');
}

// New transitions (each once: the caller routes only those it recorded now) into the groups of the
// subscriptions they match, then the messages due now. A fired alert a silence matches is not sent (nor,
// later, its resolution); the resolution of an alert the subscriber was told about is always sent.
export function routeAlerts<A extends RoutableAlert>(input: RoutingInput<A>, alerts: readonly A[]): Routed<A> {
  const groups = new Map(input.groups.map((g) => [groupId(g.subscription, g.key), copy(g)]));
  const touched = new Set<string>();
  const silenced: Routed<A>['silenced'] = [];
  const ordered = [...alerts].sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'fired' ? -1 : 1));
  for (const sub of input.subscriptions) {
    for (const alert of ordered) {
      if (!matches(sub.matchers, alert.labels) || !ownerMayReceive(sub.owner, alert.labels)) continue;
      const key = groupKeyOf(sub, alert.labels);
      const id = groupId(sub.id, key);
      let group = groups.get(id);
      if (alert.kind === 'resolved') {
        const told = group?.firing.some((a) => a.instance === alert.instance) ?? false;
        const waiting = group?.pending.some((a) => a.instance === alert.instance && a.kind === 'fired') ?? false;
        if (group === undefined || (!told && !waiting)) continue;
      } else {
        const silence = silencedBy(input.silences, alert.labels, input.now);
        if (silence !== undefined) {
          silenced.push({ alert, subscription: sub.id, silence: silence.id });
          continue;
        }
      }
      if (group === undefined) {
        group = { subscription: sub.id, key, pending: [], firing: [], nextAt: null, lastSentAt: null };
        groups.set(id, group);
      }
      if (group.pending.length === 0)
        group.nextAt =
          group.lastSentAt === null
            ? input.now + sub.groupWaitMs
            : Math.max(input.now, group.lastSentAt + sub.groupIntervalMs);
      group.pending.push(alert);
      touched.add(id);
    }
  }
  const flushed = flushGroups({ ...input, groups: [...groups.values()].filter((g) => isDue(g, input.now)) });
  const flushedIds = new Set([...flushed.keep, ...flushed.drop].map((g) => groupId(g.subscription, g.key)));
  const keep = [...touched].filter((id) => !flushedIds.has(id)).map((id) => groups.get(id) as AlertGroup<A>);
  return { ...flushed, keep: [...keep, ...flushed.keep], silenced };
}

const isDue = (g: AlertGroup<RoutableAlert>, now: number): boolean => g.nextAt !== null && g.nextAt <= now;

// The messages of the groups due now: their pending changes, or a repeat of what still fires. Quiet
// hours hold a due group until they end (its changes are then sent together); a repeat leaves out the
// alerts silenced now.
export function flushGroups<A extends RoutableAlert>(input: RoutingInput<A>): Routed<A> {
  const subs = new Map(input.subscriptions.map((s) => [s.id, s]));
  const out: Routed<A> = { messages: [], keep: [], drop: [], silenced: [] };
  const { now } = input;
  for (const stored of input.groups) {
    if (!isDue(stored, now)) continue;
    const group = copy(stored);
    const sub = subs.get(group.subscription);
    if (sub === undefined) {
      out.drop.push(group);
      continue;
    }
    const quietEnd = quietUntil(sub.quietHours, sub.timeZone, now);
    if (quietEnd !== null) {
      group.nextAt = quietEnd;
      out.keep.push(group);
      continue;
    }
    if (group.pending.length > 0) {
      const alerts = group.pending;
      out.messages.push(message(group, 'changes', alerts, null));
      for (const a of alerts) {
        group.firing = group.firing.filter((f) => f.instance !== a.instance);
        if (a.kind === 'fired') group.firing.push(a);
      }
      group.pending = [];
    } else {
      const loud = group.firing.filter((a) => silencedBy(input.silences, a.labels, now) === undefined);
      if (loud.length > 0) out.messages.push(message(group, 'repeat', loud, group.nextAt));
    }
    group.lastSentAt = now;
    group.nextAt = group.firing.length > 0 ? now + sub.repeatIntervalMs : null;
    (group.firing.length > 0 ? out.keep : out.drop).push(group);
  }
  return out;
}

function message<A extends RoutableAlert>(
  group: AlertGroup<A>,
  reason: AlertMessage['reason'],
  alerts: A[],
  dueAt: number | null,
): AlertMessage<A> {
  const hash = createHash('sha256').update(`${group.subscription}\n${group.key}\n${reason}\n`);
  hash.update(
    alerts
      .map((a) => a.key)
      .sort()
      .join('\n'),
  );
  if (dueAt !== null) hash.update(`\n@${dueAt}`);
  return { subscription: group.subscription, group: group.key, reason, key: hash.digest('hex'), alerts: [...alerts] };
}

function copy<A extends RoutableAlert>(g: AlertGroup<A>): AlertGroup<A> {
  return { ...g, pending: [...g.pending], firing: [...g.firing] };
}
