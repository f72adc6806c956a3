import type { CalendarWindow, DefinitionSet, Direction, IndicatorUnit } from '#libs/definitions';
import type { KpiScore } from '#libs/scoring';
import { currencyOf, directionsOf, unitsOf, zoneOf, type CardScore, type ScoredCard } from './rescore';

type Added = 'timeZone' | 'currency' | 'window' | 'scorecardName' | 'grades' | 'scoredAt' | 'closed';

// A card as read back from `scorecards.card`: rows written before cards carried their zone, currency,
// window, scorecard name, grades, scoring moment, KPI units, directions and samples lack them.
export type StoredScoredCard = Omit<ScoredCard, Added | 'score'> &
  Partial<Pick<ScoredCard, Added>> & {
    score: Omit<CardScore, 'kpis'> & {
      kpis: (KpiScore & { unit?: IndicatorUnit; direction?: Direction; sample?: number | null })[];
    };
  };

const DAY = 86_400_000;

// Fills in what an older stored card lacks, from the definitions in force: the org's zone and currency
// (org settings cannot change without a replay, so they are those the card was scored in), the
// scorecard's period, name and grades (stored cards are always of the scorecard's own period, never
// re-scored over a view window), the indicators' units and the KPIs' directions.
export function completeStoredCard(card: StoredScoredCard, definitions: DefinitionSet): ScoredCard {
  const id = card.score.scorecard;
  const versions = definitions.scorecards.filter((d) => d.id === id);
  const def =
    versions.find((d) => d.version === card.score.version) ??
    versions.reduce<(typeof versions)[number] | undefined>(
      (a, d) => (a === undefined || d.version > a.version ? d : a),
      undefined,
    );
  const unitOf = unitsOf(definitions);
  const directionOf = directionsOf(def);
  return {
    ...card,
    timeZone: card.timeZone ?? zoneOf(definitions, card.entity.orgId),
    currency: card.currency ?? currencyOf(definitions, card.entity.orgId),
    window: card.window ?? def?.period ?? calendarWindowSpanning(card.periodEnd - card.periodStart),
    scorecardName: card.scorecardName ?? def?.name ?? { en: id, zh: id },
    grades: card.grades ?? def?.grades ?? [],
    // an older row's scoring moment is not known: the period's start stands for it (pages do not show it)
    scoredAt: card.scoredAt ?? card.periodStart,
    closed: card.closed ?? false,
    score: {
      ...card.score,
      kpis: card.score.kpis.map((k) => ({
        ...k,
        unit: k.unit ?? unitOf(k.indicator),
        direction: k.direction ?? directionOf(k.kpi),
        sample: k.sample ?? null,
      })),
    },
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
