import type { CalendarWindow, DefinitionSet } from '#libs/definitions';
import { zoneOf, type ScoredCard } from './rescore';

type Added = 'timeZone' | 'window' | 'scorecardName';

// A card as read back from `scorecards.card`: rows written before cards carried their zone, window and
// scorecard name lack them.
export type StoredScoredCard = Omit<ScoredCard, Added> & Partial<Pick<ScoredCard, Added>>;

const DAY = 86_400_000;

// Fills in what an older stored card lacks, from the definitions in force: the org's zone (org settings
// cannot change without a replay, so it is the zone the card was scored in), and the scorecard's period
// and name (stored cards are always of the scorecard's own period, never re-scored over a view window).
export function completeStoredCard(card: StoredScoredCard, definitions: DefinitionSet): ScoredCard {
  const { timeZone, window, scorecardName } = card;
  if (timeZone !== undefined && window !== undefined && scorecardName !== undefined)
    return { ...card, timeZone, window, scorecardName };
  const id = card.score.scorecard;
  const versions = definitions.scorecards.filter((d) => d.id === id);
  const def =
    versions.find((d) => d.version === card.score.version) ??
    versions.reduce<(typeof versions)[number] | undefined>(
      (a, d) => (a === undefined || d.version > a.version ? d : a),
      undefined,
    );
  return {
    ...card,
    timeZone: timeZone ?? zoneOf(definitions, card.entity.orgId),
    window: window ?? def?.period ?? calendarWindowSpanning(card.periodEnd - card.periodStart),
    scorecardName: scorecardName ?? def?.name ?? { en: id, zh: id },
  };
}

// a scorecard no longer defined: its calendar period told by its length (a DST day is 23 to 25 hours)
function calendarWindowSpanning(ms: number): CalendarWindow {
  if (ms < 2 * DAY) return 'day';
  if (ms < 8 * DAY) return 'week';
  if (ms < 32 * DAY) return 'month';
  if (ms < 93 * DAY) return 'quarter';
  return 'year';
}
