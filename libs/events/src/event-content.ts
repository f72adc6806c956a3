import type { CanonicalEvent } from './canonical-event';
import { parseTimestamp } from './time-format';

// What a delivery says, as one string: two deliveries of one (source, id) are the same event when their
// contents are equal, and a conflict otherwise. The content is the type, the time as an instant (an
// offset written another way is the same moment), the subject and the data, as JSON with keys sorted
// at every level (the Postgres log keeps jsonb, which reorders keys). Left out: the key itself
// (source, id), specversion, and every other envelope attribute (datacontenttype, traceparent, …):
// they describe the transport, not the event.
export function eventContent(event: CanonicalEvent): string {
  return canonicalJson({
    type: event.type,
    time: parseTimestamp(event.time),
    subject: event.subject ?? null,
    data: event.data,
  });
}

// JSON with keys sorted at every level, so the same data always gives the same text (and hash):
// otherwise as JSON.stringify writes it (undefined members left out, undefined in an array as null)
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

// The content as a 30-bit number (FNV-1a of eventContent, kept small enough for V8 to store unboxed),
// for memories that hold one per event: two different contents share it with a chance of 1 in 2^30.
export function contentFingerprint(event: CanonicalEvent): number {
  const text = eventContent(event);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 2;
}
