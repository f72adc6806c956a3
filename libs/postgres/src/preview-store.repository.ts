import type { DataSource } from 'typeorm';
import type { FrozenContent } from '#libs/close';
import type { EntityRef, IndicatorValue } from '#libs/indicators';
import type { PreviewStore, ValueRead } from '#libs/preview';
import { toValue, type ValueRow } from './indicator-state.repository';

// What the what-if preview reads (docs/definitions.md): an org's stored indicator values and frozen
// cards, never its events. Each read is one statement on a primary key's prefix: values by (indicator,
// org), frozen cards by (scorecard, org).
export class PostgresPreviewStore implements PreviewStore {
  constructor(private readonly db: DataSource) {}

  async entities(orgId: string): Promise<EntityRef[]> {
    const rows = await this.db.query<{ level: EntityRef['level']; id: string }[]>(
      `SELECT DISTINCT level, entity_id AS id FROM indicator_values WHERE org_id = $1`,
      [orgId],
    );
    return rows.map((r) => ({ level: r.level, id: r.id, orgId }));
  }

  async values(orgId: string, reads: readonly ValueRead[], fromMs: number): Promise<IndicatorValue[]> {
    if (reads.length === 0) return [];
    const rows = await this.db.query<ValueRow[]>(
      `SELECT v.indicator, v.org_id, v.level, v.entity_id, v."window", v.period_start, v.period_end, v.value,
              v.numerator, v.denominator
       FROM unnest($2::text[], $3::text[]) AS r(indicator, "window")
       JOIN indicator_values v ON v.indicator = r.indicator AND v.org_id = $1 AND v."window" = r."window"
       WHERE v.period = 'rolling' OR v.period_end > $4`,
      [orgId, reads.map((r) => r.indicator), reads.map((r) => r.window), new Date(fromMs).toISOString()],
    );
    return rows.map(toValue);
  }

  async frozen(
    orgId: string,
    periods: readonly { scorecard: string; periodStart: number }[],
  ): Promise<FrozenContent[]> {
    if (periods.length === 0) return [];
    const rows = await this.db.query<{ content: FrozenContent }[]>(
      `SELECT f.content
       FROM unnest($2::text[], $3::timestamptz[]) AS p(scorecard, period_start)
       JOIN frozen_scorecards f ON f.scorecard = p.scorecard AND f.org_id = $1 AND f.period_start = p.period_start`,
      [orgId, periods.map((p) => p.scorecard), periods.map((p) => new Date(p.periodStart).toISOString())],
    );
    return rows.map((r) => r.content);
  }
}
