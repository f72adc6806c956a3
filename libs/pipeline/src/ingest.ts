import { orgSettingsFor, type OrgSettings } from '#libs/definitions';
import { orderingKey, type EventAppender } from '#libs/event-log';
import { formatErrors, normalizeAmounts, validateEvent, type CanonicalEvent } from '#libs/events';

export type IngestStatus = 'accepted' | 'duplicate' | 'rejected';

export interface IngestOutcome {
  index: number; // position in the request
  status: IngestStatus;
  id?: string;
  source?: string;
  offset?: number; // where the event sits in the log (accepted and duplicate)
  topic?: string; // over Kafka: the topic and partition the offset belongs to
  partition?: number;
  reason?: string; // rejected: the field and the reason
}

// What is not an event, kept with why: the raw payload, the reason naming the field, who sent it.
export interface Rejection {
  source?: string;
  eventId?: string;
  reason: string;
  payload: string;
}

export interface RejectionSink {
  record(rejections: readonly Rejection[]): Promise<void>;
}

export interface IngestDeps {
  log: EventAppender;
  rejections: RejectionSink;
  orgs: readonly OrgSettings[];
}

// One ingest step for a request of raw items (NDJSON lines or parsed values): validate, check the
// org and its currency, append the good ones to the log in one durable batch, keep the bad ones with
// their reason. Resolves only when both are durably stored: only then may the caller acknowledge.
export async function ingest(items: readonly unknown[], deps: IngestDeps): Promise<IngestOutcome[]> {
  const outcomes: IngestOutcome[] = new Array<IngestOutcome>(items.length);
  const good: { index: number; event: CanonicalEvent }[] = [];
  const bad: Rejection[] = [];

  items.forEach((item, index) => {
    const payload = typeof item === 'string' ? item : JSON.stringify(item);
    let raw: unknown = item;
    if (typeof item === 'string') {
      try {
        raw = JSON.parse(item);
      } catch (err) {
        const reason = `invalid JSON: ${(err as Error).message}`;
        outcomes[index] = { index, status: 'rejected', reason };
        bad.push({ reason, payload });
        return;
      }
    }
    const checked = validateEvent(raw);
    let reason: string | undefined;
    let event: CanonicalEvent | undefined;
    if (!checked.ok) reason = formatErrors(checked.errors);
    else {
      event = checked.event;
      const org = orgSettingsFor(deps.orgs, event.data.orgId);
      if (org === undefined) reason = `data.orgId: unknown org ${event.data.orgId}`;
      else if (typeof event.data.currency === 'string') {
        const amounts = normalizeAmounts(event, org);
        if (!amounts.ok) reason = formatErrors(amounts.errors);
      }
    }
    const id = checked.ok ? checked.event.id : checked.id;
    const source = checked.ok ? checked.event.source : checked.source;
    if (reason !== undefined || event === undefined) {
      const rejected: IngestOutcome = { index, status: 'rejected', reason: reason ?? 'rejected' };
      if (id !== undefined) rejected.id = id;
      if (source !== undefined) rejected.source = source;
      outcomes[index] = rejected;
      const dead: Rejection = {
        reason: rejected.reason as string,
        payload,
      };
      if (source !== undefined) dead.source = source;
      if (id !== undefined) dead.eventId = id;
      bad.push(dead);
      return;
    }
    good.push({ index, event });
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
