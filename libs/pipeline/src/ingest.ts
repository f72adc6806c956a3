import {
  checkEvent,
  DEFAULT_EVENT_TIME_TOLERANCE_MS,
  type DefinitionSet,
  type EventRejection,
  type ReceiverClock,
  type RejectionCode,
} from '#libs/definitions';
import { orderingKey, type EventAppender } from '#libs/event-log';
import { unknownMembersOf, type RosterSnapshot } from '#libs/access';
import type { CanonicalEvent } from '#libs/events';
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
  code?: RejectionCode | SourceRefusal | RosterRefusal;
  reason?: string;
}

// What is not an event, kept with why: the raw payload, the field and code (checkEvent's), the reason
// naming every problem, who sent it.
export interface Rejection {
  source?: string;
  eventId?: string;
  field: string;
  code: RejectionCode | SourceRefusal | RosterRefusal | ScoringFailure;
  reason: string;
  payload: string;
}

// what the scoring runner dead-letters: a round or a write that failed for good
export type ScoringFailure = 'round_failed' | 'store_failed' | 'breaches_not_sent';

export interface RejectionSink {
  record(rejections: readonly Rejection[]): Promise<void>;
}

export interface IngestDeps {
  log: EventAppender;
  rejections: RejectionSink;
  definitions: DefinitionSet;
  source: Source; // who sends, as the request's credential proves
  // the wall clock events may not be timed ahead of by more than the tolerance (default: this
  // machine's, EVENT_TIME_TOLERANCE_MS's default)
  time?: ReceiverClock;
  // the roster of record of the source's org, and where events naming members it does not know are
  // counted (its policy 'accept') — under 'reject' they are refused with code unknown_member
  roster?: { snapshot: RosterSnapshot; unknown: UnknownMemberSink };
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

type Refusal = Omit<EventRejection, 'code'> & { code: RejectionCode | SourceRefusal | RosterRefusal };

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

// a dead letter keeps what was sent, as sent
function payloadOf(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item);
}

const WALL_CLOCK: ReceiverClock = { now: () => Date.now(), toleranceMs: DEFAULT_EVENT_TIME_TOLERANCE_MS };

// One ingest step for a request of raw items (NDJSON lines or parsed values): check each (checkEvent:
// the contract, a time not too far ahead of the wall clock, the org and its currency, a manual score's scale and reviewers), append the good ones
// to the log in one durable batch, keep the bad ones with their field, code and reason. Resolves only
// when both are durably stored: only then may the caller acknowledge.
export async function ingest(items: readonly unknown[], deps: IngestDeps): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = new Array<IngestOutcome>(items.length);
  const good: { index: number; event: CanonicalEvent }[] = [];
  const bad: Rejection[] = [];

  const time = deps.time ?? WALL_CLOCK;
  const bound = { now: time.now(), toleranceMs: time.toleranceMs }; // one reading for the request
  const unknown = new Map<number, { kind: 'agent' | 'team'; id: string }[]>(); // per good event, by index
  items.forEach((item, index) => {
    const checked = checkEvent(item, deps.definitions, bound);
    let refusal: Refusal | undefined;
    if (checked.ok) {
      refusal = refusedBySource(checked.event, deps.source);
      const strangers = deps.roster === undefined ? [] : unknownMembersOf(checked.event.data, deps.roster.snapshot);
      const first = strangers[0];
      if (refusal === undefined && first !== undefined && deps.roster?.snapshot.policy === 'reject')
        refusal = {
          field: first.field,
          code: 'unknown_member',
          message: `${first.field}: ${first.kind} ${first.id} is not in the roster of ${deps.source.orgId}`,
          id: checked.event.id,
          source: checked.event.source,
        };
      if (refusal === undefined) {
        good.push({ index, event: checked.event });
        if (strangers.length > 0) unknown.set(index, strangers);
        return;
      }
    } else refusal = checked.rejection;
    const { id, source, field, code, message } = refusal;
    const rejected: IngestOutcome = { index, status: 'rejected', field, code, reason: message };
    // the dead letter names the source the credential proves, not the one the payload claims
    const dead: Rejection = {
      source: deps.source.uri,
      field,
      code,
      reason: message,
      payload: payloadOf(item),
    };
    if (id !== undefined) {
      rejected.id = id;
      dead.eventId = id;
    }
    if (source !== undefined) rejected.source = source;
    outcomes[index] = rejected;
    bad.push(dead);
  });

  const [appended] = await Promise.all([
    deps.log.append(good.map(({ event }) => ({ key: orderingKey(event), event }))),
    deps.rejections.record(bad),
  ]);
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
  // the first delivery of a key counts; a later one saying something else is refused and kept
  const conflicts: Rejection[] = [];
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
        const reason = `id: ${event.id} of ${event.source} was counted with other content (log offset ${a.offset}); this delivery is not counted`;
        outcomes[index] = { ...where, status: 'rejected', field: 'id', code: 'conflict', reason };
        conflicts.push({
          source: deps.source.uri,
          eventId: event.id,
          field: 'id',
          code: 'conflict',
          reason,
          payload: payloadOf(items[index]),
        });
        return;
      }
    }
  });
  if (conflicts.length > 0) await deps.rejections.record(conflicts);
  return outcomes;
}
