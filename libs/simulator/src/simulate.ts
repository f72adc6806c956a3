import type { CanonicalEvent } from '#libs/events';
import { startCall } from './call-lifecycle';
import { EventQueue } from './event-queue';
import type { Mistake } from './invalid-event';
import { applicableMistakes, makeInvalid } from './invalid-event';
import { startInvoice } from './invoice-lifecycle';
import { isReviewDay, scheduleManualScores } from './manual-scores';
import { startInquiry } from './order-lifecycle';
import { buildTeams, seedWords } from './organisation';
import { createRng, mixSeed } from './prng';
import { startLead } from './sales-lifecycle';
import type { SimAgent, SimulationContext } from './simulation-context';
import type { ResolvedOptions, SimulationOptions } from './simulation-options';
import { resolveOptions } from './simulation-options';
import { startTicket } from './ticket-lifecycle';
import type { SimulatedSource } from './vocabulary';
import { EVENT_ID_PREFIXES } from './vocabulary';
import type { OriginKind } from './workload';
import { hourlyRate, isWeekend, ORIGIN_KINDS } from './workload';
import { assertNever } from './assert-never';
import { createZoneClock, HOUR_MS, weekdayOf } from './zone-clock';

export type SimulatedLine =
  | { kind: 'valid' | 'duplicate' | 'late'; event: CanonicalEvent }
  | { kind: 'invalid'; event: unknown; mistake: Mistake };
export type SimulatedLineKind = SimulatedLine['kind'];

// 'late': held back hours to days; 'shuffled': held back a few minutes (out of order, still valid)
type Delay = 'none' | 'late' | 'shuffled';
interface Pending {
  event: CanonicalEvent;
  delay: Delay;
}

const LATE_MIN_MS = HOUR_MS;
const LATE_MAX_MS = 4 * 24 * HOUR_MS;
const SHUFFLE_MAX_MS = 10 * 60_000;
// duplicates are re-sent from the most recent events, as a retrying webhook would
const RECENT_EVENTS = 2048;

// A deterministic stream of canonical events for the simulated organisation, (mostly) in time
// order. Options are checked before the first event; the stream is lazy and holds only pending
// follow-ups, so long runs stay in bounded memory.
export function simulate(options: SimulationOptions): Generator<SimulatedLine, void, undefined> {
  return run(resolveOptions(options));
}

function startOrigin(kind: OriginKind, ctx: SimulationContext, agent: SimAgent, at: number): void {
  switch (kind) {
    case 'tickets':
      return startTicket(ctx, agent, at);
    case 'calls':
      return startCall(ctx, agent, at);
    case 'leads':
      return startLead(ctx, agent, at);
    case 'inquiries':
      return startInquiry(ctx, agent, at);
    case 'invoices':
      return startInvoice(ctx, agent, at);
    default:
      return assertNever(kind, 'origin kind');
  }
}

function* run(options: ResolvedOptions): Generator<SimulatedLine, void, undefined> {
  const clock = createZoneClock(options.timeZone);
  const rng = createRng(mixSeed(...seedWords(options.seed), 0x5eed));
  const teams = buildTeams(options);
  const agents = teams.flatMap((team) => team.agents);
  const queue = new EventQueue<Pending>();
  const endDay = options.startDay + options.days;
  const startMs = clock.startOfDay(options.startDay);
  const endMs = clock.startOfDay(endDay);

  const eventCounters = new Map<SimulatedSource, number>();
  const eventId = (source: SimulatedSource): string => {
    const next = (eventCounters.get(source) ?? 0) + 1;
    eventCounters.set(source, next);
    return `${options.idPrefix}${EVENT_ID_PREFIXES[source]}-${next}`;
  };
  const recordCounters = new Map<string, number>();

  const workingTimeOn = (day: number): number => {
    const weekday = weekdayOf(day);
    const workday = weekday === 6 ? day + 2 : weekday === 0 ? day + 1 : day;
    return clock.startOfDay(workday) + Math.floor((9 + 9 * rng.next()) * 3600) * 1000;
  };

  const ctx: SimulationContext = {
    rng,
    clock,
    schedule: (ms, source, type, subject, data) => {
      if (ms >= endMs || ms < startMs) return;
      const event: CanonicalEvent = {
        specversion: '1.0',
        id: eventId(source),
        source,
        type,
        time: clock.formatTime(ms),
        subject,
        data,
      };
      queue.push(ms, { event, delay: 'none' });
    },
    recordId: (prefix) => {
      const next = (recordCounters.get(prefix) ?? 0) + 1;
      recordCounters.set(prefix, next);
      return `${options.idPrefix}${prefix}-${next}`;
    },
    later: (fromMs, delaySeconds) => {
      const seconds = Math.max(1, Math.round(delaySeconds));
      if (seconds < 8 * 3600) return fromMs + seconds * 1000;
      const at = workingTimeOn(clock.localDay(fromMs + seconds * 1000));
      return Math.max(at, fromMs + 60_000);
    },
    workingTimeOn,
  };

  const recent: CanonicalEvent[] = [];
  let recentNext = 0;
  let last: CanonicalEvent | undefined;

  // Lines ready to be yielded; filled by drain, emptied by the loop below (one generator level
  // keeps the per-event cost low).
  const ready: SimulatedLine[] = [];

  const emit = (kind: 'valid' | 'late', event: CanonicalEvent): void => {
    ready.push({ kind, event });
    last = event;
    if (recent.length < RECENT_EVENTS) recent.push(event);
    else recent[recentNext] = event;
    recentNext = (recentNext + 1) % RECENT_EVENTS;

    if (options.duplicateRate > 0 && rng.chance(options.duplicateRate)) {
      // half are immediate redeliveries, half repeat something sent a while ago
      const original = rng.chance(0.5) ? last : (recent[Math.floor(rng.next() * recent.length)] ?? last);
      ready.push({ kind: 'duplicate', event: { ...original, data: { ...original.data } } });
    }
    if (options.invalidRate > 0 && rng.chance(options.invalidRate)) {
      const mistake = rng.pick(applicableMistakes(event));
      const invalid = makeInvalid(event, mistake, eventId(event.source as SimulatedSource), (types) => rng.pick(types));
      ready.push({ kind: 'invalid', event: invalid, mistake });
    }
  };

  // Emits everything due before `until`. An event leaving the queue for the first time may be held
  // back instead: late (hours to days, past most allowed lateness) or shuffled by a few minutes.
  const drain = (until: number): void => {
    for (let key = queue.peekKey(); key !== undefined && key < until; key = queue.peekKey()) {
      const entry = queue.pop();
      if (entry === undefined) break;
      const pending = entry.value;
      switch (pending.delay) {
        case 'none':
          if (options.lateRate > 0 && rng.chance(options.lateRate)) {
            pending.delay = 'late';
            const hold = LATE_MIN_MS * Math.exp(rng.next() * Math.log(LATE_MAX_MS / LATE_MIN_MS));
            queue.push(entry.key + Math.round(hold), pending);
          } else if (options.outOfOrderRate > 0 && rng.chance(options.outOfOrderRate)) {
            pending.delay = 'shuffled';
            queue.push(entry.key + 5000 + Math.floor(rng.next() * SHUFFLE_MAX_MS), pending);
          } else {
            emit('valid', pending.event);
          }
          break;
        case 'late':
          emit('late', pending.event);
          break;
        case 'shuffled':
          emit('valid', pending.event);
          break;
        default:
          assertNever(pending.delay, 'delay');
      }
    }
  };

  for (let day = options.startDay; day < endDay; day++) {
    const dayStart = clock.startOfDay(day);
    const dayEnd = clock.startOfDay(day + 1);
    const weekend = isWeekend(weekdayOf(day));
    if (options.manualIndicators.length > 0 && isReviewDay(day, options.manualCadence)) {
      for (const team of teams) scheduleManualScores(ctx, team, day, options.manualIndicators);
    }
    for (let sliceStart = dayStart; sliceStart < dayEnd; sliceStart += HOUR_MS) {
      const sliceEnd = Math.min(sliceStart + HOUR_MS, dayEnd);
      const sliceSeconds = (sliceEnd - sliceStart) / 1000;
      const hour = clock.localHour(sliceStart);
      const share = sliceSeconds / 3600;
      for (const kind of ORIGIN_KINDS) {
        const rate = hourlyRate(kind, hour, weekend) * share;
        for (const agent of agents) {
          const count = rng.poisson(rate * agent.profile.volume);
          for (let i = 0; i < count; i++) {
            startOrigin(kind, ctx, agent, sliceStart + Math.floor(rng.next() * sliceSeconds) * 1000);
          }
        }
      }
      drain(sliceEnd);
      yield* ready;
      ready.length = 0;
    }
  }
  // only held-back events remain: their event time is inside the period, their arrival after it
  drain(Number.POSITIVE_INFINITY);
  yield* ready;
}
