import { api } from './api';
import type { EntityRef, HistoryPoint, Period, ScoredCard } from './types';

export const entityKey = (e: EntityRef): string =>
  e.level === 'org' ? `org:${e.orgId}` : `${e.level}:${e.orgId}:${e.id}`;

export function parseEntity(key: string): EntityRef | undefined {
  const [level, orgId, id, ...rest] = key.split(':');
  if (rest.length > 0 || orgId === undefined || orgId === '') return undefined;
  if (level === 'org' && id === undefined) return { level: 'org', id: orgId, orgId };
  if ((level === 'team' || level === 'agent') && id !== undefined && id !== '') return { level, id, orgId };
  return undefined;
}

const byScorecard = (a: ScoredCard, b: ScoredCard): number => a.score.scorecard.localeCompare(b.score.scorecard);

interface Held {
  card: ScoredCard;
  at: number; // arrival order
}

// The live cards, per room as the server sent them, and merged per entity and scorecard: the newest
// period wins, then the newest arrival. A room's snapshot replaces everything that room had sent.
export class CardStore {
  private readonly rooms = new Map<string, Map<string, Held>>();
  private readonly merged = new Map<string, Map<string, ScoredCard>>();
  private arrivals = 0;
  lastChange: Date | null = null;

  snapshot(room: string, cards: readonly ScoredCard[]): Set<string> {
    const previous = this.rooms.get(room);
    const next = new Map<string, Held>();
    for (const card of cards) next.set(cardKey(card), { card, at: ++this.arrivals });
    this.rooms.set(room, next);
    const touched = new Set([...(previous?.keys() ?? []), ...next.keys()]);
    const entities = new Set<string>();
    for (const key of touched) entities.add(this.remerge(key));
    this.lastChange = new Date();
    return entities;
  }

  update(room: string, card: ScoredCard): string {
    let held = this.rooms.get(room);
    if (held === undefined) this.rooms.set(room, (held = new Map<string, Held>()));
    const key = cardKey(card);
    held.set(key, { card, at: ++this.arrivals });
    this.lastChange = new Date();
    return this.remerge(key);
  }

  private remerge(key: string): string {
    const [entity = '', scorecard = ''] = key.split('|');
    let best: Held | undefined;
    for (const held of this.rooms.values()) {
      const candidate = held.get(key);
      if (candidate === undefined) continue;
      if (
        best === undefined ||
        candidate.card.periodStart > best.card.periodStart ||
        (candidate.card.periodStart === best.card.periodStart && candidate.at > best.at)
      )
        best = candidate;
    }
    let cards = this.merged.get(entity);
    if (best === undefined) {
      cards?.delete(scorecard);
      if (cards?.size === 0) this.merged.delete(entity);
    } else {
      if (cards === undefined) this.merged.set(entity, (cards = new Map<string, ScoredCard>()));
      cards.set(scorecard, best.card);
    }
    return entity;
  }

  cards(entity: string): ScoredCard[] {
    return [...(this.merged.get(entity)?.values() ?? [])].sort(byScorecard);
  }

  // the entities a room has sent cards for, at one level, sorted by id
  entitiesIn(room: string, level: EntityRef['level']): EntityRef[] {
    const found = new Map<string, EntityRef>();
    for (const { card } of this.rooms.get(room)?.values() ?? [])
      if (card.entity.level === level) found.set(entityKey(card.entity), card.entity);
    return [...found.values()].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  }

  roomsOf(entity: string): string[] {
    const rooms: string[] = [];
    for (const [room, held] of this.rooms)
      for (const key of held.keys()) if (key.startsWith(`${entity}|`)) rooms.push(room);
    return rooms;
  }

  hasRoom(room: string): boolean {
    return this.rooms.has(room);
  }

  clear(): void {
    this.rooms.clear();
    this.merged.clear();
  }
}

const cardKey = (card: ScoredCard): string => `${entityKey(card.entity)}|${card.score.scorecard}`;

// ---- sparklines: history from the REST endpoint, then every live value appended

export interface Series {
  loaded: boolean;
  total: number[];
  kpis: Map<string, number[]>;
}

const MAX_POINTS = 40;

function push(values: number[], value: number | null): void {
  if (value === null || !Number.isFinite(value)) return;
  if (values.length > 0 && values[values.length - 1] === value) return;
  values.push(value);
  if (values.length > MAX_POINTS) values.splice(0, values.length - MAX_POINTS);
}

export class Trends {
  private readonly series = new Map<string, Series & { requested: boolean }>();

  constructor(private readonly changed: (entity: string) => void) {}

  get(entity: string, scorecard: string): Series | undefined {
    return this.series.get(`${entity}|${scorecard}`);
  }

  // fetch the history once per entity and scorecard
  ensure(entity: string, scorecard: string): void {
    const key = `${entity}|${scorecard}`;
    let entry = this.series.get(key);
    if (entry === undefined)
      this.series.set(key, (entry = { loaded: false, requested: false, total: [], kpis: new Map() }));
    if (entry.requested) return;
    entry.requested = true;
    const target = entry;
    api
      .history(entity, scorecard, 30)
      .then((points) => {
        target.loaded = true;
        this.merge(target, Array.isArray(points) ? points : []);
        this.changed(entity);
      })
      .catch(() => {
        // no history: the sparkline starts with the live values
        target.loaded = true;
        this.changed(entity);
      });
  }

  private merge(entry: Series, newestFirst: readonly HistoryPoint[]): void {
    const live = { total: entry.total, kpis: entry.kpis };
    entry.total = [];
    entry.kpis = new Map();
    // in period order, then as recorded: a late re-score of an earlier period never ends the line
    const at = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));
    const ordered = [...newestFirst]
      .reverse()
      .sort((a, b) => at(a.periodStart) - at(b.periodStart) || at(a.recordedAt) - at(b.recordedAt));
    for (const point of ordered) {
      push(entry.total, point.total);
      for (const [kpi, value] of Object.entries(point.actuals ?? {})) {
        let values = entry.kpis.get(kpi);
        if (values === undefined) entry.kpis.set(kpi, (values = []));
        push(values, value);
      }
    }
    for (const value of live.total) push(entry.total, value);
    for (const [kpi, values] of live.kpis) {
      let into = entry.kpis.get(kpi);
      if (into === undefined) entry.kpis.set(kpi, (into = []));
      for (const value of values) push(into, value);
    }
  }

  // a live update (not a snapshot): one more point per KPI whose value moved
  append(card: ScoredCard): void {
    const entry = this.series.get(`${entityKey(card.entity)}|${card.score.scorecard}`);
    if (entry === undefined) return;
    push(entry.total, card.score.total);
    for (const kpi of card.score.kpis) {
      let values = entry.kpis.get(kpi.kpi);
      if (values === undefined) entry.kpis.set(kpi.kpi, (values = []));
      push(values, kpi.actual);
    }
  }
}

// ---- non-default periods: the shown entities re-scored over the window, refreshed on live updates

interface Fetching {
  inflight: boolean;
  last: number;
  again: boolean;
  timer: number | undefined;
}

const REFRESH_MS = 1000;

export class PeriodCache {
  private current: Period = 'live';
  private generation = 0;
  private readonly data = new Map<string, ScoredCard[]>();
  private readonly errors = new Map<string, string>();
  private readonly fetching = new Map<string, Fetching>();

  constructor(private readonly changed: (entity: string) => void) {}

  get period(): Period {
    return this.current;
  }

  setPeriod(period: Period): void {
    if (period === this.current) return;
    this.current = period;
    this.reset();
  }

  // forget what was fetched (the period changed, or the page shows other entities now)
  reset(): void {
    this.generation++;
    for (const f of this.fetching.values()) window.clearTimeout(f.timer);
    this.fetching.clear();
    this.data.clear();
    this.errors.clear();
  }

  // undefined while loading
  cards(entity: string): ScoredCard[] | undefined {
    this.want(entity);
    return this.data.get(entity);
  }

  error(entity: string): string | undefined {
    return this.errors.get(entity);
  }

  want(entity: string): void {
    if (this.current === 'live' || this.fetching.has(entity)) return;
    this.fetching.set(entity, { inflight: false, last: 0, again: false, timer: undefined });
    this.fetch(entity);
  }

  // a live update of an entity on the page: fetch it again, at most once a second
  touch(entity: string): void {
    const f = this.fetching.get(entity);
    if (this.current === 'live' || f === undefined) return;
    if (f.inflight) {
      f.again = true;
      return;
    }
    if (f.timer !== undefined) return;
    const wait = Math.max(0, f.last + REFRESH_MS - Date.now());
    f.timer = window.setTimeout(() => {
      f.timer = undefined;
      this.fetch(entity);
    }, wait);
  }

  private fetch(entity: string): void {
    const f = this.fetching.get(entity);
    if (f === undefined) return;
    const generation = this.generation;
    f.inflight = true;
    f.again = false;
    f.last = Date.now();
    api
      .scorecards(entity, this.current)
      .then((cards) => {
        if (generation !== this.generation) return;
        this.data.set(entity, (Array.isArray(cards) ? cards : []).slice().sort(byScorecard));
        this.errors.delete(entity);
      })
      .catch((err: unknown) => {
        if (generation !== this.generation) return;
        this.errors.set(entity, err instanceof Error ? err.message : String(err));
        if (!this.data.has(entity)) this.data.set(entity, []);
      })
      .finally(() => {
        if (generation !== this.generation) return;
        f.inflight = false;
        f.last = Date.now();
        this.changed(entity);
        if (f.again) this.touch(entity);
      });
  }
}

// ---- the previous period's cards, to show each tile's and total's change against

// Fetched once per entity and period shown, and again when a card of a newer period arrives (the period
// rolled over, so the one before it is another).
export class PreviousCards {
  private current: Period = 'live';
  private generation = 0;
  private readonly data = new Map<string, { asOf: number; cards: Map<string, ScoredCard> | undefined }>();

  constructor(private readonly changed: (entity: string) => void) {}

  setPeriod(period: Period): void {
    this.current = period;
    this.generation++;
    this.data.clear();
  }

  // the card of the period before `card`'s, once fetched (undefined while loading or when there is none)
  of(card: ScoredCard): ScoredCard | undefined {
    const entity = entityKey(card.entity);
    const held = this.data.get(entity);
    if (held === undefined || held.asOf < card.periodStart) {
      this.fetch(entity, card.periodStart);
      return undefined;
    }
    const previous = held.cards?.get(card.score.scorecard);
    return previous !== undefined && previous.periodStart < card.periodStart ? previous : undefined;
  }

  private fetch(entity: string, asOf: number): void {
    const generation = this.generation;
    this.data.set(entity, { asOf, cards: undefined });
    api
      .previous(entity, this.current)
      .then((cards) => {
        if (generation !== this.generation) return;
        this.data.set(entity, { asOf, cards: new Map(cards.map((c) => [c.score.scorecard, c])) });
        this.changed(entity);
      })
      .catch(() => {
        // nothing to compare with: the tiles show no change
      });
  }
}
