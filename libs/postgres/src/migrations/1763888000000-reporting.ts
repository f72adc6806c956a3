import type { MigrationInterface, QueryRunner } from 'typeorm';

// The role Grafana signs in as: it may read the reporting schema and nothing else. One per cluster; it
// may sign in once a start is given its password (migrate's reportingPassword: GRAFANA_DB_PASSWORD).
export const REPORTING_ROLE = 'kpi_grafana';

// The reporting contract (docs/grafana.md): views in a schema of their own, the only thing dashboards
// read, so internal tables can change without breaking a panel. The history keeps the card's event-time
// clock, every KPI's actual / target / score and the dimension scores; a breach keeps the event time it
// opened and resolved at. The schema is `reporting` next to data in `public`, else `<schema>_reporting`
// (the tests migrate a schema each).
export class Reporting1763888000000 implements MigrationInterface {
  name = 'Reporting1763888000000';

  async up(q: QueryRunner): Promise<void> {
    const r = await reportingSchema(q);
    await q.query(`
      ALTER TABLE scorecard_history
        ADD COLUMN scored_at  timestamptz, -- the org's event-time clock the card was scored at
        ADD COLUMN kpis       jsonb,       -- [{ kpi, dimension, actual, target, score, status, redLine }]
        ADD COLUMN dimensions jsonb        -- [{ dimension, score, weight }]`);
    await q.query(`
      ALTER TABLE red_line_breaches
        ADD COLUMN opened_scored_at   timestamptz, -- event time: the clock of the card that showed it first
        ADD COLUMN resolved_scored_at timestamptz  -- event time: the clock of the first card without it`);
    await q.query(`CREATE SCHEMA ${r}`);
    // an org's time zone as its latest card says: local day / week / month grouping
    await q.query(`
      CREATE VIEW ${r}.orgs AS
      SELECT DISTINCT ON (org_id) org_id, card->>'timeZone' AS time_zone, card->>'currency' AS currency
      FROM scorecards ORDER BY org_id, updated_at DESC`);
    await q.query(`
      CREATE VIEW ${r}.teams AS
      SELECT t.org_id, t.team_id, coalesce(rt.name, t.team_id) AS name
      FROM (SELECT org_id, team_id FROM roster_teams
            UNION SELECT org_id, entity_id FROM scorecards WHERE level = 'team') t
      LEFT JOIN roster_teams rt ON rt.org_id = t.org_id AND rt.team_id = t.team_id`);
    // the roster of record: which team an agent works in, from when to when (valid_to null: still)
    await q.query(`
      CREATE VIEW ${r}.agents AS
      SELECT m.org_id, m.agent_id, coalesce(rm.display_name, m.agent_id) AS name, m.team_id, m.valid_from, m.valid_to
      FROM roster_memberships m JOIN roster_members rm ON rm.org_id = m.org_id AND rm.agent_id = m.agent_id`);
    await q.query(`
      CREATE VIEW ${r}.indicator_values AS
      SELECT indicator, org_id, level, entity_id, "window", period_start, period_end, value, numerator, denominator,
             updated_at
      FROM indicator_values`);
    // recorded_at is the wall clock the pipeline wrote the change at
    await q.query(`
      CREATE VIEW ${r}.indicator_value_history AS
      SELECT h.indicator, h.org_id, h.level, h.entity_id, h."window", h.period_start, h.value, h.recorded_at,
             coalesce(o.time_zone, 'UTC') AS time_zone,
             (h.recorded_at AT TIME ZONE coalesce(o.time_zone, 'UTC'))::date AS local_date
      FROM indicator_value_history h LEFT JOIN ${r}.orgs o ON o.org_id = h.org_id`);
    await q.query(`
      CREATE VIEW ${r}.scorecards AS
      SELECT s.scorecard, s.version, s.org_id, s.level, s.entity_id, s.period_start, s.period_end, s.total, s.grade,
             to_timestamp((s.card->>'scoredAt')::float8 / 1000) AS scored_at, (s.card->>'closed')::boolean AS closed,
             s.card->'scorecardName'->>'en' AS name_en, s.card->'scorecardName'->>'zh' AS name_zh,
             s.card->>'timeZone' AS time_zone, s.updated_at
      FROM scorecards s`);
    // each KPI's line on the latest cards
    await q.query(`
      CREATE VIEW ${r}.scorecard_kpis AS
      SELECT s.scorecard, s.org_id, s.level, s.entity_id, s.period_start, k->>'kpi' AS kpi,
             k->'name'->>'en' AS name_en, k->'name'->>'zh' AS name_zh, k->>'dimension' AS dimension,
             k->>'unit' AS unit, k->>'direction' AS direction, (k->>'actual')::float8 AS actual,
             (k->>'target')::float8 AS target, (k->>'score')::float8 AS score, (k->>'weight')::float8 AS weight,
             k->>'status' AS status, (k->>'redLine')::boolean AS red_line
      FROM scorecards s CROSS JOIN jsonb_array_elements(s.card->'score'->'kpis') k`);
    // `at`: the card's event-time clock; rows written before it was kept have their wall clock
    await q.query(`
      CREATE VIEW ${r}.scorecard_history AS
      SELECT h.id, h.scorecard, h.org_id, h.level, h.entity_id, h.period_start, h.total, h.grade,
             coalesce(h.scored_at, h.recorded_at) AS at, h.recorded_at, coalesce(o.time_zone, 'UTC') AS time_zone,
             (coalesce(h.scored_at, h.recorded_at) AT TIME ZONE coalesce(o.time_zone, 'UTC'))::date AS local_date
      FROM scorecard_history h LEFT JOIN ${r}.orgs o ON o.org_id = h.org_id`);
    await q.query(`
      CREATE VIEW ${r}.dimension_score_history AS
      SELECT h.id, h.scorecard, h.org_id, h.level, h.entity_id, h.period_start, d->>'dimension' AS dimension,
             (d->>'weight')::float8 AS weight, (d->>'score')::float8 AS score, h.at, h.time_zone, h.local_date
      FROM ${r}.scorecard_history h JOIN scorecard_history s ON s.id = h.id
      CROSS JOIN jsonb_array_elements(s.dimensions) d`);
    // rows from before the KPI lines were kept have their actual only
    await q.query(`
      CREATE VIEW ${r}.kpi_history AS
      SELECT h.id, h.scorecard, h.org_id, h.level, h.entity_id, h.period_start, k.kpi, k.dimension, k.actual,
             k.target, k.score, k.status, k.red_line, h.at, h.time_zone, h.local_date
      FROM ${r}.scorecard_history h JOIN scorecard_history s ON s.id = h.id
      CROSS JOIN LATERAL (
        SELECT e->>'kpi' AS kpi, e->>'dimension' AS dimension, (e->>'actual')::float8 AS actual,
               (e->>'target')::float8 AS target, (e->>'score')::float8 AS score, e->>'status' AS status,
               (e->>'redLine')::boolean AS red_line
        FROM jsonb_array_elements(s.kpis) e
        UNION ALL
        SELECT a.key, NULL, (a.value #>> '{}')::float8, NULL, NULL, NULL, NULL
        FROM jsonb_each(s.actuals) a WHERE s.kpis IS NULL) k`);
    // an agent's breach or alert counts for the team the roster puts them in on its local day
    const teamOf = (level: string, entity: string, org: string, at: string) => `
      CASE ${level} WHEN 'team' THEN ${entity} WHEN 'agent' THEN (
        SELECT a.team_id FROM ${r}.agents a
        WHERE a.org_id = ${org} AND a.agent_id = ${entity} AND a.valid_from <= (${at} AT TIME ZONE coalesce(o.time_zone, 'UTC'))::date
        ORDER BY a.valid_from DESC LIMIT 1) END`;
    await q.query(`
      CREATE VIEW ${r}.red_line_breaches AS
      SELECT b.id, b.scorecard, b.kpi, b.effect, b.org_id, b.level, b.entity_id,
             ${teamOf('b.level', 'b.entity_id', 'b.org_id', 'coalesce(b.opened_scored_at, b.opened_at)')} AS team_id,
             b.period_start, coalesce(b.opened_scored_at, b.opened_at) AS opened_at,
             CASE WHEN b.resolved_at IS NOT NULL THEN coalesce(b.resolved_scored_at, b.resolved_at) END AS resolved_at,
             b.opened_at AS opened_recorded_at, b.resolved_at AS resolved_recorded_at, coalesce(o.time_zone, 'UTC') AS time_zone
      FROM red_line_breaches b LEFT JOIN ${r}.orgs o ON o.org_id = b.org_id`);
    // alert episodes: a rule instance firing, and its resolution when it came (both event time)
    await q.query(`
      CREATE VIEW ${r}.alerts AS
      SELECT f.id, f.org_id, f.scorecard, f.rule, nullif(f.kpi, '') AS kpi, f.level, f.entity_id,
             ${teamOf('f.level', 'f.entity_id', 'f.org_id', 'f.fired_at')} AS team_id, f.period_start, f.severity,
             f.name->>'en' AS name_en, f.name->>'zh' AS name_zh, f.value, f.fired_at, r.at AS resolved_at,
             coalesce(o.time_zone, 'UTC') AS time_zone
      FROM alert_transitions f
      LEFT JOIN ${r}.orgs o ON o.org_id = f.org_id
      LEFT JOIN alert_transitions r ON r.kind = 'resolved' AND r.org_id = f.org_id AND r.scorecard = f.scorecard
        AND r.rule = f.rule AND r.kpi = f.kpi AND r.level = f.level AND r.entity_id = f.entity_id
        AND r.period_start IS NOT DISTINCT FROM f.period_start AND r.fired_at = f.fired_at
      WHERE f.kind = 'fired'`);
    await q.query(`
      DO $$ BEGIN
        CREATE ROLE ${REPORTING_ROLE} NOLOGIN;
      EXCEPTION WHEN duplicate_object THEN NULL; -- another database or schema of this cluster made it
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA ${r} TO ${REPORTING_ROLE}`);
    await q.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${r} TO ${REPORTING_ROLE}`);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${r} GRANT SELECT ON TABLES TO ${REPORTING_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    const r = await reportingSchema(q);
    await q.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${r} REVOKE SELECT ON TABLES FROM ${REPORTING_ROLE}`);
    await q.query(`DROP SCHEMA ${r} CASCADE`);
    await q.query(`ALTER TABLE red_line_breaches DROP COLUMN resolved_scored_at, DROP COLUMN opened_scored_at`);
    await q.query(`ALTER TABLE scorecard_history DROP COLUMN dimensions, DROP COLUMN kpis, DROP COLUMN scored_at`);
  }
}

export async function reportingSchema(q: QueryRunner): Promise<string> {
  const [{ schema }] = (await q.query(`SELECT current_schema() AS schema`)) as [{ schema: string }];
  return schema === 'public' ? 'reporting' : `${schema}_reporting`;
}
