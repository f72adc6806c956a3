import type { DataSource } from 'typeorm';
import { instanceKey, type AlertChange, type AlertInstance, type AlertState, type ClosedPeriod } from '#libs/alerting';
import type { AlertRecord, AlertStore, ScoredCard, StoredScoredCard } from '#libs/pipeline';
import { ALERT_RECORD_COLUMNS, toAlertRecord, type AlertRecordRow } from './alert-list.repository';
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

// Alert instances' states and their transitions (the alert history). `apply` writes a batch of changes
// in one transaction; a transition already recorded under its key is not recorded again. It returns the
// transitions it recorded; with `announce`, the `alerts` feed row announcing them is written in the
// same transaction (the Postgres feed's outbox).
export class AlertsRepository implements AlertStore {
  constructor(private readonly db: DataSource) {}

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

  async apply(changes: readonly AlertChange[], announce = false): Promise<AlertRecord[]> {
    if (changes.length === 0) return [];
    // the last change of an instance in the batch is its state now
    const latest = new Map<string, AlertChange>();
    for (const c of changes) latest.set(instanceKey(c.instance), c);
    const kept = [...latest].filter(([, c]) => c.state !== null);
    const gone = [...latest].filter(([, c]) => c.state === null).map(([key]) => key);
    const transitions = changes.filter((c) => c.transition !== null);
    return this.db.transaction(async (tx) => {
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
      let recorded: AlertRecord[] = [];
      if (transitions.length > 0)
        recorded = (
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
      if (announce && recorded.length > 0)
        await appendToFeed(tx, 'alerts', { transitions: recorded, acknowledged: [] });
      return recorded;
    });
  }
}
