import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { PartitionProcessor, RosterHistory } from '#libs/pipeline';
import { IndicatorStateRepository, RosterRepository } from '#libs/postgres';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { importRoster } from '../support/roster';

const { set: definitions } = loadDefinitions('definitions/seed');

// The Kafka path's engines attribute events by the roster of record, read from Postgres before a batch.
describe('roster history over real Postgres (the partition processor)', () => {
  let t: TestDatabase;
  beforeAll(async () => (t = await migratedTestDatabase()));
  afterAll(async () => t.drop());

  it("reads every org's memberships with their dates, and a partition's events count for the roster's team", async () => {
    await importRoster(t.db, 'O1', [['A9', 'T2']], '2026-01-01');
    const roster = new RosterRepository(t.db);
    await roster.move('O1', [{ agentId: 'A9', teamId: 'T3', from: '2026-11-03' }]);
    expect(await roster.memberships(['O1', 'O2'])).toEqual(
      new Map([
        [
          'O1',
          [
            { agentId: 'A9', teamId: 'T2', from: '2026-01-01', to: '2026-11-03' },
            { agentId: 'A9', teamId: 'T3', from: '2026-11-03', to: null },
          ],
        ],
      ]),
    );

    const store = new IndicatorStateRepository(t.db);
    const processor = new PartitionProcessor({
      name: 'roster-history',
      store,
      definitions,
      checkpointEvery: 1,
      topics: ['kpi.events.ticketing'],
      idleMs: 0,
      roster: new RosterHistory(roster),
    });
    await processor.assign(0);
    const forged = (id: string, time: string) => {
      const e = ticketSolved(id, 1, time);
      return { ...e, data: { ...e.data, teamId: 'T1', agentId: 'A9' } };
    };
    const records = [
      { topic: 'kpi.events.ticketing', offset: 0, event: forged('h1', '2026-11-02T23:00:00+08:00') },
      { topic: 'kpi.events.ticketing', offset: 1, event: forged('h2', '2026-11-03T01:00:00+08:00') },
    ];
    const { changes } = await processor.receive(0, records, 0);
    const teams = new Set(changes.filter((c) => c.entity.level === 'team').map((c) => c.entity.id));
    expect(teams).toEqual(new Set(['T2', 'T3'])); // the move's day in Shanghai, not UTC's; never T1
  });
});
