import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { orderingKey } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { IndicatorProcessor } from '#libs/pipeline';
import { IndicatorStateRepository, PostgresEventLog } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';

const { set: definitions } = loadDefinitions('definitions/seed');
const events: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 1, teamsPerOrg: 2, agentsPerTeam: 3, days: 6, start: '2026-11-02', seed: 11 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) events.push(checked.event);
}

describe('indicator processor over the Postgres log (real Postgres)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    const log = new PostgresEventLog(t.db);
    for (let i = 0; i < events.length; i += 1000) {
      await log.append(events.slice(i, i + 1000).map((event) => ({ key: orderingKey(event), event })));
    }
  });
  afterAll(async () => t.drop());

  it('after a crash between checkpoints, with quiet keys and distinct values parked in Postgres, the restarted processor ends with the values evaluate computes', async () => {
    const log = new PostgresEventLog(t.db);
    const store = new IndicatorStateRepository(t.db);
    const options = { name: 'indicator-processor', log, store, definitions, batchSize: 700, checkpointEvery: 3 };

    // the first process folds and flushes 8 batches (checkpoints after 3 and 6), folds a 9th, then
    // dies without a word
    const first = await IndicatorProcessor.start(options);
    for (let i = 0; i < 8; i++) {
      await first.poll();
      await first.flush();
    }
    await first.poll();
    const checkpoint = await store.loadCheckpoint('indicator-processor');
    expect(checkpoint?.offset).toBeLessThan(first.offset);
    // quiet tickets of the lifecycle indicators left memory and the snapshot for parked_journeys
    const parked = async (where = 'true') =>
      Number(
        (
          await t.db.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM parked_journeys j JOIN parked_journey_books b ON b.id = j.book_id
             WHERE b.processor = 'indicator-processor' AND ${where}`,
          )
        )[0]?.n,
      );
    expect(await parked()).toBeGreaterThan(50);
    const inSnapshot = (checkpoint?.snapshot.orgs ?? []).flatMap((o) => o.journeys ?? []).flatMap((j) => j.keys);
    const stored = await t.db.query<{ indicator: string; journey_key: string }[]>(
      `SELECT b.indicator, j.journey_key FROM parked_journeys j JOIN parked_journey_books b ON b.id = j.book_id
       WHERE b.processor = 'indicator-processor'`,
    );
    expect(stored.length).toBeGreaterThan(inSnapshot.length / 10);
    // the tickets of the distinct counts' months, quarters and years left their sets for parked_values:
    // the snapshot holds their counts, each value is stored once per list of tallies it counts in, and
    // the values of an indicator share far fewer lists
    const parkedValues = await t.db.query<{ indicator: string; side: string; tallies: string[] }[]>(
      `SELECT s.indicator, s.side, s.tallies FROM parked_values v JOIN parked_value_sets s ON s.id = v.set_id
       WHERE s.processor = 'indicator-processor'`,
    );
    const lists = new Set(parkedValues.map((v) => JSON.stringify([v.indicator, v.side, v.tallies])));
    expect(lists.size).toBeLessThan(parkedValues.length / 4);
    expect([...new Set(parkedValues.map((v) => v.indicator))]).toEqual(
      expect.arrayContaining(['support.resolved_24h_rate', 'support.reopen_rate', 'presales.inquiry_conversion']),
    );
    expect(parkedValues.length).toBeGreaterThan(100);
    expect(Math.max(...parkedValues.map((v) => v.tallies.length))).toBeGreaterThanOrEqual(6);
    let counted = 0;
    for (const o of checkpoint?.snapshot.orgs ?? [])
      for (const e of o.entities)
        for (const i of e.indicators)
          for (const w of i.windows ?? [])
            if (w.kind === 'calendar' && w.window !== 'day')
              for (const p of w.periods) {
                expect([...(p.numKeys ?? []), ...(p.denKeys ?? [])]).toEqual([]);
                if (p.numKeys !== undefined || p.denKeys !== undefined) counted += p.num + p.den;
              }
    expect(counted).toBeGreaterThan(parkedValues.length);

    // the second restores the checkpoint and replays from its offset to the end of the log
    const second = await IndicatorProcessor.start(options);
    expect(second.offset).toBe(checkpoint?.offset);
    while ((await second.poll()).events > 0) await second.flush();
    const asOf = Math.max(...events.map((e) => Date.parse(e.time)));
    second.tick(asOf);
    await second.checkpoint();
    expect(second.indicatorEngine.stats.duplicate).toBe(0);
    // the keys whose deadline the clocks passed are forgotten by the store too
    const clocks = second.indicatorEngine.journeyClocks();
    expect(clocks.length).toBeGreaterThan(0);
    for (const c of clocks)
      expect(await parked(`indicator = '${c.indicator}' AND deadline_ms <= ${c.clockMs}`)).toBe(0);
    // and the values whose tallies all closed by their org's clock
    const [expired] = await t.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM parked_values v JOIN parked_value_sets s ON s.id = v.set_id
       WHERE s.processor = 'indicator-processor' AND s.expires_ms <= $1`,
      [second.indicatorEngine.clockOf('O1')],
    );
    expect(Number(expired?.n)).toBe(0);

    const compared = expectStoredEqualsEvaluate(await store.latestValues('O1'), events, definitions, {
      skipRolling: false,
      timeZone: 'Asia/Shanghai',
    });
    expect(compared).toBeGreaterThan(400);
  });
});
