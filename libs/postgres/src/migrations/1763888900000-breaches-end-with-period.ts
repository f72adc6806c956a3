import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reportingSchema } from './1763888000000-reporting';

// A breach nothing resolved before its period ended is not open any more: the period is over, the red
// line held to its end. The reporting view says so (`state` 'ended', `closed_at` the period's end), so
// that "open now" counts the current periods only; the table keeps the breach as it was recorded.
export class BreachesEndWithPeriod1763888900000 implements MigrationInterface {
  name = 'BreachesEndWithPeriod1763888900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(breachesView(await reportingSchema(q), true));
  }

  async down(q: QueryRunner): Promise<void> {
    const r = await reportingSchema(q);
    await q.query(`DROP VIEW ${r}.red_line_breaches`);
    await q.query(breachesView(r, false));
    await q.query(`GRANT SELECT ON ${r}.red_line_breaches TO kpi_grafana`);
  }
}

// The view of 1763888000000, with (`ended`) the period's end, the state and when the breach closed
// appended: a view may only gain columns at its end.
function breachesView(r: string, ended: boolean): string {
  const team = `CASE b.level WHEN 'team' THEN b.entity_id WHEN 'agent' THEN (
        SELECT a.team_id FROM ${r}.agents a
        WHERE a.org_id = b.org_id AND a.agent_id = b.entity_id
          AND a.valid_from <= (coalesce(b.opened_scored_at, b.opened_at) AT TIME ZONE coalesce(o.time_zone, 'UTC'))::date
        ORDER BY a.valid_from DESC LIMIT 1) END`;
  const resolved = `coalesce(b.resolved_scored_at, b.resolved_at)`;
  return `
    CREATE OR REPLACE VIEW ${r}.red_line_breaches AS
    SELECT b.id, b.scorecard, b.kpi, b.effect, b.org_id, b.level, b.entity_id, ${team} AS team_id,
           b.period_start, coalesce(b.opened_scored_at, b.opened_at) AS opened_at,
           CASE WHEN b.resolved_at IS NOT NULL THEN ${resolved} END AS resolved_at,
           b.opened_at AS opened_recorded_at, b.resolved_at AS resolved_recorded_at,
           coalesce(o.time_zone, 'UTC') AS time_zone${
             ended
               ? `,
           s.period_end,
           CASE WHEN b.resolved_at IS NOT NULL THEN 'resolved' WHEN s.period_end <= now() THEN 'ended' ELSE 'open' END
             AS state,
           CASE WHEN b.resolved_at IS NOT NULL THEN ${resolved} WHEN s.period_end <= now() THEN s.period_end END
             AS closed_at`
               : ''
           }
    FROM red_line_breaches b
    LEFT JOIN ${r}.orgs o ON o.org_id = b.org_id${
      ended
        ? `
    LEFT JOIN scorecards s ON s.scorecard = b.scorecard AND s.org_id = b.org_id AND s.level = b.level
      AND s.entity_id = b.entity_id AND s.period_start = b.period_start`
        : ''
    }`;
}
