import type { DataSource } from 'typeorm';
import type { StoredScoredCard } from '#libs/pipeline';
import type { FiredAlert, PeriodResults, RedLineEvent, ResultCard, ReviewWeek, TeamRef } from '#libs/review';
import { PeriodCloseRepository, type FrozenScorecard } from './period-close.repository';

interface CardRow {
  card: StoredScoredCard;
  period_start: Date;
  period_end: Date;
  updated_at: Date;
  history: { total: number | null; grade: string | null; actuals: Record<string, number | null> | null } | null;
}

// The review pack's results port over Postgres. A period that ended with the week and has been closed:
// its frozen card in effect (`frozen_scorecards`, or the latest approved restatement of it), the KPIs'
// names, units and directions taken from its live card. A period that ended with the week and is not
// closed yet: its closing card in `scorecards`. A period still open at the week's end: its card if it has
// not changed since, else `scorecard_history`'s last version recorded before the week's end (total, grade
// and actuals; the KPIs' scores are not kept there, so they are left empty).
export class PostgresPeriodResults implements PeriodResults {
  private readonly closes: PeriodCloseRepository;

  constructor(private readonly db: DataSource) {
    this.closes = new PeriodCloseRepository(db);
  }

  // the team's frozen cards of the periods that ended with the week, by scorecard
  private async frozenOf(team: TeamRef, week: ReviewWeek): Promise<Map<string, FrozenScorecard>> {
    const frozen = await this.closes.frozenEndingAt(team.orgId, { level: 'team', id: team.teamId }, week.end);
    return new Map(frozen.map((f) => [f.content.scorecard, f]));
  }

  async teamCards(team: TeamRef, week: ReviewWeek): Promise<ResultCard[]> {
    const end = new Date(week.end).toISOString();
    const frozen = await this.frozenOf(team, week);
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
    const live = rows.flatMap((row) => {
      const stored = frozen.get(row.card.score.scorecard);
      if (stored !== undefined) return [frozenCard(stored, row.card)];
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
    const shown = new Set(live.map((c) => c.scorecard));
    const unmatched = [...frozen.values()].filter((f) => !shown.has(f.content.scorecard)).map((f) => frozenCard(f));
    return [...live, ...unmatched].sort((a, b) => a.scorecard.localeCompare(b.scorecard));
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
    const start = new Date(week.start).toISOString();
    for (const f of (await this.frozenOf(team, week)).values()) {
      const read = f.effective.content.values.find(
        (v) => v.indicator === indicator && v.window === 'week' && v.periodStart === start,
      );
      if (read !== undefined) return read.value;
    }
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
    frozen: false,
    restatement: null,
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

// A closed period's result of record: the frozen card in effect, labelled from its live card where there
// is one (the frozen content keeps ids and figures, not names).
function frozenCard(stored: FrozenScorecard, live?: StoredScoredCard): ResultCard {
  const { content, restatement } = stored.effective;
  const labels = new Map(live?.score.kpis.map((k) => [k.kpi, k]));
  return {
    scorecard: content.scorecard,
    name: live?.scorecardName ?? { en: content.scorecard, zh: content.scorecard },
    window: live?.window ?? '',
    periodStart: Date.parse(content.periodStart),
    periodEnd: Date.parse(content.periodEnd),
    closed: true,
    frozen: true,
    restatement,
    total: content.total,
    grade: content.grade,
    kpis: content.kpis.map((k) => {
      const label = labels.get(k.kpi);
      return {
        kpi: k.kpi,
        name: label?.name ?? { en: k.kpi, zh: k.kpi },
        unit: label?.unit ?? 'number',
        direction: label?.direction ?? 'higher',
        actual: k.actual,
        target: k.target,
        score: k.score,
        status: k.status,
        redLine: k.redLine,
        projected: null,
      };
    }),
  };
}
