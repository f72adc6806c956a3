import type { ActionItem } from './action-item';
import { stalledDeals, type DealRecord } from './deal-funnel';
import type { PeriodResults, TeamRef } from './period-results';
import { buildReviewPack, type ReviewPack } from './review-pack';
import { previousWeek, type ReviewWeek } from './review-week';

// The funnel's figures are the seed templates' sales indicators over the week window (docs/definitions.md).
export const FUNNEL_INDICATORS = { newSqls: 'sales.sql_count', conversion: 'sales.win_rate' } as const;

export interface ReviewSources {
  results: PeriodResults;
  deals: { openAt(orgId: string, teamId: string, agents: readonly string[], asOf: number): Promise<DealRecord[]> };
  actionItems: { actionItems(orgId: string, teamId: string): Promise<ActionItem[]> };
}

// Reads a team's week (and the week before) through the ports and builds its pack.
export async function makeReviewPack(
  sources: ReviewSources,
  team: TeamRef,
  agents: readonly string[], // the team's agents (the roster of record)
  week: ReviewWeek,
  stalledDays: number,
): Promise<ReviewPack> {
  const before = previousWeek(week);
  const { results } = sources;
  const [current, previous, redLines, alerts, newSqls, previousSqls, conversion, previousConversion, deals, items] =
    await Promise.all([
      results.teamCards(team, week),
      results.teamCards(team, before),
      results.redLines(team, agents, week),
      results.alertsFired(team, agents, week),
      results.weekValue(team, FUNNEL_INDICATORS.newSqls, week),
      results.weekValue(team, FUNNEL_INDICATORS.newSqls, before),
      results.weekValue(team, FUNNEL_INDICATORS.conversion, week),
      results.weekValue(team, FUNNEL_INDICATORS.conversion, before),
      sources.deals.openAt(team.orgId, team.teamId, agents, week.end),
      sources.actionItems.actionItems(team.orgId, team.teamId),
    ]);
  return buildReviewPack({
    team,
    week,
    current,
    previous,
    redLines,
    alerts,
    funnel: {
      newSqls,
      previousSqls,
      conversion,
      previousConversion,
      stalledDays,
      stalled: stalledDeals(deals, week.end, stalledDays),
    },
    actionItems: items,
  });
}
