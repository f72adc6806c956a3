import type { DefinitionSet, ScorecardDef } from './model';

// The version in force on a date (YYYY-MM-DD): the latest effectiveFrom ≤ the date. ISO dates
// compare as strings; on a tie (which validation rejects) the higher version wins.
export function selectScorecardVersion(
  set: DefinitionSet,
  scorecardId: string,
  asOfDate: string,
): ScorecardDef | undefined {
  let best: ScorecardDef | undefined;
  for (const candidate of set.scorecards) {
    if (candidate.id !== scorecardId || candidate.effectiveFrom > asOfDate) continue;
    if (
      best === undefined ||
      candidate.effectiveFrom > best.effectiveFrom ||
      (candidate.effectiveFrom === best.effectiveFrom && candidate.version > best.version)
    ) {
      best = candidate;
    }
  }
  return best;
}

// One version per scorecard id, in the order the ids first appear; ids not yet in force are left out.
export function scorecardsInForce(set: DefinitionSet, asOfDate: string): ScorecardDef[] {
  const ids = [...new Set(set.scorecards.map((s) => s.id))];
  const inForce: ScorecardDef[] = [];
  for (const id of ids) {
    const version = selectScorecardVersion(set, id, asOfDate);
    if (version !== undefined) inForce.push(version);
  }
  return inForce;
}
