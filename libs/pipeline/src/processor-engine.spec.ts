import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { parsePublished } from './definitions-registry';
import { ProcessorEngine } from './processor-engine';
import type { IndicatorStore } from './processor-store';

const definitions = parsePublished(`apiVersion: kpi-pulse/v1
orgs:
  - { id: '*', timeZone: UTC, currency: CNY }
indicators:
  - id: support.fcr
    name: { en: First-contact resolution, zh: 一次解决率 }
    description: Tickets solved on the first contact ÷ all tickets solved.
    unit: ratio
    windows: [month]
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
`);

const store: IndicatorStore = {
  loadCheckpoint: () => Promise.resolve(undefined),
  save: () => Promise.resolve(),
  findKeys: () => Promise.resolve(new Map()),
  findJourneys: () => Promise.resolve([]),
  findValues: () => Promise.resolve([]),
  forgetProcessor: () => Promise.resolve(),
};

const solved = (n: number): CanonicalEvent => ({
  specversion: '1.0',
  id: `e-${n}`,
  source: 'ticketing/zendesk',
  type: 'ticket.solved',
  time: new Date(Date.parse('2026-11-02T10:00:00Z') + n * 1000).toISOString(),
  data: { orgId: 'O1', teamId: 'T1', agentId: 'A1', ticketId: `t-${n}`, contacts: 1 },
});

describe('ProcessorEngine checkpoints', () => {
  it('are taken every few flushes, but never more often than nine times the time the last snapshot took', async () => {
    if (definitions === undefined) throw new Error('the test definitions do not parse');
    let now = 0;
    const clock = () => (now += 100); // every reading of the clock: 100 ms later (a snapshot takes 100)
    const { unit } = await ProcessorEngine.load(store, 'p', definitions, { repeats: 'log', clock });
    const checkpointed: boolean[] = [];
    for (let n = 0; n < 12; n++) {
      unit.fold([solved(n)], undefined);
      const write = unit.takeWrite({
        processor: 'p',
        offset: n,
        checkpointEvery: 1,
        forceCheckpoint: false,
        outbox: false,
      });
      checkpointed.push(write?.checkpoint !== undefined);
    }
    // the first at 100 (taken 200–300: next not before 1,200); the flushes read 400 … 1,100, then 1,200
    expect(checkpointed).toEqual([true, false, false, false, false, false, false, false, false, true, false, false]);
    expect(unit.checkpointBytes).toBeGreaterThan(0);
    const forced = unit.takeWrite({
      processor: 'p',
      offset: 12,
      checkpointEvery: 1,
      forceCheckpoint: true,
      outbox: false,
    });
    expect(forced?.checkpoint).toBeDefined(); // stopping: always
  });
});
