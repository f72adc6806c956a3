import {
  flushGroups,
  routeAlerts,
  type AlertGroup,
  type AlertMessage,
  type RoutableAlert,
  type Routed,
  type Silence,
  type Subscription,
} from '#libs/alerting';
import {
  buildNotification,
  renderFor,
  type AlertItem,
  type ChannelConfig,
  type ChannelKind,
  type RenderedMessage,
} from '#libs/notify';

// A transition as it waits in its group: its labels for routing, what a message shows of it.
export interface RoutedAlert extends RoutableAlert {
  item: AlertItem;
}

export type AlertSubscription = Subscription<ChannelConfig>;

// What routing reads in its transaction: the subscriptions and silences concerned, and their groups,
// locked until the transaction ends (so two instances never send a group's changes twice).
export interface RoutingState {
  subscriptions: AlertSubscription[];
  silences: Silence[];
  groups: AlertGroup<RoutedAlert>[];
}

// A message for the outbox: one channel, rendered, with its idempotency key (unique: a message
// computed again after a crash is not queued twice).
export interface NewDelivery {
  subscription: string;
  orgId: string;
  key: string;
  channelKind: ChannelKind;
  group: string;
  reason: AlertMessage['reason'];
  alerts: string[]; // the transitions' keys
  title: string;
  message: RenderedMessage;
}

// The routing side of the alert store's transaction (libs/postgres AlertsRepository).
export interface RoutingTx {
  // the orgs' subscriptions, their silences in force at `now`, and their stored groups, locked
  routing(orgIds: readonly string[], now: number): Promise<RoutingState>;
  // the groups due at `now` (at most `limit`, skipping those locked elsewhere) with their subscriptions
  dueRouting(now: number, limit: number): Promise<RoutingState>;
  save(routed: Routed<RoutedAlert>, deliveries: readonly NewDelivery[]): Promise<void>;
}

const GROUP_LABEL: Record<string, { en: string; zh: string }> = {
  org: { en: 'Org', zh: '组织' },
  team: { en: 'Team', zh: '团队' },
  agent: { en: 'Agent', zh: '成员' },
};

// "team=T1" → "Team T1" in the message's title; other labels as they are
function groupTitle(group: string, language: 'zh' | 'en'): string | undefined {
  if (group === '') return undefined;
  return group
    .split(',')
    .map((part) => {
      const [label = '', value = ''] = part.split('=');
      const name = GROUP_LABEL[label]?.[language];
      return name === undefined ? part : `${name} ${value === '' ? '—' : value}`;
    })
    .join(' · ');
}

// Each message rendered for its subscription's channel and language, keyed by the router's key.
export function deliveriesOf(
  messages: readonly AlertMessage<RoutedAlert>[],
  subscriptions: readonly AlertSubscription[],
  baseUrl: string,
): NewDelivery[] {
  const subs = new Map(subscriptions.map((s) => [s.id, s]));
  const out: NewDelivery[] = [];
  for (const m of messages) {
    const sub = subs.get(m.subscription);
    if (sub === undefined || m.alerts.length === 0) continue;
    const title = groupTitle(m.group, sub.language);
    const notification = buildNotification(
      m.alerts.map((a) => a.item),
      { language: sub.language, baseUrl, ...(title === undefined ? {} : { group: title }) },
    );
    out.push({
      subscription: sub.id,
      orgId: sub.orgId,
      key: m.key,
      channelKind: sub.channel.kind,
      group: m.group,
      reason: m.reason,
      alerts: m.alerts.map((a) => a.key),
      title: notification.title,
      message: renderFor(sub.channel, { ...notification, key: m.key }),
    });
  }
  return out;
}

// New transitions through routing, in the caller's transaction: how many deliveries were queued.
export async function routeInto(
  tx: RoutingTx,
  alerts: readonly RoutedAlert[],
  now: number,
  baseUrl: string,
): Promise<number> {
  if (alerts.length === 0) return 0;
  const state = await tx.routing([...new Set(alerts.map((a) => a.labels.org))], now);
  if (state.subscriptions.length === 0) return 0;
  const routed = routeAlerts({ ...state, now }, alerts);
  const deliveries = deliveriesOf(routed.messages, state.subscriptions, baseUrl);
  await tx.save(routed, deliveries);
  return deliveries.length;
}

// The groups due now (waits over, repeats due, quiet hours ended), in the caller's transaction: how many
// groups were due and how many deliveries were queued.
export async function flushInto(
  tx: RoutingTx,
  now: number,
  baseUrl: string,
  limit: number,
): Promise<{ groups: number; deliveries: number }> {
  const state = await tx.dueRouting(now, limit);
  if (state.groups.length === 0) return { groups: 0, deliveries: 0 };
  const routed = flushGroups({ ...state, now });
  const deliveries = deliveriesOf(routed.messages, state.subscriptions, baseUrl);
  await tx.save(routed, deliveries);
  return { groups: state.groups.length, deliveries: deliveries.length };
}
