import { spawn, type ChildProcess } from 'node:child_process';
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

const { set: definitions } = loadDefinitions(join(ROOT, 'definitions/seed'));
const events: CanonicalEvent[] = [];
for (const line of simulate({ orgs: 1, teamsPerOrg: 2, agentsPerTeam: 4, days: 10, start: '2026-11-02', seed: 5 })) {
  const checked = validateEvent(line.event);
  if (checked.ok) events.push(checked.event);
}

// The indicator processor as a real process: `kpi-pulse up --services indicator-processor`.
function startProcessor(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/kpi-pulse.js'), 'up', '--services', 'indicator-processor'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: '0',
      PROCESSOR_BATCH_SIZE: '300',
      PROCESSOR_FLUSH_MS: '20',
      PROCESSOR_CHECKPOINT_EVERY: '4',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('is up')) resolve(child);
    });
    child.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code) => reject(new Error(`processor exited with ${String(code)} before it was up: ${out}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('crash safety: kill -9 the processor mid-stream, restart it', () => {
  let t: TestDatabase;
  let url: string;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    url = `${DATABASE_URL}${DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${t.schema}`)}`;
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
    const gone = exited(first);
    while ((await progress()) < end * 0.3) await new Promise((r) => setTimeout(r, 10));
    first.kill('SIGKILL');
    await gone;
    const killedAt = await progress();
    expect(killedAt).toBeLessThan(end);

    const second = await startProcessor(url);
    while ((await progress()) < end) await new Promise((r) => setTimeout(r, 50));
    const done = exited(second);
    second.kill('SIGTERM'); // graceful: a last checkpoint
    await done;
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
