import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { orderingKey } from '#libs/event-log';
import { validateEvent, type CanonicalEvent } from '#libs/events';
import { IndicatorStateRepository, PostgresEventLog } from '#libs/postgres';
import { simulate } from '#libs/simulator';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { expectStoredEqualsEvaluate } from '../support/stored-vs-evaluate';
import { ROOT } from './run-cli';
import { schemaUrl, startService } from '../support/service-process';

const { set: definitions } = loadDefinitions(join(ROOT, 'definitions/seed'));
const events: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 1, teamsPerOrg: 2, agentsPerTeam: 4, days: 10, start: '2026-11-02', seed: 5 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) events.push(checked.event);
}

// The indicator processor as a real process of its own: `node dist/services/indicator-processor/main.js`.
const startProcessor = (url: string) =>
  startService('indicator-processor', {
    DATABASE_URL: url,
    PROCESSOR_BATCH_SIZE: '300',
    PROCESSOR_FLUSH_MS: '20',
    PROCESSOR_CHECKPOINT_EVERY: '4',
  });

describe('crash safety: kill -9 the processor mid-stream, restart it', () => {
  let t: TestDatabase;
  let url: string;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    url = schemaUrl(DATABASE_URL, t.schema);
    const log = new PostgresEventLog(t.db);
    for (let i = 0; i < events.length; i += 2000) {
      await log.append(events.slice(i, i + 2000).map((event) => ({ key: orderingKey(event), event })));
    }
  });
  afterAll(async () => t.drop());

  it('ends with the values `evaluate` computes on the same events: nothing lost, nothing doubled', async () => {
    const end = events.length;
    const progress = async () =>
      Number(
        (await t.db.query<{ o: string | null }[]>(`SELECT max(log_offset) AS o FROM indicator_values`))[0]?.o ?? 0,
      );

    const first = await startProcessor(url);
    while ((await progress()) < end * 0.3) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = await progress();
    expect(killedAt).toBeLessThan(end);

    const second = await startProcessor(url);
    while ((await progress()) < end) await new Promise((r) => setTimeout(r, 50));
    second.child.kill('SIGTERM'); // graceful: a last checkpoint
    expect(await second.exited).toBe(0);
    const checkpoint = await new IndicatorStateRepository(t.db).loadCheckpoint('indicator-processor');
    expect(checkpoint?.offset).toBe(end);
    expect(checkpoint?.snapshot.stats.duplicate).toBe(0);

    const stored = await new IndicatorStateRepository(t.db).latestValues('O1');
    const compared = expectStoredEqualsEvaluate(stored, events, definitions, {
      skipRolling: true,
      timeZone: 'Asia/Shanghai',
    });
    expect(compared).toBeGreaterThan(500);
  });
});
