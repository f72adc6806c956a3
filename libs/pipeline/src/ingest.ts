import {
  checkEvent,
  DEFAULT_EVENT_TIME_TOLERANCE_MS,
  type DefinitionSet,
  type EventRejection,
  type ReceiverClock,
  type RejectionCode,
} from '#libs/definitions';
import { orderingKey, type AppendOutcome, type LogRecord } from '#libs/event-log';
import { unknownMembersOf, type RosterSnapshot } from '#libs/access';
import type { MappingProblem } from '#libs/connectors';
import { storableText, type CanonicalEvent } from '#libs/events';
import type { Source } from './sources';

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected';

export interface IngestOutcome {
  index: number; // position in the request
  status: IngestStatus;
  id?: string;
  source?: string;
  offset?: number; // where the event sits in the log (accepted, duplicate; a conflict: the kept copy)
  topic?: string; // over Kafka: the topic and partition the offset belongs to
  partition?: number;
  // rejected: the first field at fault, its stable code, and every problem as `field: reason; …`
  field?: string;
  code?: RejectionCode | SourceRefusal | RosterRefusal | IngestLimit;
  reason?: string;
}

// What ingest's own bounds refuse: an event over the bytes per event (`too_large`); and, as one summary
// dead letter, the rejections of a request beyond the dead letters per request (`too_many_rejections`).
export type IngestLimit = 'too_large' | 'too_many_rejections';

// The bounds of one request (documented in docs/events.md, set by the INGEST_* variables).
export interface IngestLimits {
  maxEventBytes: number; // an event's JSON (an NDJSON line, or the item as serialised) in UTF-8 bytes
  maxDeadLetters: number; // dead letters kept one by one; the rest become one summary
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { maxEventBytes: 256 * 1024, maxDeadLetters: 100 };

// What is not an event, kept with why: the raw payload, the field and code (checkEvent's), the reason
// naming every problem, who sent it.
export interface Rejection {
  source?: string;
  eventId?: string;
  field: string;
  code: RejectionCode | SourceRefusal | RosterRefusal | ScoringFailure | IngestLimit | MappingProblem;
  reason: string;
  payload: string;
}

// what the scoring runner dead-letters: a round or a write that failed for good
export type ScoringFailure = 'round_failed' | 'store_failed';

export interface RejectionSink {
  record(rejections: readonly Rejection[]): Promise<void>;
}

// Where ingest keeps one request: the good events in the log and the dead letters, all or nothing, so a
// failure means nothing of the request was taken and the sender may post it again. The dead letters are
// asked for once the log has answered, since a repeat of a key with other content (a conflict) is only
// known then.
export interface IngestStore {
  commit(
    records: readonly LogRecord[],
    deadLettersOf: (appended: readonly AppendOutcome[]) => Rejection[],
  ): Promise<AppendOutcome[]>;
}

export interface IngestDeps {
  store: IngestStore;
  definitions: DefinitionSet;
  source: Source; // who sends, as the request's credential proves
  // the wall clock events may not be timed ahead of by more than the tolerance (default: this
  // machine's, EVENT_TIME_TOLERANCE_MS's default)
  time?: ReceiverClock;
  // the roster of record of the source's org, and where events naming members it does not know are
  // counted (its policy 'accept') — under 'reject' they are refused with code unknown_member
  // after the commit: a failure there must not fail the request, whose events are taken by then
  roster?: { snapshot: RosterSnapshot; unknown: UnknownMemberSink };
  limits?: IngestLimits; // default: DEFAULT_INGEST_LIMITS
}

// An agent or team id events named that the roster did not know, with how many of the accepted events.
export interface UnknownMemberSighting {
  kind: 'agent' | 'team';
  id: string;
  events: number;
}

export interface UnknownMemberSink {
  record(orgId: string, seen: readonly UnknownMemberSighting[]): Promise<void>;
}

// What the roster of record refuses (its org's policy 'reject'): an agent or team it does not know.
export type RosterRefusal = 'unknown_member';

// What a source may not send: another source's events, another org's, types it is not registered for.
export type SourceRefusal = 'source_mismatch' | 'org_not_allowed' | 'type_not_allowed';

type Refusal = Omit<EventRejection, 'code'> & { code: RejectionCode | SourceRefusal | RosterRefusal | IngestLimit };

function refusedBySource(event: CanonicalEvent, source: Source): Refusal | undefined {
  const refuse = (field: string, code: SourceRefusal, why: string): Refusal => ({
    field,
    code,
    message: `${field}: ${why}`,
    id: event.id,
    source: event.source,
  });
  if (event.source !== source.uri) return refuse('source', 'source_mismatch', `this credential sends as ${source.uri}`);
  if (event.data.orgId !== source.orgId)
    return refuse('data.orgId', 'org_not_allowed', `not the org of source ${source.uri}`);
  if (!source.eventTypes.includes(event.type))
    return refuse('type', 'type_not_allowed', `source ${source.uri} is not registered to send ${event.type}`);
  return undefined;
}

// an item as text: an NDJSON line as sent, a parsed item as JSON (its nesting is bounded before parsing)
const textOf = (item: unknown): string => (typeof item === 'string' ? item : (JSON.stringify(item) ?? 'undefined'));

// UTF-8 bytes of a string, without encoding it
function utf8Bytes(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      bytes += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// A dead letter any store keeps: its text escaped where Postgres would refuse it (NUL, lone surrogates),
// the payload cut at `maxChars` characters.
function storable(r: Rejection, maxChars: number): Rejection {
  const cut =
    r.payload.length <= maxChars
      ? r.payload
      : `${r.payload.slice(0, maxChars)}… [cut: ${r.payload.length} characters in all]`;
  const kept: Rejection = {
    ...r,
    field: storableText(r.field),
    reason: storableText(r.reason),
    payload: storableText(cut),
  };
  if (r.eventId !== undefined) kept.eventId = storableText(r.eventId);
  return kept;
}

// The dead letters of one request: the first `max` one by one, the rest as one summary that counts them
// by code, so a request of millions of bad items writes a bounded number of rows.
function bounded(rejections: readonly Rejection[], limits: IngestLimits, source: string): Rejection[] {
  const kept = rejections.slice(0, limits.maxDeadLetters).map((r) => storable(r, limits.maxEventBytes));
  const rest = rejections.slice(limits.maxDeadLetters);
  if (rest.length === 0) return kept;
  const byCode: Record<string, number> = {};
  for (const r of rest) byCode[r.code] = (byCode[r.code] ?? 0) + 1;
  const summary: Rejection = {
    source,
    field: 'request',
    code: 'too_many_rejections',
    reason: `request: ${rest.length} more rejected events are not kept one by one (over ${limits.maxDeadLetters} dead letters per request); their outcomes were answered`,
    payload: JSON.stringify({ notKept: rest.length, byCode }),
  };
  return [...kept, summary];
}

const WALL_CLOCK: ReceiverClock = { now: () => Date.now(), toleranceMs: DEFAULT_EVENT_TIME_TOLERANCE_MS };

// One ingest step for a request of raw items (NDJSON lines or parsed values): check each (its size;
// checkEvent: the contract and what the log can store, a time not too far ahead of the wall clock, the
// org and its currency, a manual score's scale and reviewers; then the source and the roster), and
// commit the good ones to the log and the bad ones to the dead letters in one transaction. Resolves
// only once that is durable: only then may the caller acknowledge. `refused`: dead letters found before
// the event check (a webhook's item no mapping could make an event of), kept in the same transaction.
export async function ingest(
  items: readonly unknown[],
  deps: IngestDeps,
  refused: readonly Rejection[] = [],
): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = new Array<IngestOutcome>(items.length);
  const good: { index: number; event: CanonicalEvent }[] = [];
  const bad: Rejection[] = [...refused];
  const limits = deps.limits ?? DEFAULT_INGEST_LIMITS;

  const time = deps.time ?? WALL_CLOCK;
  const bound = { now: time.now(), toleranceMs: time.toleranceMs }; // one reading for the request
  const unknown = new Map<number, { kind: 'agent' | 'team'; id: string }[]>(); // per good event, by index
  items.forEach((item, index) => {
    const text = textOf(item);
    const bytes = utf8Bytes(text);
    const refusal: Refusal | undefined =
      bytes > limits.maxEventBytes
        ? {
            field: 'event',
            code: 'too_large',
            message: `event: ${bytes} bytes, over the limit of ${limits.maxEventBytes} bytes per event`,
          }
        : refusalOf(item, deps, bound, (event, strangers) => {
            good.push({ index, event });
            if (strangers.length > 0) unknown.set(index, strangers);
          });
    if (refusal === undefined) return;
    const { id, source, field, code, message } = refusal;
    const rejected: IngestOutcome = { index, status: 'rejected', field, code, reason: message };
    // the dead letter names the source the credential proves, not the one the payload claims
    const dead: Rejection = { source: deps.source.uri, field, code, reason: message, payload: text };
    if (id !== undefined) {
      rejected.id = id;
      dead.eventId = id;
    }
    if (source !== undefined) rejected.source = source;
    outcomes[index] = rejected;
    bad.push(dead);
  });

  // the first delivery of a key counts; a later one saying something else is refused and kept
  const conflictOf = (index: number, event: CanonicalEvent, offset: number): Rejection & { code: 'conflict' } => ({
    source: deps.source.uri,
    eventId: event.id,
    field: 'id',
    code: 'conflict',
    reason: `id: ${event.id} of ${event.source} was counted with other content (log offset ${offset}); this delivery is not counted`,
    payload: textOf(items[index]),
  });
  const appended = await deps.store.commit(
    good.map(({ event }) => ({ key: orderingKey(event), event })),
    (answers) => {
      const conflicts = good.flatMap(({ index, event }, i) => {
        const a = answers[i];
        return a?.status === 'conflict' ? [conflictOf(index, event, a.offset)] : [];
      });
      return bounded([...bad, ...conflicts], limits, deps.source.uri);
    },
  );
  good.forEach(({ index, event }, i) => {
    const a = appended[i];
    if (a === undefined) throw new Error('the log answered fewer outcomes than records');
    const at = a.topic === undefined ? {} : { topic: a.topic, partition: a.partition };
    const where = { index, id: event.id, source: event.source, offset: a.offset, ...at };
    switch (a.status) {
      case 'appended':
        outcomes[index] = { ...where, status: 'accepted' };
        return;
      case 'duplicate':
        outcomes[index] = { ...where, status: 'duplicate' };
        return;
      case 'conflict': {
        const { field, code, reason } = conflictOf(index, event, a.offset);
        outcomes[index] = { ...where, status: 'rejected', field, code, reason };
        return;
      }
    }
  });
  // accepted events naming members the roster does not know are counted (a repeat is not)
  const seen = new Map<string, UnknownMemberSighting>();
  good.forEach(({ index }, i) => {
    if (appended[i]?.status !== 'appended') return;
    for (const { kind, id } of unknown.get(index) ?? []) {
      const held = seen.get(`${kind}|${id}`) ?? { kind, id, events: 0 };
      held.events++;
      seen.set(`${kind}|${id}`, held);
    }
  });
  if (seen.size > 0 && deps.roster !== undefined)
    await deps.roster.unknown.record(deps.source.orgId, [...seen.values()]);
  return outcomes;
}

// Why an item is refused (the event check, its source, the roster), or undefined after handing the
// event to `take` with the members the roster does not know.
function refusalOf(
  item: unknown,
  deps: IngestDeps,
  bound: { now: number; toleranceMs: number },
  take: (event: CanonicalEvent, strangers: { kind: 'agent' | 'team'; id: string }[]) => void,
): Refusal | undefined {
  const checked = checkEvent(item, deps.definitions, bound);
  if (!checked.ok) return checked.rejection;
  const refusal = refusedBySource(checked.event, deps.source);
  if (refusal !== undefined) return refusal;
  const strangers = deps.roster === undefined ? [] : unknownMembersOf(checked.event.data, deps.roster.snapshot);
  const first = strangers[0];
  if (first !== undefined && deps.roster?.snapshot.policy === 'reject')
    return {
      field: first.field,
      code: 'unknown_member',
      message: `${first.field}: ${first.kind} ${first.id} is not in the roster of ${deps.source.orgId}`,
      id: checked.event.id,
      source: checked.event.source,
    };
  take(checked.event, strangers);
  return undefined;
}
