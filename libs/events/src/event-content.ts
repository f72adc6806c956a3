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

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
