import type { AlertMatchers, MatcherKey, QuietHours, Silence, SubscriptionOwner } from '#libs/alerting';
import type { ChannelConfig, ChannelKind } from '#libs/notify';
import type { AlertSubscription } from '#libs/pipeline';
import type { SecretBox } from './secret-box';

// alert_subscriptions and alert_silences as read back (ids as text, intervals as numbers)
export const SUBSCRIPTION_COLUMNS = `id::text AS id, org_id, owner, matchers, channel, language, group_by,
  group_wait_ms::float8 AS group_wait_ms, group_interval_ms::float8 AS group_interval_ms,
  repeat_interval_ms::float8 AS repeat_interval_ms, quiet_hours, created_at, updated_at`;

export interface SubscriptionRow {
  id: string;
  org_id: string;
  owner: SubscriptionOwner;
  matchers: AlertMatchers;
  channel: StoredChannel;
  language: 'zh' | 'en';
  group_by: MatcherKey[];
  group_wait_ms: number;
  group_interval_ms: number;
  repeat_interval_ms: number;
  quiet_hours: QuietHours | null;
  created_at: Date;
  updated_at: Date;
}

// A subscription's channel at rest: its whole config sealed (the URLs of DingTalk, WeCom, Feishu and Slack
// carry their tokens; webhooks and robots have signing secrets) with the connectors' key
// (KPI_SECRETS_KEY, secret-box.ts), the org as associated data, beside its kind.
export interface StoredChannel {
  kind: ChannelKind;
  sealed: string;
}

const channelContext = (orgId: string) => `alert-subscription:${orgId}`;

export function sealChannel(box: SecretBox, orgId: string, channel: ChannelConfig): StoredChannel {
  return { kind: channel.kind, sealed: box.seal(JSON.stringify(channel), channelContext(orgId)) };
}

// undefined: not sealed by this key for this org (another key, or kept in clear by an older release)
export function openChannel(box: SecretBox, orgId: string, stored: StoredChannel): ChannelConfig | undefined {
  if (typeof stored.sealed !== 'string') return undefined;
  const text = box.open(stored.sealed, channelContext(orgId));
  return text === undefined ? undefined : (JSON.parse(text) as ChannelConfig);
}

// a row's subscription as routing and the API both read it
export function subscriptionFields(r: SubscriptionRow, box: SecretBox): Omit<AlertSubscription, 'timeZone'> {
  const channel = openChannel(box, r.org_id, r.channel);
  // the start seals and checks every channel (sealClearChannels): only a key changed since gets here
  if (channel === undefined) throw new Error(`alert subscription ${r.id}: KPI_SECRETS_KEY does not open its channel`);
  return {
    id: r.id,
    orgId: r.org_id,
    owner: r.owner,
    matchers: r.matchers,
    channel,
    language: r.language,
    groupBy: r.group_by,
    groupWaitMs: r.group_wait_ms,
    groupIntervalMs: r.group_interval_ms,
    repeatIntervalMs: r.repeat_interval_ms,
    quietHours: r.quiet_hours,
  };
}

export function subscriptionOf(r: SubscriptionRow, box: SecretBox, timeZone: string): AlertSubscription {
  return { ...subscriptionFields(r, box), timeZone };
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
