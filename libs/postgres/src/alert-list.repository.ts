import type { DataSource } from 'typeorm';
import type { AlertScope } from '#libs/access';
import type { AlertAck, AlertRecord } from '#libs/pipeline';
import { appendToFeed } from './postgres-feed';

type Level = AlertRecord['level'];

export interface AlertRecordRow {
  id: string; // bigserial: pg returns it as a string
  key: string;
  kind: 'fired' | 'resolved';
  org_id: string;
  scorecard: string;
  rule: string;
  name: { en: string; zh: string };
  severity: string;
  kpi: string;
  level: Level;
  entity_id: string;
  period_start: Date | null;
  value: number | null;
  fired_at: Date;
  at: Date;
}

// the columns of alert_transitions an AlertRecord is read from (also a RETURNING list)
export const ALERT_RECORD_COLUMNS = `id, key, kind, org_id, scorecard, rule, name, severity, kpi, level, entity_id,
  period_start, value, fired_at, at`;

export function toAlertRecord(r: AlertRecordRow): AlertRecord {
  return {
    id: Number(r.id),
    key: r.key,
    kind: r.kind,
    orgId: r.org_id,
    scorecard: r.scorecard,
    rule: r.rule,
    ruleName: r.name,
    severity: r.severity,
    kpi: r.kpi,
    level: r.level,
    entityId: r.entity_id,
    periodStart: r.period_start?.toISOString() ?? null,
    value: r.value,
    firedAt: r.fired_at.toISOString(),
    at: r.at.toISOString(),
  };
}

export interface Acknowledgement {
  by: string;
  at: string;
}

// An alert pending or firing now. `id`: its fired transition's (what is acknowledged); null while pending.
export interface CurrentAlert {
  id: number | null;
  status: 'pending' | 'firing';
  orgId: string;
  scorecard: string;
  rule: string;
  ruleName: { en: string; zh: string } | null;
  severity: string | null;
  kpi: string;
  level: Level;
  entityId: string;
  periodStart: string | null;
  since: string; // pending: when the condition began to hold; firing: when it fired
  value: number | null;
  acknowledged: Acknowledgement | null;
}

export interface CurrentAlerts {
  firing: number; // in the scope, all of them
  pending: number;
  alerts: CurrentAlert[]; // firing first, the most severe first, at most the limit asked
}

// A message that carried a transition: to whom (the subscription owner's subject), by which channel, and
// how it went (pending: queued or being retried).
export interface DeliveredTo {
  to: string;
  channel: string;
  status: 'pending' | 'delivered' | 'failed';
}

export type HistoryEntry = AlertRecord & { acknowledged: Acknowledgement | null; deliveries: DeliveredTo[] };

interface CurrentRow {
  id: string | null;
  status: 'pending' | 'firing';
  org_id: string;
  scorecard: string;
  rule: string;
  name: { en: string; zh: string } | null;
  severity: string | null;
  kpi: string;
  level: Level;
  entity_id: string;
  period_start: Date | null;
  since: Date;
  value: number | null;
  ack_by: string | null;
  ack_at: Date | null;
}

const ackOf = (by: string | null, at: Date | null): Acknowledgement | null =>
  by === null || at === null ? null : { by, at: at.toISOString() };

// A scope as the parameters $1…$5 of SCOPE_FILTER.
const scopeParams = (s: AlertScope): unknown[] => [s.orgId, s.everything, s.levels, s.teams, s.agents];
const SCOPE_FILTER = `org_id = $1 AND ($2::boolean OR level = ANY($3::text[])
  OR (level = 'team' AND entity_id = ANY($4::text[])) OR (level = 'agent' AND entity_id = ANY($5::text[])))`;

// What the page lists: the alerts pending or firing in a role's scope, the history of transitions, and
// acknowledgements.
export class AlertListRepository {
  constructor(private readonly db: DataSource) {}

  async current(scope: AlertScope, limit: number): Promise<CurrentAlerts> {
    const params = scopeParams(scope);
    // a state from before the page's columns, not read since, names nothing yet: left out until it is
    const [counts] = await this.db.query<[{ firing: string; pending: string }]>(
      `SELECT count(*) FILTER (WHERE status = 'firing') AS firing, count(*) FILTER (WHERE status = 'pending') AS pending
         FROM alert_states WHERE level IS NOT NULL AND ${SCOPE_FILTER}`,
      params,
    );
    const rows = await this.db.query<CurrentRow[]>(
      `SELECT t.id, s.status, s.org_id, s.scorecard, s.rule, s.name, s.severity, s.kpi, s.level, s.entity_id,
              s.period_start, CASE WHEN s.status = 'firing' THEN s.fired_at ELSE s.since END AS since, s.value,
              a.by_subject AS ack_by, a.at AS ack_at
         FROM (SELECT * FROM alert_states WHERE level IS NOT NULL AND ${SCOPE_FILTER}) s
         LEFT JOIN alert_transitions t
           ON s.status = 'firing' AND t.key = s.instance || '|' || (extract(epoch FROM s.fired_at) * 1000)::bigint || '|fired'
         LEFT JOIN alert_acknowledgements a ON a.transition_id = t.id
        ORDER BY s.status = 'firing' DESC, CASE s.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                 since DESC, s.instance
        LIMIT $6`,
      [...params, limit],
    );
    return {
      firing: Number(counts.firing),
      pending: Number(counts.pending),
      alerts: rows.map((r) => ({
        id: r.id === null ? null : Number(r.id),
        status: r.status,
        orgId: r.org_id,
        scorecard: r.scorecard,
        rule: r.rule,
        ruleName: r.name,
        severity: r.severity,
        kpi: r.kpi,
        level: r.level,
        entityId: r.entity_id,
        periodStart: r.period_start?.toISOString() ?? null,
        since: r.since.toISOString(),
        value: r.value,
        acknowledged: ackOf(r.ack_by, r.ack_at),
      })),
    };
  }

  // newest first; `before`: the id of the last one of the previous page
  async history(scope: AlertScope, before: number | undefined, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.db.query<
      (AlertRecordRow & { ack_by: string | null; ack_at: Date | null; deliveries: DeliveredTo[] })[]
    >(
      `SELECT t.*, a.by_subject AS ack_by, a.at AS ack_at,
              COALESCE((SELECT json_agg(json_build_object('to', s.owner->>'subject', 'channel', d.channel_kind,
                                                          'status', d.status) ORDER BY d.id)
                          FROM alert_deliveries d JOIN alert_subscriptions s ON s.id = d.subscription_id
                         WHERE d.alerts @> ARRAY[t.key]), '[]') AS deliveries
         FROM (SELECT ${ALERT_RECORD_COLUMNS} FROM alert_transitions
                WHERE ${SCOPE_FILTER} AND ($6::bigint IS NULL OR id < $6) ORDER BY id DESC LIMIT $7) t
         LEFT JOIN alert_acknowledgements a ON a.transition_id = t.id
        ORDER BY t.id DESC`,
      [...scopeParams(scope), before ?? null, limit],
    );
    return rows.map((r) => ({
      ...toAlertRecord(r),
      acknowledged: ackOf(r.ack_by, r.ack_at),
      deliveries: r.deliveries,
    }));
  }

  async transition(orgId: string, id: number): Promise<AlertRecord | undefined> {
    const [row] = await this.db.query<AlertRecordRow[]>(
      `SELECT ${ALERT_RECORD_COLUMNS} FROM alert_transitions WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return row === undefined ? undefined : toAlertRecord(row);
  }

  // The first acknowledgement of a fired alert stands; another one answers it. With `announce`, a new one
  // is announced on the `alerts` feed in the same transaction. `created`: whether this call recorded it.
  async acknowledge(
    fired: AlertRecord,
    by: { subject: string; role: string },
    announce: boolean,
  ): Promise<{ ack: AlertAck; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ at: Date }[]>(
        `INSERT INTO alert_acknowledgements (transition_id, org_id, by_subject, by_role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (transition_id) DO NOTHING RETURNING at`,
        [fired.id, fired.orgId, by.subject, by.role],
      );
      const [row] =
        inserted.length > 0
          ? [{ by_subject: by.subject, at: (inserted[0] as { at: Date }).at }]
          : await tx.query<{ by_subject: string; at: Date }[]>(
              `SELECT by_subject, at FROM alert_acknowledgements WHERE transition_id = $1`,
              [fired.id],
            );
      const stored = row as { by_subject: string; at: Date };
      const ack: AlertAck = {
        id: fired.id,
        orgId: fired.orgId,
        level: fired.level,
        entityId: fired.entityId,
        by: stored.by_subject,
        at: stored.at.toISOString(),
      };
      const created = inserted.length > 0;
      if (announce && created) await appendToFeed(tx, 'alerts', { transitions: [], acknowledged: [ack] });
      return { ack, created };
    });
  }
}
