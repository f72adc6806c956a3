import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from './canonical-event';
import { contentFingerprint, eventContent } from './event-content';

// The content is JSON with its keys sorted at every level: the type, the time as an instant (epoch ms),
// the subject (null when there is none) and the data (docs/events.md, "Idempotency key").
const reply: CanonicalEvent = {
  specversion: '1.0',
  id: 'zd-1',
  source: 'ticketing/zendesk',
  type: 'ticket.replied',
  time: '2026-11-03T09:15:27+08:00',
  data: {
    orgId: 'acme',
    ticketId: 'k1',
    firstReply: true,
    responseSeconds: 24.5,
    tags: ['vip', { z: null, a: [1, 'two'] }, []],
    routing: {},
  },
};

describe('eventContent: the text', () => {
  it('is JSON with every key sorted, lists kept in order, and a null subject when there is none', () => {
    const text = eventContent(reply);
    expect(text).toBe(
      '{"data":{"firstReply":true,"orgId":"acme","responseSeconds":24.5,"routing":{},' +
        '"tags":["vip",{"a":[1,"two"],"z":null},[]],"ticketId":"k1"},' +
        `"subject":null,"time":${Date.UTC(2026, 10, 3, 1, 15, 27)},"type":"ticket.replied"}`,
    );
    expect(JSON.parse(text)).toEqual({
      data: reply.data,
      subject: null,
      time: Date.UTC(2026, 10, 3, 1, 15, 27),
      type: 'ticket.replied',
    });
  });

  it('carries the subject when there is one', () => {
    expect(eventContent({ ...reply, subject: 'ticket-55120', data: { orgId: 'acme' } })).toBe(
      `{"data":{"orgId":"acme"},"subject":"ticket-55120","time":${Date.UTC(2026, 10, 3, 1, 15, 27)},"type":"ticket.replied"}`,
    );
  });

  it('leaves out data fields that are undefined, as JSON does, wherever they are in the order', () => {
    const withHoles = {
      ...reply,
      data: { aaa: undefined, ...reply.data, mmm: undefined, zzz: undefined },
    } as CanonicalEvent;
    expect(eventContent(withHoles)).toBe(eventContent(reply));
    expect(contentFingerprint(withHoles)).toBe(contentFingerprint(reply));
  });

  it('tells a list from an object with the same entries, and a string from a number', () => {
    const asList = { ...reply, data: { orgId: 'acme', tags: ['a', 'b'] } };
    const asObject = { ...reply, data: { orgId: 'acme', tags: { 0: 'a', 1: 'b' } } };
    const asNumber = { ...reply, data: { orgId: 'acme', tags: 1 } };
    const asText = { ...reply, data: { orgId: 'acme', tags: '1' } };
    expect(eventContent(asList)).not.toBe(eventContent(asObject));
    expect(eventContent(asNumber)).not.toBe(eventContent(asText));
  });
});

// 32-bit FNV-1a over the UTF-16 code units, in BigInt arithmetic, without its 2 lowest bits
function fnv1a30(text: string): number {
  let hash = 0x811c9dc5n;
  for (const unit of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))) {
    hash = ((hash ^ BigInt(unit)) * 0x01000193n) & 0xffffffffn;
  }
  return Number(hash >> 2n);
}

describe('contentFingerprint', () => {
  it('is the 30-bit FNV-1a of the content, every code unit of it', () => {
    const chinese = { ...reply, data: { orgId: 'acme', comment: '服务态度好' } };
    for (const event of [reply, chinese]) {
      expect(contentFingerprint(event)).toBe(fnv1a30(eventContent(event)));
    }
  });
});
