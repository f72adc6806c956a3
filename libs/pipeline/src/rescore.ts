import {
  orgSettingsFor,
  scorecardsInForce,
  type DefinitionSet,
  type Direction,
  type GradeDef,
  type IndicatorDef,
  type IndicatorUnit,
  type Localized,
  isRolling,
  type CalendarWindow,
  type OrgSettings,
  type ScorecardDef,
  type WindowName,
} from '#libs/definitions';
import { scoreCardAt, scoreClosedCard } from '#libs/evaluation';
import { emptyReading, entityKey, valueRowKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import type { KpiScore, ScorecardScore } from '#libs/scoring';
import { dateOfDayNumber, localDayNumber } from '#libs/time';
import type { DefinitionsFor } from './definitions-registry';

export interface ScoredCard {
  entity: EntityRef;
  periodStart: number;
  periodEnd: number; // exclusive
  timeZone: string; // the org's, IANA: the calendar the period's dates are read in
  currency: string; // the org's reporting currency (ISO 4217): every amount on the card is in it
  window: WindowName; // the scorecard's period ('month'…), or the view window it was re-scored over
  scorecardName: Localized;
  grades: readonly GradeDef[]; // the scorecard's, best first: a page tells the points to the next grade
  score: CardScore;
  scoredAt: number; // the org's event-time clock the card was scored at (a closed period: its last instant)
  closed: boolean; // the period's final scoring, every KPI on its full target
}

// A KPI's line on a card carries its indicator's unit (ratio, seconds, amount…), for the page's formats,
// its direction, so a page colours a change as better or worse, and the number of events behind its
// actual (the value's denominator, or its count; null for a value not counted from events), so that an
// alert does not fire on a handful of tickets.
export type CardKpi = KpiScore & { unit: IndicatorUnit; direction: Direction; sample: number | null };
export type CardScore = Omit<ScorecardScore, 'kpis'> & { kpis: CardKpi[] };

type IndicatorsById = ReadonlyMap<string, IndicatorDef>;

// the indicators of a definition set by id, built once per set
const indicatorMaps = new WeakMap<DefinitionSet, IndicatorsById>();
function indicatorsOf(definitions: DefinitionSet): IndicatorsById {
  let byId = indicatorMaps.get(definitions);
  if (byId === undefined)
    indicatorMaps.set(definitions, (byId = new Map(definitions.indicators.map((i) => [i.id, i]))));
  return byId;
}

// the units of the indicators, by id ('number' for one not defined: validation keeps that from happening)
export function unitsOf(definitions: DefinitionSet): (indicator: string) => IndicatorUnit {
  const units = new Map(definitions.indicators.map((i) => [i.id, i.unit]));
  return (indicator) => units.get(indicator) ?? 'number';
}

type OrgCalendar = Pick<OrgSettings, 'timeZone' | 'calendar'>;

// The org's time zone (UTC for an org without settings, as the engine does).
export const zoneOf = (definitions: DefinitionSet, orgId: string): string =>
  orgSettingsFor(definitions.orgs, orgId)?.timeZone ?? 'UTC';

// The org's reporting currency; '' for an org without settings (whose events are refused: unknown_org).
export const currencyOf = (definitions: DefinitionSet, orgId: string): string =>
  orgSettingsFor(definitions.orgs, orgId)?.currency ?? '';

// the KPIs' directions of a scorecard, by KPI id
export const directionsOf =
  (def: ScorecardDef | undefined) =>
  (kpi: string): Direction =>
    def?.kpis.find((k) => k.id === kpi)?.direction ?? 'higher';

// The org's time zone and working-day calendar (pace by working days where it has one).
const calendarOf = (definitions: DefinitionSet, orgId: string): OrgCalendar => ({
  timeZone: zoneOf(definitions, orgId),
  calendar: orgSettingsFor(definitions.orgs, orgId)?.calendar,
});

// The moment scorecards are scored at: one for every org, or each org's own clock (the engine keeps a
// clock per org, and an org's current periods are those holding its clock).
export type ScoringClock = number | ((orgId: string) => number);

export interface ValuesReader {
  // the stored values of these entities, in one read
  valuesOf(entities: readonly EntityRef[]): Promise<IndicatorValue[]>;
}

const clockAt = (clock: ScoringClock, orgId: string): number => (typeof clock === 'number' ? clock : clock(orgId));

// A calendar period that closed no more than one period of its own length before the clock: its values
// are still held for scoring (ValuesCache), so the late changes and the final values the engine sends at
// its close re-score it on its full target. Older periods are let go.
export function closedRecently(v: IndicatorValue, clock: number): boolean {
  return v.periodEnd <= clock && clock < v.periodEnd + (v.periodEnd - v.periodStart);
}

// An entity touched by changes, in the periods holding its org's clock or in one that has closed.
interface Touch {
  entity: EntityRef;
  indicators: Set<string> | 'all';
  closed?: { window: CalendarWindow; end: number };
}

// the entities changes touch, each once per key, with the indicators that changed
function touchedBy(
  changes: readonly IndicatorValue[],
  keyOf: (c: IndicatorValue) => string | undefined,
  closedOf: (c: IndicatorValue) => Touch['closed'],
): Touch[] {
  const touched = new Map<string, Touch & { indicators: Set<string> }>();
  for (const c of changes) {
    const key = keyOf(c);
    if (key === undefined) continue;
    let t = touched.get(key);
    if (t === undefined) {
      t = { entity: c.entity, indicators: new Set<string>() };
      const closed = closedOf(c);
      if (closed !== undefined) t.closed = closed;
      touched.set(key, t);
    }
    t.indicators.add(c.indicator);
  }
  return [...touched.values()];
}

// Re-scores the scorecards that changed indicator values touch: the periods a change closed recently, as
// closed (rescoreClosed), then the periods holding the org's clock, with the definitions in force for
// the entity's org, from the stored values of each touched entity. The current cards come last, so they
// are the last pushed.
export async function rescore(
  changes: readonly IndicatorValue[],
  clock: ScoringClock,
  definitions: DefinitionsFor,
  values: ValuesReader,
): Promise<ScoredCard[]> {
  const closed = await rescoreClosed(changes, clock, definitions, values);
  const current = touchedBy(
    changes,
    (c) => entityKey(c.entity),
    () => undefined,
  );
  return [...closed, ...(await scoreTouched(current, clock, definitions, values))];
}

// The scorecards of the calendar periods that changes show closed recently (a late event, or the final
// values the engine sends at a close), scored as closed: every KPI on its full target, no pace.
export async function rescoreClosed(
  changes: readonly IndicatorValue[],
  clock: ScoringClock,
  definitions: DefinitionsFor,
  values: ValuesReader,
): Promise<ScoredCard[]> {
  const touched = touchedBy(
    changes,
    (c) =>
      !isRolling(c.window) && closedRecently(c, clockAt(clock, c.entity.orgId))
        ? `${entityKey(c.entity)}|${c.window}|${c.periodEnd}`
        : undefined,
    (c) => (isRolling(c.window) ? undefined : { window: c.window, end: c.periodEnd }),
  );
  return touched.length === 0 ? [] : scoreTouched(touched, clock, definitions, values);
}

// The cards of these entities for the calendar period of `window` ending at `end`, scored as closed
// (the scorecards then in force of that period): what a period close freezes.
export async function scoreClosedPeriod(
  entities: readonly EntityRef[],
  closed: { window: CalendarWindow; end: number },
  clock: ScoringClock,
  definitions: DefinitionsFor,
  values: ValuesReader,
): Promise<ScoredCard[]> {
  return scoreTouched(
    entities.map((entity) => ({ entity, indicators: 'all' as const, closed })),
    clock,
    definitions,
    values,
  );
}

// The periods a scorecard page can switch to: the scorecard scored on the values of another window
// (this week so far against the monthly targets, say). Its period is then that window's.
export const VIEW_WINDOWS = ['rolling:24h', 'week', 'month', 'quarter'] as const;
export type ViewWindow = (typeof VIEW_WINDOWS)[number];

// Re-scores every scorecard in force of these entities: after a new definitions version is published;
// or, `over` a window instead of the KPIs' own, for a page's period switcher.
export async function rescoreEntities(
  entities: readonly EntityRef[],
  clock: ScoringClock,
  definitions: DefinitionsFor,
  values: ValuesReader,
  over?: ViewWindow,
): Promise<ScoredCard[]> {
  return scoreTouched(
    entities.map((entity) => ({ entity, indicators: 'all' as const })),
    clock,
    definitions,
    values,
    over,
  );
}

async function scoreTouched(
  touched: readonly Touch[],
  clock: ScoringClock,
  definitionsFor: DefinitionsFor,
  values: ValuesReader,
  over?: ViewWindow,
): Promise<ScoredCard[]> {
  const work: {
    entity: EntityRef;
    at: number;
    org: OrgCalendar;
    currency: string;
    cards: ScorecardDef[];
    indicators: IndicatorsById;
    closed: boolean;
  }[] = [];
  for (const { entity, indicators, closed } of touched) {
    // each org's own scorecards (its published version); indicators and orgs are every org's
    const definitions = definitionsFor(entity.orgId);
    // a closed period is scored as of its last instant, with the scorecards then in force of that period
    const at = closed === undefined ? clockAt(clock, entity.orgId) : closed.end - 1;
    const org = calendarOf(definitions, entity.orgId);
    const cards = scorecardsInForce(definitions, dateOfDayNumber(localDayNumber(org.timeZone, at))).filter(
      (def) =>
        def.level === entity.level &&
        (closed === undefined || def.period === closed.window) &&
        (indicators === 'all' || def.kpis.some((k) => indicators.has(k.indicator))),
    );
    const currency = currencyOf(definitions, entity.orgId);
    if (cards.length > 0)
      work.push({
        entity,
        at,
        org,
        currency,
        cards,
        indicators: indicatorsOf(definitions),
        closed: closed !== undefined,
      });
  }
  if (work.length === 0) return [];
  // an entity's values by indicator, window and period, for one lookup per KPI
  const byEntity = new Map<string, Map<string, IndicatorValue>>();
  for (const v of await values.valuesOf(work.map((w) => w.entity))) {
    const key = entityKey(v.entity);
    let rows = byEntity.get(key);
    if (rows === undefined) byEntity.set(key, (rows = new Map<string, IndicatorValue>()));
    rows.set(valueRowKey(v.indicator, v.window, v.periodStart), v);
  }
  const none = new Map<string, IndicatorValue>();
  const out: ScoredCard[] = [];
  for (const { entity, at, org, currency, cards, indicators, closed } of work) {
    const stored = byEntity.get(entityKey(entity)) ?? none;
    for (const def of cards)
      out.push(scoreOne(def, entity, at, { org, currency }, stored, closed ? 'closed' : over, indicators));
  }
  return out;
}

function scoreOne(
  def: ScorecardDef,
  entity: EntityRef,
  at: number,
  { org, currency }: { org: OrgCalendar; currency: string },
  stored: ReadonlyMap<string, IndicatorValue>,
  over: ViewWindow | 'closed' | undefined,
  indicators: IndicatorsById,
): ScoredCard {
  // no row: nothing was counted for the entity in that period (a count reads 0, a ratio no data)
  const samples = new Map<string, number | null>();
  const read = (indicator: string, window: WindowName, start: number): number | null => {
    const row = stored.get(valueRowKey(indicator, window, start));
    samples.set(`${indicator}|${window}`, row === undefined ? 0 : (row.denominator ?? row.numerator));
    if (row !== undefined) return row.value;
    const measure = indicators.get(indicator)?.measure;
    return measure === undefined ? null : emptyReading(measure).value;
  };
  const context = { org, indicators };
  // `at` is then the closed period's last instant
  const card =
    over === 'closed' ? scoreClosedCard(def, at + 1, context, read) : scoreCardAt(def, at, context, read, over);
  const direction = directionsOf(def);
  const windowOf = new Map(def.kpis.map((k) => [k.id, over === undefined || over === 'closed' ? k.window : over]));
  const kpis = card.score.kpis.map((k) => ({
    ...k,
    unit: indicators.get(k.indicator)?.unit ?? 'number',
    direction: direction(k.kpi),
    sample: samples.get(`${k.indicator}|${windowOf.get(k.kpi) ?? ''}`) ?? null,
  }));
  return {
    entity,
    timeZone: org.timeZone,
    currency,
    window: card.window,
    scorecardName: def.name,
    grades: def.grades,
    periodStart: card.periodStart,
    periodEnd: card.periodEnd,
    score: { ...card.score, kpis },
    scoredAt: at,
    closed: over === 'closed',
  };
}
