import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosterRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

// Concurrent ingest requests count the same unknown members, each in the order its events came.
describe('unknown-member counters under concurrent requests (real Postgres)', () => {
  let t: TestDatabase;
  beforeAll(async () => (t = await migratedTestDatabase()));
  afterAll(async () => t.drop());

  it('never deadlock, and add up', async () => {
    const roster = new RosterRepository(t.db);
    const agents = Array.from({ length: 40 }, (_, i) => ({ kind: 'agent' as const, id: `A${i}`, events: 1 }));
    let seed = 7;
    const shuffled = () =>
      [...agents].sort(() => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 < 0.5 ? -1 : 1));
    // the first call creates the rows; then 24 at once, each naming all 40 in an order of its own
    await roster.recordUnknown('O1', agents);
    await Promise.all(Array.from({ length: 24 }, () => roster.recordUnknown('O1', shuffled())));
    const counted = await roster.unknownOf('O1');
    expect(counted).toHaveLength(40);
    expect(new Set(counted.map((u) => u.events))).toEqual(new Set([25]));
  });
});
