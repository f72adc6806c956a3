import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from './canonical-event';
import { contentFingerprint, eventContent } from './event-content';

const solved: CanonicalEvent = {
  specversion: '1.0',
  id: 'e1',
  source: 'ticketing/zendesk',
  type: 'ticket.solved',
  time: '2026-11-02T10:00:00+08:00',
  data: { orgId: 'O1', teamId: 'T1', ticketId: 'k1', contacts: 1, tags: [{ b: 1, a: 2 }] },
};

describe('eventContent', () => {
  it('is the same whatever the key order, the way the time is written and the transport attributes', () => {
    const same = {
      datacontenttype: 'application/json',
      traceparent: '00-abc-def-01',
      data: { tags: [{ a: 2, b: 1 }], contacts: 1, ticketId: 'k1', teamId: 'T1', orgId: 'O1' },
      time: '2026-11-02T02:00:00Z',
      type: 'ticket.solved',
      source: 'ticketing/zendesk',
      id: 'e1',
      specversion: '1.0',
    } as CanonicalEvent;
    expect(eventContent(same)).toBe(eventContent(solved));
    // the jsonb round trip of the Postgres log
    expect(eventContent(JSON.parse(JSON.stringify(solved)) as CanonicalEvent)).toBe(eventContent(solved));
  });

  it('differs when the type, the instant, the subject, a data field or the order of a list differs', () => {
    const variants: CanonicalEvent[] = [
      { ...solved, type: 'ticket.reopened' },
      { ...solved, time: '2026-11-02T10:00:01+08:00' },
      { ...solved, subject: 'k1' },
      { ...solved, data: { ...solved.data, contacts: 2 } },
      { ...solved, data: { ...solved.data, agentId: 'A1' } },
      { ...solved, data: { ...solved.data, tags: [{ a: 2, b: 1 }, 3] } },
      { ...solved, data: { ...solved.data, contacts: '1' } },
    ];
    const contents = new Set([solved, ...variants].map(eventContent));
    expect(contents.size).toBe(variants.length + 1);
  });

  it('has a fingerprint that follows the content', () => {
    const moved = { ...solved, time: '2026-11-02T02:00:00Z', data: { ...solved.data } };
    expect(contentFingerprint(moved)).toBe(contentFingerprint(solved));
    expect(contentFingerprint({ ...solved, data: { ...solved.data, contacts: 2 } })).not.toBe(
      contentFingerprint(solved),
    );
    expect(Number.isInteger(contentFingerprint(solved)) && contentFingerprint(solved) >= 0).toBe(true);
    expect(contentFingerprint(solved)).toBeLessThan(2 ** 30);
  });
});
