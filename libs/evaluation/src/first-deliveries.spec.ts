import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { FirstDeliveries } from './first-deliveries';

const event = (source: string, id: string): CanonicalEvent => ({
  specversion: '1.0',
  source,
  id,
  type: 'call.ended',
  time: '2026-11-01T00:00:00Z',
  data: { orgId: 'O1' },
});

describe('FirstDeliveries', () => {
  it('answers the first line of every key seen again, through growth, and reads again only those lines', () => {
    const lines: string[] = [];
    const reread: number[] = [];
    const firsts = new FirstDeliveries((n) => {
      reread.push(n);
      return lines[n - 1] as string;
    });
    const keys = 100_000; // the table starts at 65,536 slots: it grows once
    let taken = 0;
    for (let i = 0; i < keys; i++) {
      const e = event(i % 2 === 0 ? 'crm/hubspot' : 'ticketing/zendesk', `e-${i}`);
      lines.push(JSON.stringify(e));
      if (firsts.firstOf(e, i + 1) === undefined) taken++;
    }
    expect(taken).toBe(keys);
    expect(reread).toEqual([]);
    // the same ids from another source are other keys
    expect(firsts.firstOf(event('telephony/aircall', 'e-7'), keys + 1)).toBeUndefined();
    for (const i of [0, 1, 65_535, 99_999]) {
      const again = event(i % 2 === 0 ? 'crm/hubspot' : 'ticketing/zendesk', `e-${i}`);
      expect(firsts.firstOf(again, keys + 2)).toEqual({ line: i + 1, event: again });
    }
    expect(reread).toEqual([1, 2, 65_536, 100_000]);
  }, 60_000);

  it('tells keys apart that differ only in where source ends and id begins', () => {
    const lines = [JSON.stringify(event('a', 'bc'))];
    const firsts = new FirstDeliveries((n) => lines[n - 1] as string);
    expect(firsts.firstOf(event('a', 'bc'), 1)).toBeUndefined();
    expect(firsts.firstOf(event('ab', 'c'), 2)).toBeUndefined();
    expect(firsts.firstOf(event('a', 'bc'), 3)?.line).toBe(1);
  });
});
