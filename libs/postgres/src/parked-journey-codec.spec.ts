import { describe, expect, it } from 'vitest';
import type { JourneySnapshot } from '#libs/indicators';
import { decodeJourney, encodeJourney } from './parked-journey-codec';

type Stored = Omit<JourneySnapshot, 'key'>;
const T0 = Date.parse('2026-12-02T10:00:00Z');
const zd = (n: number) => `17:ticketing/zendesk:live-mx679php-zd-${n}`;
const a2 = { team: 'O1-T5', agent: 'O1-T5-A2' };

// a ticket of the demo: opened, answered three times, landed at its first answer
const ticket: Stored = {
  from: { t: T0, key: zd(1), ...a2 },
  tos: [
    { t: T0, key: zd(2), ...a2 },
    { t: T0 + 9_000, key: zd(13), team: 'O1-T5', agent: 'O1-T5-A7' },
    { t: T0 + 4_000, key: zd(3), ...a2 }, // tos keep their arrival order, not their time's
  ],
  landed: { t: T0, value: 0.0025, count: 1, ...a2 },
};

describe('parked journey codec', () => {
  it('gives back the journey it encoded', () => {
    const cases: Stored[] = [
      ticket,
      // a reply whose ticket has not come: no start, nothing landed
      { from: null, tos: [{ t: T0, key: zd(7), ...a2 }], landed: null },
      // a deal with no end, owned by no team nor agent (owners absent), and a start alone
      { from: { t: T0, key: '11:crm/hubspot:hs-826', team: undefined, agent: undefined }, tos: [], landed: null },
      // a conversion's miss, landed at the end of its window before its start's time order is known
      {
        from: { t: T0, key: 'b', team: 'T', agent: undefined },
        tos: [{ t: T0 - 60_000, key: 'a', team: undefined, agent: 'A' }],
        landed: { t: T0 + 7 * 86_400_000, value: 0, count: 1, team: 'T', agent: undefined },
      },
      // keys that quote, escape, and split a surrogate pair where they part
      {
        from: { t: 0, key: 'x"\\\n😀a', ...a2 },
        tos: [{ t: -5, key: 'x"\\\n😁b', ...a2 }],
        landed: null,
      },
    ];
    for (const journey of cases) expect(decodeJourney(encodeJourney(journey))).toEqual(journey);
  });

  it('leaves out the stored mark: the engine marks a key called back as stored', () => {
    expect(decodeJourney(encodeJourney({ ...ticket, stored: true }))).toEqual(ticket);
  });

  it('writes each owner once, the shared start of keys once, and times as differences', () => {
    const text = encodeJourney(ticket);
    expect(text.split('O1-T5-A2').length - 1).toBe(1);
    expect(text.split('ticketing/zendesk').length - 1).toBe(1);
    expect(text.split(String(T0)).length - 1).toBe(1);
    // a third of the JSON object it replaces
    expect(text.length).toBeLessThan(JSON.stringify(ticket).length / 2.5);
  });
});
