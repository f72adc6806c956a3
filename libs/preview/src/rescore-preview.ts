import type { FrozenContent } from '#libs/close';
import {
  isRolling,
  orgSettingsFor,
  scorecardsInForce,
  type DefinitionSet,
  type ScorecardDef,
  type WindowName,
} from '#libs/definitions';
import { scoreCardAt, scoreClosedCard, type CardContext, type ReadActual } from '#libs/evaluation';
import { emptyReading, entityKey, valueRowKey, type EntityRef, type IndicatorValue } from '#libs/indicators';
import { DAY_MS, dateOfDayNumber, formatLocal, localDayNumber, periodOfInstant, type Period } from '#libs/time';
import { diffScorecards, type PeriodCard, type PreviewPeriod, type ScorecardDiff } from './scorecard-diff';

// An indicator's window a card reads.
export interface ValueRead {
  indicator: string;
  window: WindowName;
}

// Where the preview reads what the pipeline stored (libs/postgres PreviewStore): the indicator values it
// keeps per entity, window and period (never pruned), and the cards frozen at each period close.
export interface PreviewStore {
  // every entity of the org with a stored value: those a publish re-scores
  entities(orgId: string): Promise<EntityRef[]>;
  // the org's stored values of these windows: of the calendar periods ending after fromMs, and rolling
  values(orgId: string, reads: readonly ValueRead[], fromMs: number): Promise<IndicatorValue[]>;
  // the frozen cards of these periods of the org's scorecards (none for a period not closed)
  frozen(orgId: string, periods: readonly { scorecard: string; periodStart: number }[]): Promise<FrozenContent[]>;
}

export interface PreviewInput {
  orgId: string;
  published: DefinitionSet; // the definitions in force for the org
  draft: DefinitionSet; // the same indicators and orgs (the caller refuses others), other scorecards
  asOfMs: number;
  days?: number; // also every closed period ending in the last `days`; default: the current and previous one
  store: PreviewStore;
  moversLimit?: number;
  onProgress?: (progress: PreviewProgress) => void;
  signal?: AbortSignal; // the caller went away: stop between entities
}

export interface PreviewProgress {
  entities: number; // scored so far
  total: number; // to score
}

export interface PreviewReport {
  orgId: string;
  asOf: string; // local time in the org's zone
  from: string; // the start of the earliest period previewed
  scored: { entities: number; cards: number }; // cards: under both sides
  // closed: read from the period's frozen cards; covered: every actual read is the period's own
  scorecards: (ScorecardDiff & { closed: boolean; covered: boolean })[];
}

// One scorecard period to score on one side.
interface Item {
  def: ScorecardDef;
  label: PreviewPeriod;
  period: Period;
}

// Entities scored between two yields to the event loop (progress, a caller that went away).
const CHUNK = 250;

// The what-if preview (docs/definitions.md): the draft may change scorecards only, so the indicator
// values are the same under both sides, and the pipeline has them stored. Each scorecard's current
// period is scored at the preview's moment from the stored values, as the scoring service re-scores
// every stored entity after a publish (and as `evaluate` scores the same events); each closed period
// before it as `close` froze it: from the values its frozen cards read, over their entities, else (not
// closed yet) from the stored values of the period, over the entities with a value in it. No event is
// read again: the event log's retention does not limit the preview.
export async function previewFromStore(input: PreviewInput): Promise<PreviewReport> {
  const { orgId, published, draft, asOfMs, store } = input;
  if (JSON.stringify(published.indicators) !== JSON.stringify(draft.indicators)) {
    throw new Error('the draft changes indicators: a preview re-scores the values stored under the published ones');
  }
  const settings = orgSettingsFor(published.orgs, orgId);
  const timeZone = settings?.timeZone ?? 'UTC';
  const indicators = new Map(published.indicators.map((i) => [i.id, i]));
  const context: CardContext = { org: { timeZone, calendar: settings?.calendar }, indicators };
  const dateOf = (ms: number): string => dateOfDayNumber(localDayNumber(timeZone, ms));
  const cutoff = input.days === undefined ? undefined : asOfMs - input.days * DAY_MS;

  // each scorecard's current period, and the closed ones before it: the previous one, and those ending
  // after the cutoff, each with the version in force on its last day
  const itemsOf = (set: DefinitionSet): Item[] => {
    const items: Item[] = [];
    for (const def of scorecardsInForce(set, dateOf(asOfMs))) {
      const current = periodOfInstant(def.period, timeZone, asOfMs);
      items.push({ def, label: 'current', period: current });
      for (let end = current.start, label: PreviewPeriod = 'previous'; ; label = 'earlier') {
        const then = scorecardsInForce(set, dateOf(end - 1)).find((d) => d.id === def.id);
        if (then === undefined) break;
        const period = periodOfInstant(then.period, timeZone, end - 1);
        if (period.end !== end) break; // the period itself changed between the versions
        items.push({ def: then, label, period });
        end = period.start;
        if (cutoff === undefined || end <= cutoff) break;
      }
    }
    return items;
  };
  const sides = { before: itemsOf(published), after: itemsOf(draft) };
  const all = [...sides.before, ...sides.after];
  const fromMs = Math.min(asOfMs, ...all.map((i) => i.period.start));
  const reads = new Map<string, ValueRead>();
  for (const { def } of all)
    for (const k of def.kpis) reads.set(`${k.indicator}|${k.window}`, { indicator: k.indicator, window: k.window });
  const closedPeriods = new Map<string, { scorecard: string; periodStart: number }>();
  for (const { def, label, period } of all)
    if (label !== 'current')
      closedPeriods.set(periodKey(def.id, period.start), { scorecard: def.id, periodStart: period.start });

  const [entities, values, frozen] = await Promise.all([
    store.entities(orgId),
    store.values(orgId, [...reads.values()], fromMs),
    store.frozen(orgId, [...closedPeriods.values()]),
  ]);
  input.signal?.throwIfAborted();

  // each entity's stored values by indicator, window and period
  const stored = new Map<string, Map<string, IndicatorValue>>();
  const byKey = new Map(entities.map((e) => [entityKey(e), e]));
  for (const v of values) {
    const key = entityKey(v.entity);
    if (!byKey.has(key)) byKey.set(key, v.entity);
    let rows = stored.get(key);
    if (rows === undefined) stored.set(key, (rows = new Map<string, IndicatorValue>()));
    rows.set(valueRowKey(v.indicator, v.window, v.periodStart), v);
  }
  // the frozen cards by period, then by entity, with the values each read
  const frozenOf = new Map<string, Map<string, Map<string, number | null>>>();
  for (const f of frozen) {
    const entity = { level: f.entity.level, id: f.entity.id, orgId: f.entity.orgId };
    const key = entityKey(entity);
    if (!byKey.has(key)) byKey.set(key, entity);
    const period = periodKey(f.scorecard, Date.parse(f.periodStart));
    let cards = frozenOf.get(period);
    if (cards === undefined) frozenOf.set(period, (cards = new Map<string, Map<string, number | null>>()));
    cards.set(
      key,
      new Map(
        f.values.map((v) => [
          valueRowKey(v.indicator, v.window, v.periodStart === null ? Number.NaN : Date.parse(v.periodStart)),
          v.value,
        ]),
      ),
    );
  }

  const cards = { before: [] as PeriodCard[], after: [] as PeriodCard[] };
  const uncovered = new Set<string>(); // groups with an actual read from another moment than their own
  const none = new Map<string, IndicatorValue>();
  const population = [...byKey.values()].sort(
    (a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || byId.compare(a.id, b.id),
  );
  const total = population.length;
  input.onProgress?.({ entities: 0, total });
  for (let n = 0; n < total; n++) {
    const entity = population[n] as EntityRef;
    const key = entityKey(entity);
    const rows = stored.get(key) ?? none;
    for (const side of ['before', 'after'] as const) {
      for (const { def, label, period } of sides[side]) {
        if (def.level !== entity.level) continue;
        if (label === 'current') {
          const card = scoreCardAt(def, asOfMs, context, readStored(rows));
          cards[side].push(periodCard(def, label, card.periodStart, card.periodEnd, entity, card.score));
          continue;
        }
        const closed = frozenOf.get(periodKey(def.id, period.start));
        const read = closed?.get(key);
        if (closed === undefined ? !readsIn(def, period, rows) : read === undefined) continue;
        const group = `${def.id}|${label}|${period.start}`;
        const card = scoreClosedCard(def, period.end, context, (indicator, window, start) => {
          const rowKey = valueRowKey(indicator, window, start);
          const kept = read?.get(rowKey);
          if (kept !== undefined) return kept;
          // a rolling window's stored value is its latest, not the closed period's
          if (isRolling(window)) uncovered.add(group);
          return readStored(rows)(indicator, window, start);
        });
        cards[side].push(periodCard(def, label, card.periodStart, card.periodEnd, entity, card.score));
      }
    }
    if ((n + 1) % CHUNK === 0 || n + 1 === total) {
      input.onProgress?.({ entities: n + 1, total });
      await new Promise((resolve) => setImmediate(resolve));
      input.signal?.throwIfAborted();
    }
  }

  const scorecards = diffScorecards(cards.before, cards.after, input.moversLimit).map((diff) => {
    const start = Date.parse(diff.periodStart);
    return {
      ...diff,
      closed: diff.period !== 'current' && frozenOf.has(periodKey(diff.scorecard, start)),
      covered: !uncovered.has(`${diff.scorecard}|${diff.period}|${start}`),
    };
  });
  return {
    orgId,
    asOf: formatLocal(timeZone, asOfMs),
    from: formatLocal(timeZone, fromMs),
    scored: { entities: total, cards: cards.before.length + cards.after.length },
    scorecards,
  };

  // no row: nothing was counted for the entity in that period (a count reads 0, a ratio no data), as the
  // scoring service reads its stored values
  function readStored(rows: ReadonlyMap<string, IndicatorValue>): ReadActual {
    return (indicator, window, start) => {
      const row = rows.get(valueRowKey(indicator, window, start));
      if (row !== undefined) return row.value;
      const measure = indicators.get(indicator)?.measure;
      return measure === undefined ? null : emptyReading(measure).value;
    };
  }

  // a period's population, when it has no frozen cards: the entities with a stored value the card
  // reads for it (something of theirs was counted in the period)
  function readsIn(def: ScorecardDef, period: Period, rows: ReadonlyMap<string, IndicatorValue>): boolean {
    return def.kpis.some(
      (k) =>
        !isRolling(k.window) &&
        rows.has(valueRowKey(k.indicator, k.window, periodOfInstant(k.window, timeZone, period.end - 1).start)),
    );
  }

  function periodCard(
    def: ScorecardDef,
    period: PreviewPeriod,
    start: number,
    end: number,
    entity: EntityRef,
    score: PeriodCard['score'],
  ): PeriodCard {
    return {
      scorecard: def.id,
      period,
      periodStart: formatLocal(timeZone, start),
      periodEnd: formatLocal(timeZone, end),
      entity: { level: entity.level, id: entity.id },
      score,
    };
  }
}

const LEVELS: readonly EntityRef['level'][] = ['org', 'team', 'agent'];
const byId = new Intl.Collator('en', { numeric: true });
const periodKey = (scorecard: string, start: number): string => `${scorecard}|${start}`;
