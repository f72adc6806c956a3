import type { DataSource, EntityManager } from 'typeorm';
import {
  instanceKey,
  type AlertChange,
  type AlertGroup,
  type AlertInstance,
  type AlertState,
  type ClosedPeriod,
  type Routed,
} from '#libs/alerting';
import type {
  AlertPending,
  AlertRecord,
  AlertStore,
  AlertTx,
  NewDelivery,
  Recorded,
  RoutedAlert,
  RoutingState,
  ScoredCard,
  StoredScoredCard,
} from '#libs/pipeline';
import {
  silenceOf,
  subscriptionOf,
  SILENCE_COLUMNS,
  SUBSCRIPTION_COLUMNS,
  type SilenceRow,
  type SubscriptionRow,
} from './alert-rows';
import { ALERT_RECORD_COLUMNS, toAlertRecord, type AlertRecordRow } from './alert-list.repository';
import type { SecretBox } from './secret-box';
import { appendToFeed } from './postgres-feed';

interface StateRow {
  instance: string;
  status: 'pending' | 'firing';
  since: Date;
  fired_at: Date | null;
  clear_since: Date | null;
  value: number | null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

// Alert instances' states and their transitions (the alert history), and in the same transaction the
// routing groups and the deliveries the new transitions make (the outbox) and, with `announce`, the
// `alerts` feed row announcing them to the page. A transition already recorded under its key is not
// recorded, routed nor announced again.
export class AlertsRepository implements AlertStore {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox, // opens the subscriptions' channels (alert-rows.ts)
    private readonly timeZoneOf: (orgId: string) => string = () => 'UTC', // for quiet hours
  ) {}

  transaction<T>(work: (tx: AlertTx) => Promise<T>): Promise<T> {
    return this.db.transaction((manager) => work(new AlertsTransaction(manager, this.box, this.timeZoneOf)));
  }

  async states(instances: readonly AlertInstance[]): Promise<Map<string, AlertState>> {
    const out = new Map<string, AlertState>();
    if (instances.length === 0) return out;
    const rows = await this.db.query<StateRow[]>(
      `SELECT instance, status, since, fired_at, clear_since, value FROM alert_states WHERE instance = ANY($1::text[])`,
      [[...new Set(instances.map(instanceKey))]],
    );
    for (const r of rows) {
      const since = r.since.getTime();
      out.set(
        r.instance,
        r.status === 'pending'
          ? { status: 'pending', since, value: r.value }
          : {
              status: 'firing',
              since,
              firedAt: r.fired_at?.getTime() ?? since,
              clearSince: r.clear_since?.getTime() ?? null,
              value: r.value,
            },
      );
    }
    return out;
  }

  // the stored final cards of the periods of this card's scorecard and entity that ended by `until`
  async closedPeriods(card: ScoredCard, until: number, limit: number): Promise<ClosedPeriod[]> {
    const rows = await this.db.query<{ card: StoredScoredCard }[]>(
      `SELECT card FROM scorecards
        WHERE scorecard = $1 AND org_id = $2 AND level = $3 AND entity_id = $4 AND period_end <= $5
        ORDER BY period_start DESC LIMIT $6`,
      [card.score.scorecard, card.entity.orgId, card.entity.level, card.entity.id, iso(until), limit],
    );
    return rows
      .reverse()
      .map(({ card: c }) => ({ periodStart: c.periodStart, periodEnd: c.periodEnd, score: c.score }));
  }
}

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());

interface GroupRow {
  subscription_id: string;
  group_key: string;
  pending: RoutedAlert[];
  firing: RoutedAlert[];
  next_at: Date | null;
  last_sent_at: Date | null;
}

const groupOf = (r: GroupRow): AlertGroup<RoutedAlert> => ({
  subscription: String(r.subscription_id),
  key: r.group_key,
  pending: r.pending,
  firing: r.firing,
  nextAt: ms(r.next_at),
  lastSentAt: ms(r.last_sent_at),
});

// One transaction of the alerting runner: changes recorded, then routed into groups and deliveries.
class AlertsTransaction implements AlertTx {
  constructor(
    private readonly tx: EntityManager,
    private readonly box: SecretBox,
    private readonly timeZoneOf: (orgId: string) => string,
  ) {}

  async record(
    changes: readonly AlertChange[],
    announce: { pending: readonly AlertPending[] } | null,
  ): Promise<Recorded> {
    if (changes.length === 0) return { changes: [], records: [] };
    // the last change of an instance in the batch is its state now
    const latest = new Map<string, AlertChange>();
    for (const c of changes) latest.set(instanceKey(c.instance), c);
    const kept = [...latest].filter(([, c]) => c.state !== null);
    const gone = [...latest].filter(([, c]) => c.state === null).map(([key]) => key);
    const transitions = changes.filter((c) => c.transition !== null);
    const tx = this.tx;
    if (gone.length > 0) await tx.query(`DELETE FROM alert_states WHERE instance = ANY($1::text[])`, [gone]);
    if (kept.length > 0)
      await tx.query(
        `INSERT INTO alert_states (instance, org_id, status, since, fired_at, clear_since, value,
           scorecard, rule, kpi, level, entity_id, period_start, severity, name)
         SELECT e->>0, e->>1, e->>2, (e->>3)::timestamptz, (e->>4)::timestamptz, (e->>5)::timestamptz, (e->>6)::float8,
           e->>7, e->>8, e->>9, e->>10, e->>11, (e->>12)::timestamptz, e->>13, e->14
           FROM json_array_elements($1::json) e
         ON CONFLICT (instance) DO UPDATE SET status = excluded.status, since = excluded.since,
           fired_at = excluded.fired_at, clear_since = excluded.clear_since, value = excluded.value, updated_at = now(),
           scorecard = excluded.scorecard, rule = excluded.rule, kpi = excluded.kpi, level = excluded.level,
           entity_id = excluded.entity_id, period_start = excluded.period_start, severity = excluded.severity,
           name = excluded.name`,
        [
          JSON.stringify(
            kept.map(([key, c]) => {
              const s = c.state as AlertState;
              const firing = s.status === 'firing';
              const i = c.instance;
              return [
                key,
                i.entity.orgId,
                s.status,
                iso(s.since),
                firing ? iso(s.firedAt) : null,
                firing ? isoOrNull(s.clearSince) : null,
                s.value,
                i.scorecard,
                i.rule,
                i.kpi,
                i.entity.level,
                i.entity.id,
                i.periodStart === null ? null : iso(i.periodStart),
                c.rule.severity,
                c.rule.name,
              ];
            }),
          ),
        ],
      );
    const pending = announce?.pending ?? [];
    if (transitions.length === 0) {
      if (pending.length > 0)
        await appendToFeed(tx, 'alerts', { transitions: [], acknowledged: [], pending: [...pending] });
      return { changes: [], records: [] };
    }
    const records: AlertRecord[] = (
      await tx.query<AlertRecordRow[]>(
        `INSERT INTO alert_transitions (key, org_id, scorecard, rule, kpi, level, entity_id, period_start, kind,
         severity, name, labels, value, fired_at, at)
       SELECT e->>0, e->>1, e->>2, e->>3, e->>4, e->>5, e->>6, (e->>7)::timestamptz, e->>8, e->>9, e->10, e->11,
         (e->>12)::float8, (e->>13)::timestamptz, (e->>14)::timestamptz
         FROM json_array_elements($1::json) e
       ON CONFLICT (key) DO NOTHING
       RETURNING ${ALERT_RECORD_COLUMNS}`,
        [
          JSON.stringify(
            transitions.map((c) => {
              const t = c.transition as NonNullable<AlertChange['transition']>;
              const i = c.instance;
              return [
                t.key,
                i.entity.orgId,
                i.scorecard,
                i.rule,
                i.kpi,
                i.entity.level,
                i.entity.id,
                i.periodStart === null ? null : iso(i.periodStart),
                t.kind,
                c.rule.severity,
                c.rule.name,
                c.rule.labels,
                t.value !== null && Number.isFinite(t.value) ? t.value : null,
                iso(t.firedAt),
                iso(t.at),
              ];
            }),
          ),
        ],
      )
    ).map(toAlertRecord);
    if (announce !== null && records.length + pending.length > 0)
      await appendToFeed(tx, 'alerts', { transitions: records, acknowledged: [], pending: [...pending] });
    const fresh = new Set(records.map((r) => r.key));
    return { changes: transitions.filter((c) => c.transition !== null && fresh.has(c.transition.key)), records };
  }

  // subscriptions locked FOR SHARE (not deleted under us), groups FOR UPDATE in key order (no deadlock
  // between two instances routing one org during a rebalance)
  async routing(orgIds: readonly string[], now: number): Promise<RoutingState> {
    const subs = await this.tx.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions WHERE org_id = ANY($1::text[]) ORDER BY id FOR SHARE`,
      [orgIds],
    );
    if (subs.length === 0) return { subscriptions: [], silences: [], groups: [] };
    const groups = await this.tx.query<GroupRow[]>(
      `SELECT * FROM alert_groups WHERE subscription_id = ANY($1::bigint[])
        ORDER BY subscription_id, group_key FOR UPDATE`,
      [subs.map((s) => s.id)],
    );
    return {
      subscriptions: subs.map((r) => subscriptionOf(r, this.box, this.timeZoneOf(r.org_id))),
      silences: await this.silences(orgIds, now),
      groups: groups.map(groupOf),
    };
  }

  async dueRouting(now: number, limit: number): Promise<RoutingState> {
    const groups = await this.tx.query<GroupRow[]>(
      `SELECT * FROM alert_groups WHERE next_at <= $1 ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [iso(now), limit],
    );
    if (groups.length === 0) return { subscriptions: [], silences: [], groups: [] };
    const subs = await this.tx.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions WHERE id = ANY($1::bigint[]) FOR SHARE`,
      [[...new Set(groups.map((g) => g.subscription_id))]],
    );
    return {
      subscriptions: subs.map((r) => subscriptionOf(r, this.box, this.timeZoneOf(r.org_id))),
      silences: await this.silences([...new Set(subs.map((s) => s.org_id))], now),
      groups: groups.map(groupOf),
    };
  }

  async save(routed: Routed<RoutedAlert>, deliveries: readonly NewDelivery[]): Promise<void> {
    if (routed.keep.length > 0)
      await this.tx.query(
        `INSERT INTO alert_groups (subscription_id, group_key, pending, firing, next_at, last_sent_at)
         SELECT (e->>'subscription')::bigint, e->>'key', e->'pending', e->'firing',
           (e->>'nextAt')::timestamptz, (e->>'lastSentAt')::timestamptz
           FROM json_array_elements($1::json) e
         ON CONFLICT (subscription_id, group_key) DO UPDATE SET pending = excluded.pending,
           firing = excluded.firing, next_at = excluded.next_at, last_sent_at = excluded.last_sent_at`,
        [
          JSON.stringify(
            routed.keep.map((g) => ({ ...g, nextAt: isoOrNull(g.nextAt), lastSentAt: isoOrNull(g.lastSentAt) })),
          ),
        ],
      );
    if (routed.drop.length > 0)
      await this.tx.query(
        `DELETE FROM alert_groups g USING json_array_elements($1::json) e
          WHERE g.subscription_id = (e->>0)::bigint AND g.group_key = e->>1`,
        [JSON.stringify(routed.drop.map((g) => [g.subscription, g.key]))],
      );
    if (deliveries.length > 0)
      await this.tx.query(
        `INSERT INTO alert_deliveries (subscription_id, org_id, idempotency_key, channel_kind, group_key, reason,
           alerts, title, message)
         SELECT (e->>'subscription')::bigint, e->>'orgId', e->>'key', e->>'channelKind', e->>'group', e->>'reason',
           ARRAY(SELECT json_array_elements_text(e->'alerts')), e->>'title', e->'message'
           FROM json_array_elements($1::json) e
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [JSON.stringify(deliveries)],
      );
  }

  private async silences(orgIds: readonly string[], now: number) {
    const rows = await this.tx.query<SilenceRow[]>(
      `SELECT ${SILENCE_COLUMNS} FROM alert_silences WHERE org_id = ANY($1::text[]) AND starts_at <= $2 AND ends_at > $2`,
      [orgIds, iso(now)],
    );
    return rows.map(silenceOf);
  }
}
