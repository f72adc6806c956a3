import type { AgentProfile } from './agent-profile';
import type { ManualCadence, ManualIndicatorSpec } from './simulation-options';
import type { SimAgent, SimulationContext } from './simulation-context';
import { REVIEW_COMMENTS, SOURCES } from './vocabulary';
import { DAY_MS, HOUR_MS, weekdayOf } from './zone-clock';
import { assertNever } from './assert-never';

export interface SimTeam {
  orgId: string;
  teamId: string;
  agents: readonly SimAgent[];
  // the reviewer who scores the team and its agents
  reviewerId: string;
}

// Reviews happen on Fridays (week) or on the last weekday of the month (month).
export function isReviewDay(day: number, cadence: ManualCadence): boolean {
  const weekday = weekdayOf(day);
  switch (cadence) {
    case 'week':
      return weekday === 5;
    case 'month': {
      if (weekday === 0 || weekday === 6) return false;
      const month = new Date(day * DAY_MS).getUTCMonth();
      // the next weekday is at most three days away (Friday → Monday)
      const nextWeekday = day + (weekday === 5 ? 3 : 1);
      return new Date(nextWeekday * DAY_MS).getUTCMonth() !== month;
    }
    default:
      return assertNever(cadence, 'cadence');
  }
}

function scoreOf(ctx: SimulationContext, spec: ManualIndicatorSpec, skill: number): number {
  const [lo, hi] = spec.scale ?? [0, 100];
  const { rng } = ctx;
  let value: number;
  if (spec.target === undefined) {
    value = lo + (hi - lo) * Math.max(0.6, Math.min(1, 0.62 + 0.34 * skill + 0.05 * rng.normal()));
  } else if (spec.target === 0) {
    // "= 0" targets are counts of incidents: most periods have none
    value = rng.chance(0.15 * (1 - skill)) ? 1 : 0;
  } else {
    const spread = 0.05 * rng.normal();
    const factor = spec.direction === 'lower' ? 1.2 - 0.3 * skill + spread : 0.82 + 0.3 * skill + spread;
    value = spec.target * factor;
  }
  value = Math.max(lo, Math.min(hi, value));
  return spec.integer === true ? Math.round(value) : Math.round(value * 10_000) / 10_000;
}

function averageSkill(profiles: readonly AgentProfile[]): number {
  return profiles.reduce((sum, profile) => sum + profile.skill, 0) / Math.max(1, profiles.length);
}

// Every agent and team of `team` gets one kpi.manual_score per indicator, in the afternoon of `day`.
export function scheduleManualScores(
  ctx: SimulationContext,
  team: SimTeam,
  day: number,
  indicators: readonly ManualIndicatorSpec[],
): void {
  const { rng } = ctx;
  const { orgId, teamId, reviewerId } = team;
  const afternoon = ctx.clock.startOfDay(day) + 14 * HOUR_MS;
  const at = (): number => afternoon + Math.floor(rng.next() * 4 * 3600) * 1000;
  const comment = (): { comment?: string } => (rng.chance(0.3) ? { comment: rng.pick(REVIEW_COMMENTS) } : {});
  for (const spec of indicators) {
    const indicator = spec.id;
    for (const agent of team.agents) {
      const value = scoreOf(ctx, spec, agent.profile.skill);
      ctx.schedule(at(), SOURCES.reviews, 'kpi.manual_score', agent.agentId, {
        orgId,
        teamId,
        agentId: agent.agentId,
        indicator,
        value,
        reviewerId,
        ...comment(),
      });
    }
    const value = scoreOf(ctx, spec, averageSkill(team.agents.map((agent) => agent.profile)));
    ctx.schedule(at(), SOURCES.reviews, 'kpi.manual_score', teamId, {
      orgId,
      teamId,
      indicator,
      value,
      reviewerId,
      ...comment(),
    });
  }
}
