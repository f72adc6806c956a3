import { jsonNestingBeyond, MAX_NESTING_DEPTH } from '#libs/events';

// The media types POST /v1/events reads: one event or an array of them (application/json,
// application/cloudevents+json), a CloudEvents batch (an array), or NDJSON lines.
export const EVENT_MEDIA_TYPES = [
  'application/json',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/x-ndjson',
] as const;
type EventMediaType = (typeof EVENT_MEDIA_TYPES)[number];

// A body nested deeper than this is refused whole before parsing (JSON.parse takes seconds on millions
// of levels); an event nested between MAX_NESTING_DEPTH and this is rejected on its own (too_deep).
export const MAX_BODY_NESTING = 2 * MAX_NESTING_DEPTH;

export type EventBody = { ok: true; items: unknown[] } | { ok: false; status: 400 | 413 | 415; message: string };

const refuse = (status: 400 | 413 | 415, message: string): EventBody => ({ ok: false, status, message });

function mediaTypeOf(header: string | undefined): { type: EventMediaType | undefined; charset: string | undefined } {
  const [type = '', ...params] = (header ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  const known = (EVENT_MEDIA_TYPES as readonly string[]).includes(type) ? (type as EventMediaType) : undefined;
  return { type: known, charset };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

// The items of a request to POST /v1/events, or why there are none: 415 for a missing or other
// Content-Type (or a charset other than UTF-8), 400 for a body that is empty, not UTF-8, not JSON or
// nested beyond MAX_BODY_NESTING, 413 for more than `maxEvents` events. `body`: the bytes as read.
export function readEventBody(contentType: string | undefined, body: unknown, maxEvents: number): EventBody {
  const { type, charset } = mediaTypeOf(contentType);
  if (type === undefined)
    return refuse(
      415,
      `Content-Type ${contentType === undefined ? 'is missing' : `"${contentType}" is not accepted`}: expected one of ${EVENT_MEDIA_TYPES.join(', ')}`,
    );
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return refuse(415, `charset ${charset} is not accepted: events are UTF-8`);
  if (!(body instanceof Uint8Array) || body.length === 0) return refuse(400, 'the body is empty: expected events');
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return refuse(400, 'the body is not UTF-8 text');
  }
  if (text.trim() === '') return refuse(400, 'the body is empty: expected events');
  const ndjson = type === 'application/x-ndjson';
  if (jsonNestingBeyond(text, MAX_BODY_NESTING, ndjson))
    return refuse(400, `the body nests deeper than ${MAX_BODY_NESTING} levels of objects and arrays`);
  if (ndjson) {
    // each line is checked on its own: a line that is not JSON is one rejected event
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    return lines.length > maxEvents ? tooMany(lines.length, maxEvents) : { ok: true, items: lines };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return refuse(400, `the body is not valid JSON: ${(err as Error).message}`);
  }
  if (type === 'application/cloudevents-batch+json' && !Array.isArray(parsed))
    return refuse(400, 'a CloudEvents batch (application/cloudevents-batch+json) is a JSON array of events');
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.length > maxEvents ? tooMany(items.length, maxEvents) : { ok: true, items };
}

const tooMany = (count: number, max: number): EventBody =>
  refuse(413, `${count} events, over the limit of ${max} events per request: post them in smaller batches`);
