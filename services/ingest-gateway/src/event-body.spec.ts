import { describe, expect, it } from 'vitest';
import { readEventBody } from './event-body';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('readEventBody: the items of a request, or the status and message that refuse it', () => {
  it('reads an event, an array, a CloudEvents batch and NDJSON lines', () => {
    expect(readEventBody('application/json', bytes('{"a":1}'), 10)).toEqual({ ok: true, items: [{ a: 1 }] });
    expect(readEventBody('application/cloudevents+json; charset=UTF-8', bytes('[{"a":1},2]'), 10)).toEqual({
      ok: true,
      items: [{ a: 1 }, 2],
    });
    expect(readEventBody('application/cloudevents-batch+json', bytes('[]'), 10)).toEqual({ ok: true, items: [] });
    expect(readEventBody('application/x-ndjson', bytes('{"a":1}\n\n{oops\n'), 10)).toEqual({
      ok: true,
      items: ['{"a":1}', '{oops'],
    });
  });

  it.each([
    [undefined, '{}', 415, /^Content-Type is missing: expected one of application\/json, /],
    ['text/plain', '{}', 415, /^Content-Type "text\/plain" is not accepted/],
    ['application/json; charset=utf-16', '{}', 415, /^charset utf-16 is not accepted: events are UTF-8$/],
    ['application/json', '', 400, /^the body is empty: expected events$/],
    ['application/x-ndjson', ' \n \n', 400, /^the body is empty: expected events$/],
    ['application/json', '{"a": ', 400, /^the body is not valid JSON: /],
    ['application/cloudevents-batch+json', '{"a":1}', 400, /^a CloudEvents batch .* is a JSON array of events$/],
    ['application/json', '['.repeat(65), 400, /^the body nests deeper than 64 levels of objects and arrays$/],
    ['application/json', `[${'1,'.repeat(10)}1]`, 413, /^11 events, over the limit of 10 events per request/],
    ['application/x-ndjson', '{}\n'.repeat(11), 413, /^11 events, over the limit of 10 events per request/],
  ])('%s %j → %i', (type, body, status, message) => {
    const read = readEventBody(type, bytes(body), 10);
    expect(read.ok ? undefined : [read.status, read.message]).toEqual([status, expect.stringMatching(message)]);
  });

  it('refuses bytes that are not UTF-8 and a body that was never read', () => {
    expect(readEventBody('application/json', Buffer.from([0x22, 0xc3, 0x28, 0x22]), 10)).toEqual({
      ok: false,
      status: 400,
      message: 'the body is not UTF-8 text',
    });
    expect(readEventBody('application/json', undefined, 10)).toMatchObject({ ok: false, status: 400 });
  });

  it('takes nesting up to 64 levels: the events inside are bounded one by one (too_deep)', () => {
    expect(readEventBody('application/json', bytes(`${'['.repeat(64)}${']'.repeat(64)}`), 10).ok).toBe(true);
  });
});
