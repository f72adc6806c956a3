import { isReviewDay } from './manual-scores';
import type { SimulationOptions } from './simulation-options';
import { resolveOptions } from './simulation-options';
import { DAILY_ORIGINS, EVENTS_PER_ORIGIN, isWeekend, ORIGIN_KINDS, WEEKEND_FACTOR } from './workload';
import { weekdayOf } from './zone-clock';

// The expected number of lines simulate() yields for these options (within a few per cent on
// long runs; follow-ups falling after the period make short runs a little smaller). For progress bars.
export function estimateTotal(options: SimulationOptions): number {
  const resolved = resolveOptions(options);
  const teams = resolved.orgs * resolved.teamsPerOrg;
  const agents = teams * resolved.agentsPerTeam;
  const perWeekday = ORIGIN_KINDS.reduce((sum, kind) => sum + DAILY_ORIGINS[kind] * EVENTS_PER_ORIGIN[kind], 0);
  let events = 0;
  for (let day = resolved.startDay; day < resolved.startDay + resolved.days; day++) {
    events += agents * perWeekday * (isWeekend(weekdayOf(day)) ? WEEKEND_FACTOR : 1);
    if (resolved.manualIndicators.length > 0 && isReviewDay(day, resolved.manualCadence)) {
      events += (agents + teams) * resolved.manualIndicators.length;
    }
  }
  return Math.round(events * (1 + resolved.duplicateRate + resolved.invalidRate));
}
