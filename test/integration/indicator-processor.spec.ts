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

  it('after a crash between checkpoints, with quiet keys parked in Postgres, the restarted processor ends with the values evaluate computes', async () => {
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
            `SELECT count(*) AS n FROM parked_journeys WHERE processor = 'indicator-processor' AND ${where}`,
          )
        )[0]?.n,
      );
    expect(await parked()).toBeGreaterThan(50);
    const inSnapshot = (checkpoint?.snapshot.orgs ?? []).flatMap((o) => o.journeys ?? []).flatMap((j) => j.keys);
    const stored = await t.db.query<{ indicator: string; journey_key: string }[]>(
      `SELECT indicator, journey_key FROM parked_journeys WHERE processor = 'indicator-processor'`,
    );
    expect(stored.length).toBeGreaterThan(inSnapshot.length / 10);

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

    const compared = expectStoredEqualsEvaluate(await store.latestValues('O1'), events, definitions, {
      skipRolling: false,
      timeZone: 'Asia/Shanghai',
    });
    expect(compared).toBeGreaterThan(400);
  });
});
