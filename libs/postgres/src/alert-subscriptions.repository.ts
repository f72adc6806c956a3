import type { DataSource } from 'typeorm';
import type { AlertMatchers, MatcherKey, QuietHours, Silence, SubscriptionOwner } from '#libs/alerting';
import type { ChannelConfig, ChannelKind } from '#libs/notify';
import type { AlertNews, DeliveryStatus } from '#libs/pipeline';
import {
  sealChannel,
  openChannel,
  SILENCE_COLUMNS,
  silenceOf,
  SUBSCRIPTION_COLUMNS,
  subscriptionFields,
  type SilenceRow,
  type StoredChannel,
  type SubscriptionRow,
} from './alert-rows';
import { appendToFeed } from './postgres-feed';
import type { SecretBox } from './secret-box';

// What a subscription is made of, as the API sets it (the org's time zone is read at routing).
export interface SubscriptionFields {
  matchers: AlertMatchers;
  channel: ChannelConfig;
  language: 'zh' | 'en';
  groupBy: readonly MatcherKey[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  quietHours: QuietHours | null;
}

export interface StoredSubscription extends SubscriptionFields {
  id: string;
  orgId: string;
  owner: SubscriptionOwner;
  createdAt: number;
  updatedAt: number;
}

export interface StoredDelivery {
  id: string;
  subscription: string;
  key: string;
  channelKind: ChannelKind;
  group: string;
  reason: 'changes' | 'repeat';
  alerts: string[];
  title: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  idempotency_key: string;
  channel_kind: ChannelKind;
  group_key: string;
  reason: 'changes' | 'repeat';
  alerts: string[];
  title: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  subscriptions?: readonly string[]; // only these (a manager's or agent's own); unset: the org's
  afterId?: string; // newer than this id (a tail)
  limit: number;
}

const stored = (r: SubscriptionRow, box: SecretBox): StoredSubscription => ({
  ...subscriptionFields(r, box),
  createdAt: r.created_at.getTime(),
  updatedAt: r.updated_at.getTime(),
});

const delivery = (r: DeliveryRow): StoredDelivery => ({
  id: r.id,
  subscription: r.subscription_id,
  key: r.idempotency_key,
  channelKind: r.channel_kind,
  group: r.group_key,
  reason: r.reason,
  alerts: r.alerts,
  title: r.title,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at.getTime(),
  lastError: r.last_error,
  createdAt: r.created_at.getTime(),
  deliveredAt: r.delivered_at?.getTime() ?? null,
});

const iso = (ms: number): string => new Date(ms).toISOString();

// the `alerts` feed message of a silence made or ended
export const silenceNews = (s: Silence, ended: boolean): AlertNews => ({
  transitions: [],
  acknowledged: [],
  silences: [{ id: s.id, orgId: s.orgId, matchers: s.matchers, ended }],
});

// Subscriptions, silences and the deliveries' status, for the REST API. Every read and write names the
// org: nothing crosses orgs.
export class AlertSubscriptionsRepository {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  // At start, before serving: seals the channels an older release kept in clear, and answers the
  // subscriptions whose channel this key does not open (a KPI_SECRETS_KEY other than the one that sealed
  // them), which the runtime refuses to start with.
  async sealClearChannels(): Promise<{ sealed: number; unopenable: string[] }> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; org_id: string; channel: StoredChannel | ChannelConfig }[]>(
        `SELECT id::text AS id, org_id, channel FROM alert_subscriptions ORDER BY id FOR UPDATE`,
      );
      let sealed = 0;
      const unopenable: string[] = [];
      for (const r of rows) {
        if (!('sealed' in r.channel)) {
          await tx.query(`UPDATE alert_subscriptions SET channel = $2 WHERE id = $1`, [
            r.id,
            sealChannel(this.box, r.org_id, r.channel),
          ]);
          sealed++;
        } else if (openChannel(this.box, r.org_id, r.channel) === undefined) unopenable.push(r.id);
      }
      return { sealed, unopenable };
    });
  }

  async create(orgId: string, owner: SubscriptionOwner, f: SubscriptionFields): Promise<StoredSubscription> {
    const [row] = await this.db.query<SubscriptionRow[]>(
      `INSERT INTO alert_subscriptions (org_id, owner, matchers, channel, language, group_by, group_wait_ms,
         group_interval_ms, repeat_interval_ms, quiet_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [
        orgId,
        owner,
        f.matchers,
        sealChannel(this.box, orgId, f.channel),
        f.language,
        f.groupBy,
        f.groupWaitMs,
        f.groupIntervalMs,
        f.repeatIntervalMs,
        f.quietHours,
      ],
    );
    return stored(row as SubscriptionRow, this.box);
  }

  async list(orgId: string, ownerSubject?: string): Promise<StoredSubscription[]> {
    const rows = await this.db.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions
        WHERE org_id = $1 AND ($2::text IS NULL OR owner->>'subject' = $2) ORDER BY id`,
      [orgId, ownerSubject ?? null],
    );
    return rows.map((r) => stored(r, this.box));
  }

  async get(orgId: string, id: string): Promise<StoredSubscription | null> {
    const rows = await this.db.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return rows[0] === undefined ? null : stored(rows[0], this.box);
  }

  async update(orgId: string, id: string, f: SubscriptionFields): Promise<StoredSubscription | null> {
    const [rows] = await this.db.query<[SubscriptionRow[], number]>(
      `UPDATE alert_subscriptions SET matchers = $3, channel = $4, language = $5, group_by = $6, group_wait_ms = $7,
         group_interval_ms = $8, repeat_interval_ms = $9, quiet_hours = $10, updated_at = now()
        WHERE org_id = $1 AND id = $2 RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [
        orgId,
        id,
        f.matchers,
        sealChannel(this.box, orgId, f.channel),
        f.language,
        f.groupBy,
        f.groupWaitMs,
        f.groupIntervalMs,
        f.repeatIntervalMs,
        f.quietHours,
      ],
    );
    return rows[0] === undefined ? null : stored(rows[0], this.box);
  }

  // its groups and deliveries go with it
  async remove(orgId: string, id: string): Promise<boolean> {
    const [, deleted] = await this.db.query<[unknown[], number]>(
      `DELETE FROM alert_subscriptions WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return deleted > 0;
  }

  // With `announce`, the silence is announced on the `alerts` feed in the same transaction (the pages
  // show the alerts it matches silenced).
  async createSilence(silence: Omit<Silence, 'id'>, announce: boolean): Promise<Silence & { createdAt: number }> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<SilenceRow[]>(
        `INSERT INTO alert_silences (org_id, matchers, starts_at, ends_at, created_by, comment)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SILENCE_COLUMNS}`,
        [
          silence.orgId,
          silence.matchers,
          iso(silence.startsAt),
          iso(silence.endsAt),
          silence.createdBy,
          silence.comment,
        ],
      );
      const created = { ...silenceOf(row as SilenceRow), createdAt: (row as SilenceRow).created_at.getTime() };
      if (announce) await appendToFeed(tx, 'alerts', silenceNews(created, false));
      return created;
    });
  }

  // those in force or to come at `now`, or every one with `expired`
  async silences(orgId: string, now: number, expired: boolean): Promise<(Silence & { createdAt: number })[]> {
    const rows = await this.db.query<SilenceRow[]>(
      `SELECT ${SILENCE_COLUMNS} FROM alert_silences WHERE org_id = $1 AND ($3 OR ends_at > $2) ORDER BY id DESC`,
      [orgId, iso(now), expired],
    );
    return rows.map((r) => ({ ...silenceOf(r), createdAt: r.created_at.getTime() }));
  }

  async silence(orgId: string, id: string): Promise<Silence | null> {
    const rows = await this.db.query<SilenceRow[]>(
      `SELECT ${SILENCE_COLUMNS} FROM alert_silences WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return rows[0] === undefined ? null : silenceOf(rows[0]);
  }

  // ends it now (kept, for the history); false when there is none, or it has already ended. With
  // `announce`, its end is announced on the `alerts` feed in the same transaction.
  async expireSilence(silence: Silence, now: number, announce: boolean): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [, updated] = await tx.query<[unknown[], number]>(
        `UPDATE alert_silences SET ends_at = $3 WHERE org_id = $1 AND id = $2 AND ends_at > $3`,
        [silence.orgId, silence.id, iso(now)],
      );
      if (updated > 0 && announce) await appendToFeed(tx, 'alerts', silenceNews(silence, true));
      return updated > 0;
    });
  }

  async deliveries(orgId: string, filter: DeliveryFilter): Promise<StoredDelivery[]> {
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries
        WHERE org_id = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::bigint[] IS NULL OR subscription_id = ANY($3::bigint[]))
          AND ($4::bigint IS NULL OR id > $4)
        ORDER BY id DESC LIMIT $5`,
      [orgId, filter.status ?? null, filter.subscriptions ?? null, filter.afterId ?? null, filter.limit],
    );
    return rows.map(delivery);
  }

  async delivery(orgId: string, id: string): Promise<StoredDelivery | null> {
    const rows = await this.db.query<DeliveryRow[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return rows[0] === undefined ? null : delivery(rows[0]);
  }
}

const DELIVERY_COLUMNS = `id::text AS id, subscription_id::text AS subscription_id, idempotency_key, channel_kind,
  group_key, reason, alerts, title, status, attempts, next_attempt_at, last_error, created_at, delivered_at`;
