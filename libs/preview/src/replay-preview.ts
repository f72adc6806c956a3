import {
  orgSettingsFor,
  scorecardsInForce,
  type DefinitionSet,
  type Level,
  type ScorecardDef,
} from '#libs/definitions';
import { scoreCardAt, scoreClosedCard, type CardAt, type CardContext, type ReadActual } from '#libs/evaluation';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine, type EntityRef } from '#libs/indicators';
import { DAY_MS, dateOfDayNumber, formatLocal, localDayNumber, periodOfInstant } from '#libs/time';
import { diffScorecards, type PeriodCard, type PreviewPeriod, type ScorecardDiff } from './scorecard-diff';

// An org's events timed in [fromMs, toMs), from the event log.
export interface EventRange {
  orgId: string;
  fromMs: number;
  toMs: number;
}

// Where the preview reads the events it replays (the Postgres log, libs/postgres): how many there are,
// then page by page, so memory holds one page and the caller's event loop breathes between pages.
export interface PreviewEvents {
  count(range: EventRange): Promise<number>;
  pages(range: EventRange): AsyncIterable<readonly CanonicalEvent[]>;
}

export interface PreviewInput {
  orgId: string;
  published: DefinitionSet; // the definitions in force for the org
  draft: DefinitionSet; // the same indicators and orgs (the caller refuses others), other scorecards
  asOfMs: number;
  days?: number; // replay this many days back; default: each scorecard's current and previous period
  events: PreviewEvents;
  moversLimit?: number;
  onProgress?: (progress: PreviewProgress) => void;
  signal?: AbortSignal; // the caller went away: stop between pages
}

export interface PreviewProgress {
  events: number; // replayed so far
  total: number; // to replay
}

export interface PreviewReport {
  orgId: string;
  asOf: string; // local time in the org's zone
  from: string; // the replay's first instant
  replayed: { events: number; rejected: number; first: string | null; last: string | null };
  scorecards: (ScorecardDiff & { covered: boolean })[]; // covered: the replay starts at or before the period
}

// The what-if preview (docs/definitions.md): the org's events of the replay window folded once, as
// `evaluate` folds them (no lateness, the log already unique by (source, id)), and scored twice, under
// the published scorecards and under the draft's. A scorecard's current period is scored as `evaluate`
// scores it at the preview's moment; its previous period as `close` freezes it, from the events timed
// before its end, read when the replay reaches that end. Events are read range by range between those
// ends, so one pass over the window is enough; the result does not depend on the order within a range.
export async function replayPreview(input: PreviewInput): Promise<PreviewReport> {
  const { orgId, published, draft, asOfMs, events } = input;
  if (JSON.stringify(published.indicators) !== JSON.stringify(draft.indicators)) {
    throw new Error('the draft changes indicators: a preview folds the events once, under one set of indicators');
  }
  const settings = orgSettingsFor(published.orgs, orgId);
  const timeZone = settings?.timeZone ?? 'UTC';
  const context: CardContext = {
    org: { timeZone, calendar: settings?.calendar },
    indicators: new Map(published.indicators.map((i) => [i.id, i])),
  };
  const dateOf = (ms: number): string => dateOfDayNumber(localDayNumber(timeZone, ms));
  const sides = { before: published, after: draft };
  const current = {
    before: scorecardsInForce(published, dateOf(asOfMs)),
    after: scorecardsInForce(draft, dateOf(asOfMs)),
  };

  // each scorecard's current period starts where its previous one ends
  const ends = new Set<number>();
  let earliest = asOfMs;
  for (const def of [...current.before, ...current.after]) {
    const { start } = periodOfInstant(def.period, timeZone, asOfMs);
    ends.add(start);
    earliest = Math.min(earliest, periodOfInstant(def.period, timeZone, start - 1).start);
  }
  const fromMs = input.days === undefined ? earliest : asOfMs - input.days * DAY_MS;
  const boundaries = [...ends].filter((end) => end > fromMs).sort((a, b) => a - b);

  // only the indicators a card reads: the others cannot change a card, and cost as much to fold
  const read = new Set([...current.before, ...current.after].flatMap((d) => d.kpis.map((k) => k.indicator)));
  const engine = new IndicatorEngine(
    published.indicators.filter((i) => read.has(i.id)),
    published.orgs,
    { ignoreLateness: true, dedup: false },
  );
  // when each team and agent last had an event (payload ids, as `close` finds a period's population)
  const lastSeen: Record<Level, Map<string, number>> = { org: new Map(), team: new Map(), agent: new Map() };
  const cards = { before: [] as PeriodCard[], after: [] as PeriodCard[] };
  const startsAt = new Map<string, number>(); // each (scorecard, period, local start)'s start, UTC ms
  const replayed = { events: 0, rejected: 0, first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY };
  const total = await events.count({ orgId, fromMs, toMs: asOfMs + 1 });
  input.onProgress?.({ events: 0, total });

  const edges = [fromMs, ...boundaries, asOfMs + 1];
  for (let i = 0; i + 1 < edges.length; i++) {
    const range = { orgId, fromMs: edges[i] as number, toMs: edges[i + 1] as number };
    for await (const page of events.pages(range)) {
      input.signal?.throwIfAborted();
      for (const event of page) {
        const timeMs = Date.parse(event.time);
        if (engine.fold(event, timeMs).status === 'rejected') replayed.rejected++;
        replayed.first = Math.min(replayed.first, timeMs);
        replayed.last = Math.max(replayed.last, timeMs);
        const { orgId: org, teamId, agentId } = event.data;
        seen(lastSeen.org, org, timeMs);
        if (typeof teamId === 'string') seen(lastSeen.team, teamId, timeMs);
        if (typeof agentId === 'string') seen(lastSeen.agent, agentId, timeMs);
      }
      replayed.events += page.length;
      input.onProgress?.({ events: replayed.events, total });
    }
    const end = range.toMs;
    if (!ends.has(end)) continue;
    engine.advanceTo(end - 1);
    for (const side of ['before', 'after'] as const) {
      for (const def of current[side]) {
        if (periodOfInstant(def.period, timeZone, asOfMs).start !== end) continue;
        // the version in force on the previous period's last day, as closed then
        const then = scorecardsInForce(sides[side], dateOf(end - 1)).find((d) => d.id === def.id);
        if (then === undefined) continue;
        const period = periodOfInstant(then.period, timeZone, end - 1);
        if (period.end !== end) continue; // the period itself changed between the versions
        for (const entity of population(then, period.start)) {
          const card = scoreClosedCard(then, end, context, readFrom(entity));
          cards[side].push(periodCard(then, 'previous', card, entity));
        }
      }
    }
  }

  engine.advanceTo(asOfMs);
  for (const side of ['before', 'after'] as const) {
    for (const def of current[side]) {
      for (const entity of sortedEntities(def.level)) {
        const card = scoreCardAt(def, asOfMs, context, readFrom(entity));
        cards[side].push(periodCard(def, 'current', card, entity));
      }
    }
  }

  const scorecards = diffScorecards(cards.before, cards.after, input.moversLimit).map((diff) => ({
    ...diff,
    covered: (startsAt.get(`${diff.scorecard}|${diff.period}|${diff.periodStart}`) ?? fromMs) >= fromMs,
  }));
  return {
    orgId,
    asOf: formatLocal(timeZone, asOfMs),
    from: formatLocal(timeZone, fromMs),
    replayed: {
      events: replayed.events,
      rejected: replayed.rejected,
      first: replayed.events === 0 ? null : formatLocal(timeZone, replayed.first),
      last: replayed.events === 0 ? null : formatLocal(timeZone, replayed.last),
    },
    scorecards,
  };

  // the engine's clock is at the moment scored: its current values are the periods holding it
  function readFrom(entity: EntityRef): ReadActual {
    return (indicator, window) => engine.value(indicator, entity, window)?.value ?? null;
  }

  function sortedEntities(level: Level): EntityRef[] {
    return engine.entities(level, orgId).sort((a, b) => byId.compare(a.id, b.id));
  }

  // the entities of the card's level with an event in the period (the replay has not passed its end)
  function population(def: ScorecardDef, periodStart: number): EntityRef[] {
    return sortedEntities(def.level).filter((e) => (lastSeen[e.level].get(e.id) ?? -Infinity) >= periodStart);
  }

  function periodCard(def: ScorecardDef, period: PreviewPeriod, card: CardAt, entity: EntityRef): PeriodCard {
    const periodStart = formatLocal(timeZone, card.periodStart);
    startsAt.set(`${def.id}|${period}|${periodStart}`, card.periodStart);
    return {
      scorecard: def.id,
      period,
      periodStart,
      periodEnd: formatLocal(timeZone, card.periodEnd),
      entity: { level: entity.level, id: entity.id },
      score: card.score,
    };
  }
}

const byId = new Intl.Collator('en', { numeric: true });

function seen(last: Map<string, number>, id: string, timeMs: number): void {
  const before = last.get(id);
  if (before === undefined || timeMs > before) last.set(id, timeMs);
}
