import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { orderingKey } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { evaluate } from '#libs/evaluation';
import { IndicatorProcessor } from '#libs/pipeline';
import { IndicatorStateRepository, PostgresEventLog } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { formatLocal } from '#libs/time';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

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

  it('after a crash between checkpoints, the restarted processor ends with the values evaluate computes', async () => {
    const log = new PostgresEventLog(t.db);
    const store = new IndicatorStateRepository(t.db);
    const options = { name: 'indicator-processor', log, store, definitions, batchSize: 700, checkpointEvery: 3 };

    // the first process folds 8 batches (checkpoints after 3 and 6), then dies without a word
    const first = await IndicatorProcessor.start(options);
    for (let i = 0; i < 8; i++) await first.poll();
    const checkpoint = await store.loadCheckpoint('indicator-processor');
    expect(checkpoint?.offset).toBeLessThan(first.offset);

    // the second restores the checkpoint and replays from its offset to the end of the log
    const second = await IndicatorProcessor.start(options);
    expect(second.offset).toBe(checkpoint?.offset);
    while ((await second.poll()).events > 0);
    const asOf = Math.max(...events.map((e) => Date.parse(e.time)));
    await second.tick(asOf);
    expect(second.indicatorEngine.stats.duplicate).toBe(0);

    const report = evaluate({
      definitions,
      lines: events.map((e) => JSON.stringify(e)),
      asOf: formatLocal('Asia/Shanghai', asOf),
    });
    const stored = new Map(
      (await store.latestValues('O1')).map((v) => [
        `${v.indicator}|${v.entity.level}|${v.entity.id}|${v.window}|${formatLocal('Asia/Shanghai', v.periodStart)}`,
        v,
      ]),
    );
    expect(report.indicators.length).toBeGreaterThan(500);
    let compared = 0;
    for (const want of report.indicators) {
      const got = stored.get(
        `${want.indicator}|${want.entity.level}|${want.entity.id}|${want.window}|${want.periodStart}`,
      );
      // a period nothing was ever counted in has no row: the same as an empty value
      if (got === undefined) {
        expect({ want, numerator: want.numerator }).toEqual({ want, numerator: want.numerator === null ? null : 0 });
        continue;
      }
      compared++;
      const close = (a: number | null, b: number | null) =>
        a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)));
      if (!close(got.value, want.value) || !close(got.numerator, want.numerator)) {
        expect({ key: want, got }).toEqual({ key: want, got: want });
      }
    }
    expect(compared).toBeGreaterThan(400);
  });
});
