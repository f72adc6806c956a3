import type { DataSource } from 'typeorm';
import type { StoredScoredCard } from '#libs/pipeline';
import type { FiredAlert, PeriodResults, RedLineEvent, ResultCard, ReviewWeek, TeamRef } from '#libs/review';

interface CardRow {
  card: StoredScoredCard;
  period_start: Date;
  period_end: Date;
  updated_at: Date;
  history: { total: number | null; grade: string | null; actuals: Record<string, number | null> | null } | null;
}

// The review pack's results port over what Postgres keeps today: `scorecards` (the latest card of each
// period: for a period that had ended by the week's end, its closing card) and, for a period still open
// then, `scorecard_history`'s last version recorded before the week's end (total, grade and actuals; the
// KPIs' scores are not kept there, so they are left empty). Frozen period results will replace this.
export class PostgresPeriodResults implements PeriodResults {
  constructor(private readonly db: DataSource) {}

  async teamCards(team: TeamRef, week: ReviewWeek): Promise<ResultCard[]> {
    const end = new Date(week.end).toISOString();
    const rows = await this.db.query<CardRow[]>(
      `SELECT s.card, s.period_start, s.period_end, s.updated_at,
         (SELECT json_build_object('total', h.total, 'grade', h.grade, 'actuals', h.actuals) FROM scorecard_history h
          WHERE h.scorecard = s.scorecard AND h.org_id = s.org_id AND h.level = s.level AND h.entity_id = s.entity_id
            AND h.period_start = s.period_start AND h.recorded_at < $3
          ORDER BY h.id DESC LIMIT 1) AS history
       FROM scorecards s
       WHERE s.org_id = $1 AND s.level = 'team' AND s.entity_id = $2
         AND s.period_start < $3 AND s.period_end >= $3
       ORDER BY s.scorecard`,
      [team.orgId, team.teamId, end],
    );
    return rows.flatMap((row) => {
      const card = resultCard(row.card, row.period_end.getTime() === week.end);
      // the card changed after the week's end while its period ran on: read it as it stood then
      if (card.closed || row.updated_at.getTime() <= week.end) return [card];
      if (row.history === null) return [];
      const elapsed = (week.end - card.periodStart) / (card.periodEnd - card.periodStart);
      const actuals = row.history.actuals ?? {};
      return [
        {
          ...card,
          total: row.history.total,
          grade: row.history.grade,
          kpis: card.kpis.map((k) => {
            const actual = actuals[k.kpi] ?? null;
            // a KPI with a pace accumulates: its run rate at the week's end
            const cumulative = row.card.score.kpis.find((c) => c.kpi === k.kpi)?.pace !== undefined;
            return {
              ...k,
              actual,
              score: null,
              status: null,
              redLine: false,
              projected: cumulative && actual !== null && elapsed > 0 ? actual / elapsed : null,
            };
          }),
        },
      ];
    });
  }

  async redLines(team: TeamRef, agents: readonly string[], week: ReviewWeek): Promise<RedLineEvent[]> {
    const rows = await this.db.query<
      {
        scorecard: string;
        kpi: string;
        effect: string;
        level: string;
        entity_id: string;
        opened_at: Date;
        resolved_at: Date | null;
      }[]
    >(
      `SELECT scorecard, kpi, effect, level, entity_id, opened_at, resolved_at FROM red_line_breaches
       WHERE org_id = $1 AND ((level = 'team' AND entity_id = $2) OR (level = 'agent' AND entity_id = ANY($3)))
         AND ((opened_at >= $4 AND opened_at < $5) OR (resolved_at >= $4 AND resolved_at < $5))
       ORDER BY opened_at, id LIMIT 1000`,
      [team.orgId, team.teamId, agents, new Date(week.start), new Date(week.end)],
    );
    return rows.map((r) => ({
      scorecard: r.scorecard,
      kpi: r.kpi,
      effect: r.effect,
      level: r.level,
      entityId: r.entity_id,
      openedAt: r.opened_at.getTime(),
      resolvedAt: r.resolved_at?.getTime() ?? null,
    }));
  }

  async alertsFired(team: TeamRef, agents: readonly string[], week: ReviewWeek): Promise<FiredAlert[]> {
    const rows = await this.db.query<
      {
        scorecard: string;
        rule: string;
        kpi: string;
        name: { en: string; zh: string };
        severity: string;
        level: string;
        entity_id: string;
        at: Date;
        value: number | null;
      }[]
    >(
      `SELECT scorecard, rule, kpi, name, severity, level, entity_id, at, value FROM alert_transitions
       WHERE org_id = $1 AND kind = 'fired' AND at >= $4 AND at < $5
         AND ((level = 'team' AND entity_id = $2) OR (level = 'agent' AND entity_id = ANY($3)))
       ORDER BY at, id LIMIT 1000`,
      [team.orgId, team.teamId, agents, new Date(week.start), new Date(week.end)],
    );
    return rows.map((r) => ({
      scorecard: r.scorecard,
      rule: r.rule,
      kpi: r.kpi,
      name: r.name,
      severity: r.severity,
      level: r.level,
      entityId: r.entity_id,
      at: r.at.getTime(),
      value: r.value,
    }));
  }

  async weekValue(team: TeamRef, indicator: string, week: ReviewWeek): Promise<number | null> {
    const [row] = await this.db.query<{ value: number | null }[]>(
      `SELECT value FROM indicator_values
       WHERE indicator = $1 AND org_id = $2 AND level = 'team' AND entity_id = $3 AND "window" = 'week' AND period_start = $4`,
      [indicator, team.orgId, team.teamId, new Date(week.start)],
    );
    return row?.value ?? null;
  }
}

function resultCard(card: StoredScoredCard, closed: boolean): ResultCard {
  const id = card.score.scorecard;
  return {
    scorecard: id,
    name: card.scorecardName ?? { en: id, zh: id },
    window: card.window ?? '',
    periodStart: card.periodStart,
    periodEnd: card.periodEnd,
    closed,
    total: card.score.total,
    grade: card.score.grade,
    kpis: card.score.kpis.map((k) => ({
      kpi: k.kpi,
      name: k.name,
      unit: k.unit ?? 'number',
      direction: k.direction ?? 'higher',
      actual: k.actual,
      target: k.target,
      score: k.score,
      status: k.status,
      redLine: k.redLine,
      projected: closed ? null : (k.pace?.projected ?? null),
    })),
  };
}
