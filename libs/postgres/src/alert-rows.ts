import type { AlertMatchers, MatcherKey, QuietHours, Silence, SubscriptionOwner } from '#libs/alerting';
import type { ChannelConfig } from '#libs/notify';
import type { AlertSubscription } from '#libs/pipeline';

// alert_subscriptions and alert_silences as read back (ids as text, intervals as numbers)
export const SUBSCRIPTION_COLUMNS = `id::text AS id, org_id, owner, matchers, channel, language, group_by,
  group_wait_ms::float8 AS group_wait_ms, group_interval_ms::float8 AS group_interval_ms,
  repeat_interval_ms::float8 AS repeat_interval_ms, quiet_hours, created_at, updated_at`;

export interface SubscriptionRow {
  id: string;
  org_id: string;
  owner: SubscriptionOwner;
  matchers: AlertMatchers;
  channel: ChannelConfig;
  language: 'zh' | 'en';
  group_by: MatcherKey[];
  group_wait_ms: number;
  group_interval_ms: number;
  repeat_interval_ms: number;
  quiet_hours: QuietHours | null;
  created_at: Date;
  updated_at: Date;
}

// a row's subscription as routing and the API both read it
export function subscriptionFields(r: SubscriptionRow): Omit<AlertSubscription, 'timeZone'> {
  return {
    id: r.id,
    orgId: r.org_id,
    owner: r.owner,
    matchers: r.matchers,
    channel: r.channel,
    language: r.language,
    groupBy: r.group_by,
    groupWaitMs: r.group_wait_ms,
    groupIntervalMs: r.group_interval_ms,
    repeatIntervalMs: r.repeat_interval_ms,
    quietHours: r.quiet_hours,
  };
}

export function subscriptionOf(r: SubscriptionRow, timeZone: string): AlertSubscription {
  return { ...subscriptionFields(r), timeZone };
}

export const SILENCE_COLUMNS = `id::text AS id, org_id, matchers, starts_at, ends_at, created_by, comment, created_at`;

export interface SilenceRow {
  id: string;
  org_id: string;
  matchers: AlertMatchers;
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  comment: string;
  created_at: Date;
}

export function silenceOf(r: SilenceRow): Silence {
  return {
    id: r.id,
    orgId: r.org_id,
    matchers: r.matchers,
    startsAt: r.starts_at.getTime(),
    endsAt: r.ends_at.getTime(),
    createdBy: r.created_by,
    comment: r.comment,
  };
}
