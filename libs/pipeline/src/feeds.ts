import type { AlertMatchers } from '#libs/alerting';
import type { IndicatorValue } from '#libs/indicators';
import type { ScoredCard } from './rescore';

// The hand-offs between services. Every message is of one org (a topic keyed by org keeps an org's
// messages in order and in the partition number of its source events), except a platform default.
export interface FeedMessages {
  'indicator-changes': ChangeBatch; // indicator processor → scoring
  'scorecard-updates': ScoredBatch; // scoring → every scorecard gateway
  definitions: PublishedNotice; // a version published on a gateway → scoring
  alerts: AlertNews; // alerting and the gateways → every gateway: transitions recorded, alerts acknowledged
}
export type FeedName = keyof FeedMessages;

export interface ChangeBatch {
  changes: readonly IndicatorValue[];
  clock: number; // the newest org clock of the engine (older messages: the engine's one clock)
  // each org's clock: an org's scorecards are scored for the periods holding its own clock (absent in
  // messages written before clocks were per org: `clock` then)
  clocks?: Record<string, number>;
  acceptedAt?: number; // when the oldest event behind the changes was durably accepted (end-to-end latency)
  offset: number; // the log offset the changes reflect events up to (0 over Kafka: offsets are per partition)
}

// A version was published for an org (null: a platform default, for every org without its own version).
// Older messages carry no org: they were published for every org.
export interface PublishedNotice {
  version: number;
  orgId?: string | null;
}

// the cards, the log offset they reflect, the oldest acceptance behind them
export interface ScoredBatch {
  cards: ScoredCard[];
  offset: number;
  acceptedAt?: number;
}

// An alert transition as recorded (alert_transitions), for the page: its id is what is acknowledged.
// Times are RFC 3339 (event time, but `recordedAt`).
export interface AlertRecord {
  id: number;
  key: string; // the idempotency key
  kind: 'fired' | 'resolved';
  orgId: string;
  scorecard: string;
  rule: string;
  ruleName: { en: string; zh: string };
  severity: string;
  kpi: string; // '' for the card's total
  level: 'org' | 'team' | 'agent';
  entityId: string;
  periodStart: string | null; // null for a streak
  value: number | null; // what the rule compared
  firedAt: string;
  at: string;
}

// Someone acknowledged a fired alert (its transition's id).
export interface AlertAck {
  id: number;
  orgId: string;
  level: 'org' | 'team' | 'agent';
  entityId: string;
  by: string;
  at: string;
}

// An alert began to pend (`since`: when its condition began to hold), or stopped pending without firing
// (`since` null). Nothing is sent to anyone for it; the page lists pending alerts.
export interface AlertPending {
  orgId: string;
  scorecard: string;
  rule: string;
  ruleName: { en: string; zh: string };
  severity: string;
  kpi: string;
  level: 'org' | 'team' | 'agent';
  entityId: string;
  periodStart: string | null;
  value: number | null;
  since: string | null;
}

// A silence made or ended (`ended`): the alerts it matches are shown silenced, or no longer.
export interface SilenceNotice {
  id: string;
  orgId: string;
  matchers: AlertMatchers;
  ended: boolean;
}

// `pending` and `silences` are absent in messages written before the page showed them live.
export interface AlertNews {
  transitions: AlertRecord[];
  acknowledged: AlertAck[];
  pending?: AlertPending[];
  silences?: SilenceNotice[];
}

// How a producer hands a feed's messages on. `send`: at once (in this process, or a Kafka topic).
// `outbox`: the store writes the message in the transaction of the write it announces (the Postgres
// feed), so nothing is announced that is not stored and nothing stored goes unannounced; the producer
// passes the message to that write instead of sending it.
export type Outlet<T> = { kind: 'send'; send(message: T): Promise<void> } | { kind: 'outbox' };

export interface SubscribeOptions {
  consumer: string; // who reads: names the Kafka consumer group
  // shared: the instances of the consumer share the messages, org by org (scoring instances);
  // every: each instance reads every message (each gateway pushes to its own sockets)
  mode: 'shared' | 'every';
  // On the Postgres feed, where a reader starts: at the end (the default: a gateway needs no old
  // message), or where this consumer left off before a restart (alerting must read the cards scored
  // while it was down). Over Kafka a consumer group always resumes from its commits.
  from?: 'end' | 'committed';
  // shared: after each rebalance, which orgs this instance now holds (all, until told otherwise)
  onOwnership?: (owns: (orgId: string) => boolean) => void;
  onError: (err: unknown) => void; // a message that could not be read or handled
}

export type FeedHandler<T> = (message: T) => Promise<void> | void;

export interface Subscription {
  close(): Promise<void>;
}

// One way to carry feeds: in this process, the Postgres feed table, or Kafka topics.
export interface Transport {
  outlet<F extends FeedName>(feed: F): Outlet<FeedMessages[F]>;
  subscribe<F extends FeedName>(
    feed: F,
    handler: FeedHandler<FeedMessages[F]>,
    options: SubscribeOptions,
  ): Promise<Subscription>;
}

// The composition root's choice, feed by feed: in process between two services of this process, else
// Kafka or the Postgres feed. Services see one Transport and never which.
export function routeFeeds(routes: Readonly<Record<FeedName, Transport>>): Transport {
  return {
    outlet: (feed) => routes[feed].outlet(feed),
    subscribe: (feed, handler, options) => routes[feed].subscribe(feed, handler, options),
  };
}

// Each message split into messages of one org each, for a topic keyed by org.
export const BY_ORG: { [F in FeedName]: (message: FeedMessages[F]) => [orgId: string | null, FeedMessages[F]][] } = {
  'indicator-changes': (batch) =>
    [...groupBy(batch.changes, (c) => c.entity.orgId)].map(([org, changes]) => [
      org,
      { ...batch, changes, clocks: onlyOrg(batch.clocks, org) },
    ]),
  'scorecard-updates': (batch) =>
    [...groupBy(batch.cards, (c) => c.entity.orgId)].map(([org, cards]) => [org, { ...batch, cards }]),
  definitions: (published) => [[published.orgId ?? null, published]],
  alerts: (news) => {
    const pending = news.pending ?? [];
    const silences = news.silences ?? [];
    const orgs = new Set([...news.transitions, ...news.acknowledged, ...pending, ...silences].map((a) => a.orgId));
    return [...orgs].map((org) => [
      org,
      {
        transitions: news.transitions.filter((a) => a.orgId === org),
        acknowledged: news.acknowledged.filter((a) => a.orgId === org),
        pending: pending.filter((a) => a.orgId === org),
        silences: silences.filter((a) => a.orgId === org),
      },
    ]);
  },
};

// Items grouped by a key, each group in the items' order.
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

// an org's clock alone, for a message of that org
function onlyOrg(clocks: Record<string, number> | undefined, orgId: string): Record<string, number> | undefined {
  const clock = clocks?.[orgId];
  return clock === undefined ? undefined : { [orgId]: clock };
}
