import type { Measure } from '#libs/definitions';
import { CloseQueue } from '../close-queue';

// The open keys of one lifecycle or conversion indicator in one org (a ticket, a deal, a lead): what
// each has seen, and what it counts for now. docs/definitions.md "Lifecycle measures" is the rule.
export type JoinedDef = Extract<Measure, { kind: 'lifecycle' | 'conversion' }>;

// Who a pair counts for: the team and agent of one of its events (the org always).
export interface Owner {
  team: string | undefined;
  agent: string | undefined;
}

// One `to` event of a key: its time, its idempotency key (breaks ties in time) and its owner.
export interface Arrival extends Owner {
  t: number;
  key: string;
}

// What a key adds to its indicator: value ÷ count at instant t, for the owner's entities.
export interface Landing extends Owner {
  t: number;
  value: number;
  count: number;
}

export interface Journey {
  from: Arrival | null; // the first `from` event (earliest time, then smallest idempotency key)
  tos: Arrival[]; // every `to` event seen, in arrival order
  landed: Landing | null; // what the key counts for in the tallies now
  stored?: true; // recalled from the parking store, which may still hold a copy: forgotten there when dropped
}

// A key of one joined indicator in one org, as the parking store files it.
export interface JourneyRef {
  org: string;
  indicator: string;
  key: string;
}

// A key moved out of memory: landed, and quiet for a while; it comes back when an event names it.
export interface ParkedJourney {
  ref: JourneyRef;
  deadlineMs: number; // the indicator clock at which it would be dropped: the store forgets it then
  journey: Omit<JourneySnapshot, 'key'>;
}

// Where parked keys live (the live processor's Postgres table). The engine asks synchronously: the
// caller looks up, before a batch, the keys the batch names (IndicatorEngine.journeyRefs).
export interface JourneyParking {
  recall(ref: JourneyRef): Omit<JourneySnapshot, 'key'> | undefined;
  forget(ref: JourneyRef): void; // a recalled key was dropped: its stored copy goes too
}

// One joined indicator's keys in one org, with its own clock: the latest time of the events of its types
// (or of an idle tick). Lateness and deadlines go by it, not by the org's clock, so that events of other
// sources (another Kafka topic read ahead) never make its pairs late.
export interface JourneyBook {
  clockMs: number;
  keys: Map<string, Journey>;
  deadlines: CloseQueue<string>; // each key by the clock at which it is settled and dropped
  uncounted: UncountedDeadlines; // of the parked keys that count for nothing
}

export const newJourneyBook = (clockMs: number): JourneyBook => ({
  clockMs,
  keys: new Map(),
  deadlines: new CloseQueue(),
  uncounted: new UncountedDeadlines(),
});

// The deadlines of parked keys that count for nothing yet (an end whose start has not come, a start with
// no end): when the clock passes one, its key expires uncounted (stats.expiredKeys) as it would have in
// memory, where only its deadline stays; a key called back takes its deadline with it.
export class UncountedDeadlines {
  private readonly counts = new Map<number, number>();
  private readonly queue = new CloseQueue<number>();

  add(deadlineMs: number): void {
    const n = this.counts.get(deadlineMs) ?? 0;
    if (n === 0) this.queue.push(deadlineMs, deadlineMs);
    this.counts.set(deadlineMs, n + 1);
  }

  remove(deadlineMs: number): void {
    const n = this.counts.get(deadlineMs);
    if (n === undefined) return;
    if (n > 1) this.counts.set(deadlineMs, n - 1);
    else this.counts.delete(deadlineMs);
  }

  // how many keys expire by the clock: their deadlines go
  popDue(clockMs: number): number {
    let expired = 0;
    // a deadline removed and added again is queued twice: the second pop finds it gone
    for (const deadline of this.queue.popDue(clockMs)) {
      expired += this.counts.get(deadline) ?? 0;
      this.counts.delete(deadline);
    }
    return expired;
  }

  snapshot(): [deadlineMs: number, keys: number][] {
    return [...this.counts];
  }

  static restore(entries: readonly (readonly [number, number])[]): UncountedDeadlines {
    const u = new UncountedDeadlines();
    for (const [deadline, n] of entries) for (let i = 0; i < n; i++) u.add(deadline);
    return u;
  }
}

const UNIT_MS = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const newJourney = (): Journey => ({ from: null, tos: [], landed: null });

// earlier time first, then the smaller idempotency key: arrival order never decides
export function isBefore(a: Arrival, b: Arrival): boolean {
  return a.t < b.t || (a.t === b.t && a.key < b.key);
}

// How far apart from and to may be: the horizon of a lifecycle, the window of a conversion.
export function horizonOf(def: JoinedDef): number {
  return def.kind === 'lifecycle' ? def.horizonMs : def.withinMs;
}

// What the key should count for as of the clock (null: nothing yet). A pair is the first `from` and the
// first (or last) `to` at or after it, at most the horizon later; `to` events timed before the start
// (clock skew between sources) are not part of it. A lifecycle pair lands at its `to` for that event's
// owner; a conversion lands for the start's owner, at its `to` when converted, or at the end of its
// window once the miss is certain: a `to` came after the window, or the clock is the allowed lateness
// past it (no conversion can arrive in time any more).
export function landingOf(def: JoinedDef, j: Journey, clockMs: number, latenessMs: number): Landing | null {
  const from = j.from;
  if (from === null) return null;
  const horizon = horizonOf(def);
  let chosen: Arrival | undefined;
  let after = false; // a `to` beyond the horizon: a conversion missed its window for certain
  for (const to of j.tos) {
    if (to.t - from.t > horizon) after = true;
    if (to.t < from.t || to.t - from.t > horizon) continue;
    const better =
      chosen === undefined ||
      (def.kind === 'lifecycle' && def.pick === 'last' ? isBefore(chosen, to) : isBefore(to, chosen));
    if (better) chosen = to;
  }
  if (def.kind === 'conversion') {
    const owner = { team: from.team, agent: from.agent };
    if (chosen !== undefined) return { t: chosen.t, value: 1, count: 1, ...owner };
    const missed = after || clockMs >= from.t + horizon + latenessMs;
    return missed ? { t: from.t + horizon, value: 0, count: 1, ...owner } : null;
  }
  if (chosen === undefined) return null;
  const ms = chosen.t - from.t;
  const value = def.result.kind === 'average' ? ms / UNIT_MS[def.result.unit] : ms <= def.result.withinMs ? 1 : 0;
  return { t: chosen.t, value, count: 1, team: chosen.team, agent: chosen.agent };
}

export function sameLanding(a: Landing | null, b: Landing | null): boolean {
  if (a === null || b === null) return a === b;
  return a.t === b.t && a.value === b.value && a.count === b.count && a.team === b.team && a.agent === b.agent;
}

// The clock from which nothing that can still arrive in time (less than the allowed lateness behind the
// clock) can change the key: then it is settled and dropped. With a start: its horizon, plus the lateness; with
// only `to` events: the latest of them plus the lateness (a start must come at or before its `to`).
export function deadlineOf(def: JoinedDef, j: Journey, latenessMs: number): number {
  if (j.from !== null) return j.from.t + horizonOf(def) + latenessMs;
  let latest = Number.NEGATIVE_INFINITY;
  for (const to of j.tos) if (to.t > latest) latest = to.t;
  return latest + latenessMs;
}

export interface JourneySnapshot {
  key: string;
  from: Arrival | null;
  tos: Arrival[];
  landed: Landing | null;
  stored?: true;
}

// the time of the key's latest event
export function latestArrivalOf(j: Journey): number {
  let latest = j.from?.t ?? Number.NEGATIVE_INFINITY;
  for (const to of j.tos) if (to.t > latest) latest = to.t;
  return latest;
}

// JSON drops undefined owners: they come back as undefined
const owner = (o: Partial<Owner>): Owner => ({ team: o.team ?? undefined, agent: o.agent ?? undefined });

export interface JourneyBookSnapshot {
  indicator: string;
  clockMs: number | null;
  keys: JourneySnapshot[];
  uncounted?: [deadlineMs: number, keys: number][]; // absent: none (and in snapshots before parking them)
}

export function snapshotJourney(j: Journey): Omit<JourneySnapshot, 'key'> {
  const s: Omit<JourneySnapshot, 'key'> = { from: j.from, tos: j.tos, landed: j.landed };
  if (j.stored === true) s.stored = true;
  return s;
}

export function snapshotJourneys(indicator: string, book: JourneyBook): JourneyBookSnapshot {
  const keys = [...book.keys].map(([key, j]) => ({ key, ...snapshotJourney(j) }));
  const snap: JourneyBookSnapshot = { indicator, clockMs: Number.isFinite(book.clockMs) ? book.clockMs : null, keys };
  const uncounted = book.uncounted.snapshot();
  if (uncounted.length > 0) snap.uncounted = uncounted;
  return snap;
}

export function restoreJourney(s: Omit<JourneySnapshot, 'key'>): Journey {
  const j: Journey = {
    from: s.from === null ? null : { ...s.from, ...owner(s.from) },
    tos: s.tos.map((to) => ({ ...to, ...owner(to) })),
    landed: s.landed === null ? null : { ...s.landed, ...owner(s.landed) },
  };
  if (s.stored === true) j.stored = true;
  return j;
}

// The deadlines are not in the snapshot: the measure schedules them again from the keys.
export function restoreJourneys(snap: JourneyBookSnapshot): JourneyBook {
  const book = newJourneyBook(snap.clockMs ?? Number.NEGATIVE_INFINITY);
  for (const s of snap.keys) book.keys.set(s.key, restoreJourney(s));
  book.uncounted = UncountedDeadlines.restore(snap.uncounted ?? []);
  return book;
}
