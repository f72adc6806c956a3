import {
  checkEvent,
  DEFAULT_EVENT_TIME_TOLERANCE_MS,
  type DefinitionSet,
  type ReceiverClock,
  type RejectionCode,
} from '#libs/definitions';
import { orderingKey, type EventAppender } from '#libs/event-log';
import type { CanonicalEvent } from '#libs/events';

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected';

export interface IngestOutcome {
  index: number; // position in the request
  status: IngestStatus;
  id?: string;
  source?: string;
  offset?: number; // where the event sits in the log (accepted and duplicate)
  topic?: string; // over Kafka: the topic and partition the offset belongs to
  partition?: number;
  // rejected: the first field at fault, its stable code, and every problem as `field: reason; …`
  field?: string;
  code?: RejectionCode;
  reason?: string;
}

// What is not an event, kept with why: the raw payload, the field and code (checkEvent's), the reason
// naming every problem, who sent it.
export interface Rejection {
  source?: string;
  eventId?: string;
  field: string;
  code: RejectionCode | ScoringFailure;
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
  // the wall clock events may not be timed ahead of by more than the tolerance (default: this
  // machine's, EVENT_TIME_TOLERANCE_MS's default)
  time?: ReceiverClock;
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
  items.forEach((item, index) => {
    const checked = checkEvent(item, deps.definitions, bound);
    if (checked.ok) {
      good.push({ index, event: checked.event });
      return;
    }
    const { id, source, field, code, message } = checked.rejection;
    const rejected: IngestOutcome = { index, status: 'rejected', field, code, reason: message };
    const dead: Rejection = {
      field,
      code,
      reason: message,
      payload: typeof item === 'string' ? item : JSON.stringify(item),
    };
    if (id !== undefined) {
      rejected.id = id;
      dead.eventId = id;
    }
    if (source !== undefined) {
      rejected.source = source;
      dead.source = source;
    }
    outcomes[index] = rejected;
    bad.push(dead);
  });

  const [appended] = await Promise.all([
    deps.log.append(good.map(({ event }) => ({ key: orderingKey(event), event }))),
    deps.rejections.record(bad),
  ]);
  good.forEach(({ index, event }, i) => {
    const a = appended[i];
    if (a === undefined) throw new Error('the log answered fewer outcomes than records');
    outcomes[index] = {
      index,
      status: a.status === 'appended' ? 'accepted' : 'duplicate',
      id: event.id,
      source: event.source,
      offset: a.offset,
      ...(a.topic === undefined ? {} : { topic: a.topic, partition: a.partition }),
    };
  });
  return outcomes;
}
