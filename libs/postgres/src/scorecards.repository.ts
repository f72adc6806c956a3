import type { DataSource } from 'typeorm';
import type { EntityRef } from '#libs/indicators';
import type { ScoredCard } from '#libs/pipeline';

export interface StoredCard extends ScoredCard {
  updatedAt: Date;
}

// Latest scorecards per (scorecard, entity, period), their history, and red-line breaches opened when
// a red line is crossed and resolved when it no longer is.
export class ScorecardsRepository {
  constructor(private readonly db: DataSource) {}

  async save(cards: readonly ScoredCard[]): Promise<void> {
    if (cards.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const c of cards) {
        const { entity, score } = c;
        const start = new Date(c.periodStart).toISOString();
        const key = [score.scorecard, entity.orgId, entity.level, entity.id, start];
        await tx.query(
          `INSERT INTO scorecards (scorecard, org_id, level, entity_id, period_start, version, period_end, total, grade, card)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (scorecard, org_id, level, entity_id, period_start) DO UPDATE SET version = excluded.version,
             period_end = excluded.period_end, total = excluded.total, grade = excluded.grade, card = excluded.card, updated_at = now()`,
          [...key, score.version, new Date(c.periodEnd).toISOString(), score.total, score.grade, JSON.stringify(c)],
        );
        await tx.query(
          `INSERT INTO scorecard_history (scorecard, org_id, level, entity_id, period_start, total, grade)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [...key, score.total, score.grade],
        );
        const hits = score.redLines.map((h) => [h.kpi, h.effect]);
        await tx.query(
          `UPDATE red_line_breaches SET resolved_at = now()
           WHERE scorecard = $1 AND org_id = $2 AND level = $3 AND entity_id = $4 AND period_start = $5 AND resolved_at IS NULL
             AND NOT ((kpi, effect) IN (SELECT * FROM unnest($6::text[], $7::text[])))`,
          [...key, hits.map((h) => h[0]), hits.map((h) => h[1])],
        );
        for (const [kpi, effect] of hits) {
          await tx.query(
            `INSERT INTO red_line_breaches (scorecard, org_id, level, entity_id, period_start, kpi, effect)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
            [...key, kpi, effect],
          );
        }
      }
    });
  }

  // the latest period's scorecards of an entity, for a socket's snapshot on join
  async latestFor(entity: EntityRef): Promise<ScoredCard[]> {
    const rows = await this.db.query<{ card: ScoredCard }[]>(
      `SELECT DISTINCT ON (scorecard) card FROM scorecards
       WHERE org_id = $1 AND level = $2 AND entity_id = $3 ORDER BY scorecard, period_start DESC`,
      [entity.orgId, entity.level, entity.id],
    );
    return rows.map((r) => r.card);
  }

  async openBreaches(orgId: string): Promise<{ scorecard: string; kpi: string; effect: string; entityId: string }[]> {
    return this.db.query(
      `SELECT scorecard, kpi, effect, entity_id AS "entityId" FROM red_line_breaches WHERE org_id = $1 AND resolved_at IS NULL`,
      [orgId],
    );
  }
}
