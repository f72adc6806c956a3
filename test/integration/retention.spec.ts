import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderingKey } from '#libs/event-log';
import type { CanonicalEvent } from '#libs/events';
import { RetentionRunner, type PruneBatch } from '#libs/pipeline';
import {
  PostgresEventLog,
  PostgresFeedTransport,
  RejectedEventsRepository,
  RetentionRepository,
  RevokedTokensRepository,
  ScorecardsRepository,
} from '#libs/postgres';
import { openDatabase } from '../../services/runtime/src/database';
import { PipelineMetrics } from '../../services/runtime/src/metrics';
import { unusedPort } from '../support/ports';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { until } from '../support/until';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-30T00:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

function event(id: string, padding = ''): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'ticketing/zendesk',
    type: 'ticket.created',
    time: '2026-11-30T08:00:00+08:00',
    data: { orgId: 'O1', teamId: 'T1', ticketId: `t-${id}`, channel: 'chat', note: padding },
  };
}

describe('retention (real Postgres, real migrations)', () => {
  let t: TestDatabase;
  let store: RetentionRepository;
  let log: PostgresEventLog;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    store = new RetentionRepository(t.db);
    log = new PostgresEventLog(t.db);
  });
  afterAll(async () => t.drop());

  // batch after batch until one comes back short, as the runner does
  const pruneAll = async (first: PruneBatch): Promise<number> => {
    let batch = first;
    let total = 0;
    for (;;) {
      const { deleted, reached } = await store.prune(batch);
      total += deleted;
      if (deleted < batch.limit) return total;
      if (reached !== undefined) batch = { ...batch, after: reached };
    }
  };

  const offsets = async (): Promise<number[]> =>
    (await t.db.query<{ offset: string }[]>(`SELECT "offset" FROM event_log ORDER BY "offset"`)).map((r) =>
      Number(r.offset),
    );

  it('forgets logged events before the cutoff, never one a consumer or a checkpoint has not passed', async () => {
    const appended = await log.append(Array.from({ length: 10 }, (_, i) => event(`e${i}`)).map(record));
    const [first] = appended.map((a) => a.offset);
    const o = (i: number) => (first as number) + i;
    // event i appended at T0 + i hours
    await t.db.query(`UPDATE event_log SET appended_at = $1::timestamptz + ("offset" - $2) * interval '1 hour'`, [
      at(0),
      first,
    ]);
    const before = at(6 * HOUR);
    // no consumer and no checkpoint yet: nothing is known to be read
    expect((await store.prune({ target: 'event-log', before, limit: 100 })).deleted).toBe(0);

    await log.commitOffset('indicator-processor', o(8));
    // the consumer has read up to 8, but a restart replays from its checkpoint at 3
    await t.db.query(
      `INSERT INTO processor_checkpoints (processor, "offset", snapshot) VALUES ('indicator-processor', $1, '{}')`,
      [o(3)],
    );
    expect((await store.prune({ target: 'event-log', before, limit: 100 })).deleted).toBe(4);
    expect(await offsets()).toEqual([4, 5, 6, 7, 8, 9].map(o));

    // checkpointed at 8 now: 4 and 5 go (appended before the cutoff), 6 (appended at it) and later stay
    await t.db.query(`UPDATE processor_checkpoints SET "offset" = $1`, [o(8)]);
    expect((await store.prune({ target: 'event-log', before, limit: 1 })).deleted).toBe(1);
    expect((await store.prune({ target: 'event-log', before, limit: 100 })).deleted).toBe(1);
    expect(await offsets()).toEqual([6, 7, 8, 9].map(o));

    // a second consumer behind the others holds everything after its offset
    await log.commitOffset('replayer', o(6));
    expect((await store.prune({ target: 'event-log', before: at(24 * HOUR), limit: 100 })).deleted).toBe(1);
    expect(await offsets()).toEqual([7, 8, 9].map(o));
    await t.db.query(`DELETE FROM consumer_offsets WHERE consumer = 'replayer'`);
  });

  it('forgets dead letters received before the cutoff', async () => {
    await new RejectedEventsRepository(t.db).record(
      [0, 1, 2].map((i) => ({
        eventId: `r${i}`,
        field: 'type',
        code: 'unknown_type' as const,
        reason: 'bad',
        payload: '{}',
      })),
    );
    await t.db.query(
      `UPDATE rejected_events SET received_at = $1::timestamptz + (event_id = 'r1')::int * interval '1 hour'
         + (event_id = 'r2')::int * interval '2 hours'`,
      [at(0)],
    );
    expect((await store.prune({ target: 'dead-letters', before: at(HOUR), limit: 100 })).deleted).toBe(1);
    const left = await t.db.query<{ event_id: string }[]>(`SELECT event_id FROM rejected_events ORDER BY event_id`);
    expect(left.map((r) => r.event_id)).toEqual(['r1', 'r2']);
  });

  it('keeps feed rows a live reader has not read, and forgets a gone reader', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    // a live reader stuck on its first message: it has read nothing since it opened
    const reader = await new PostgresFeedTransport(t.db).subscribe('scorecard-updates', () => blocked, {
      consumer: 'gateway',
      mode: 'every',
      onError: () => undefined,
    });
    // and a reader of the breaches whose process died an hour ago
    await t.db.query(`INSERT INTO feed_readers (reader, topic, position, seen_at) VALUES ('dead', 'breaches', 0, $1)`, [
      at(0),
    ]);
    for (const topic of ['scorecard-updates', 'breaches', 'definitions'])
      await t.db.query(`INSERT INTO feed (topic, payload, created_at) SELECT $1, '{}', $2 FROM generate_series(1, 3)`, [
        topic,
        at(0),
      ]);
    const before = new Date(Date.now() - 60_000);
    // the definitions rows have no reader and the breaches' reader is gone: those go; the live reader's stay
    expect((await store.prune({ target: 'feed', before, limit: 4 })).deleted).toBe(4);
    expect((await store.prune({ target: 'feed', before, limit: 4 })).deleted).toBe(2);
    expect(await feedRows()).toEqual(['scorecard-updates', 'scorecard-updates', 'scorecard-updates']);
    expect(await t.db.query(`SELECT reader FROM feed_readers WHERE reader = 'dead'`)).toEqual([]);

    release();
    await reader.close(); // a closed reader holds nothing
    expect((await store.prune({ target: 'feed', before, limit: 4 })).deleted).toBe(3);
    expect(await feedRows()).toEqual([]);
  });

  const feedRows = async () =>
    (await t.db.query<{ topic: string }[]>(`SELECT topic FROM feed ORDER BY id`)).map((r) => r.topic);

  it('thins indicator history to the last version of each step, and keeps each value’s latest', async () => {
    // one rolling value with a version every 10 minutes for 3 hours, and a closed day's value
    const key = `'ivh', 'O1', 'team', 'T1'`;
    await t.db.query(
      `INSERT INTO indicator_value_history (indicator, org_id, level, entity_id, "window", period, period_start, log_offset, value, recorded_at)
       SELECT ${key}, 'rolling:7d', 'rolling', $1, i, i, $1::timestamptz + i * interval '10 minutes' FROM generate_series(0, 17) i`,
      [at(0)],
    );
    await t.db.query(
      `INSERT INTO indicator_value_history (indicator, org_id, level, entity_id, "window", period, period_start, log_offset, value, recorded_at)
       SELECT ${key}, 'day', '2026-11-29', $1, i, i, $1::timestamptz + i * interval '10 minutes' FROM generate_series(2, 4) i`,
      [at(-24 * HOUR)],
    );
    const versions = async (window: string) =>
      (
        await t.db.query<{ recorded_at: Date }[]>(
          `SELECT recorded_at FROM indicator_value_history WHERE indicator = 'ivh' AND "window" = $1 ORDER BY log_offset`,
          [window],
        )
      ).map((r) => (r.recorded_at.getTime() - T0) / 60_000);
    // everything older than 2 h 30 min, thinned to hours (in batches of 4)
    const deleted = await pruneAll({ target: 'indicator-history', before: at(2.5 * HOUR), stepMs: HOUR, limit: 4 });
    // hour 0: 0…50 → 50 stays; hour 1: 60…110 → 110; hour 2: 120…140 go, its last version is a young one;
    // the closed day: its closing version (40 minutes past) only
    expect(await versions('rolling:7d')).toEqual([50, 110, 150, 160, 170]);
    expect(await versions('day')).toEqual([-24 * 60 + 40]);
    expect(deleted).toBe(13 + 2);

    // a later pass, from the last cutoff less a step: hour 2 is thinned to its last version now that it is old
    await t.db.query(
      `INSERT INTO indicator_value_history (indicator, org_id, level, entity_id, "window", period, period_start, log_offset, value, recorded_at)
       VALUES (${key}, 'rolling:7d', 'rolling', $1, 18, 18, $2)`,
      [at(0), at(3 * HOUR)],
    );
    await store.prune({
      target: 'indicator-history',
      before: at(4 * HOUR),
      after: at(1.5 * HOUR),
      stepMs: HOUR,
      limit: 100,
    });
    expect(await versions('rolling:7d')).toEqual([50, 110, 170, 180]);
  });

  it('thins scorecard history the same way, leaving the reporting answers for the retained range unchanged', async () => {
    const repo = new ScorecardsRepository(t.db);
    const team = { orgId: 'O1', level: 'team' as const, id: 'T9' };
    // two monthly periods' cards: October's versions an hour apart (closed), November's every 20 minutes
    await t.db.query(
      `INSERT INTO scorecard_history (scorecard, org_id, level, entity_id, period_start, total, grade, recorded_at)
       SELECT 'sc', 'O1', 'team', 'T9', '2026-10-01'::timestamptz, 80 + i, 'B', $1::timestamptz + i * interval '1 hour' FROM generate_series(0, 2) i
       UNION ALL
       SELECT 'sc', 'O1', 'team', 'T9', '2026-11-01'::timestamptz, 60 + i, 'C', $2::timestamptz + i * interval '20 minutes' FROM generate_series(0, 8) i
       ORDER BY 8`,
      [at(-48 * HOUR), at(0)],
    );
    const before = at(2 * HOUR);
    const points = await repo.history('sc', team, 100);
    const retained = points.filter((p) => p.recordedAt >= before);
    expect(await pruneAll({ target: 'scorecard-history', before, stepMs: HOUR, limit: 3 })).toBe(4);
    const after = await repo.history('sc', team, 100);
    expect(after.filter((p) => p.recordedAt >= before)).toEqual(retained);
    // October: each hour's version (an hour apart, all kept); November before 2 h: the last of each hour
    expect(after.map((p) => [p.periodStart.toISOString().slice(0, 7), p.total])).toEqual([
      ['2026-11', 68],
      ['2026-11', 67],
      ['2026-11', 66],
      ['2026-11', 65],
      ['2026-11', 62],
      ['2026-10', 82],
      ['2026-10', 81],
      ['2026-10', 80],
    ]);
  });

  it('forgets resolved breaches after the cutoff, never an open one', async () => {
    await t.db.query(
      `INSERT INTO red_line_breaches (scorecard, kpi, effect, org_id, level, entity_id, period_start, opened_at, resolved_at)
       VALUES ('sc', 'open', 'veto', 'O1', 'team', 'T1', $1, $1, NULL),
              ('sc', 'old', 'veto', 'O1', 'team', 'T1', $1, $1, $1),
              ('sc', 'at-cutoff', 'veto', 'O1', 'team', 'T1', $1, $1, $2)`,
      [at(0), at(HOUR)],
    );
    expect((await store.prune({ target: 'breaches', before: at(HOUR), limit: 100 })).deleted).toBe(1);
    const left = await t.db.query<{ kpi: string }[]>(`SELECT kpi FROM red_line_breaches ORDER BY kpi`);
    expect(left.map((r) => r.kpi)).toEqual(['at-cutoff', 'open']);
  });

  it('forgets revocations made before the cutoff (every token they could name has expired)', async () => {
    const revoked = new RevokedTokensRepository(t.db);
    for (const jti of ['j0', 'j1', 'j2']) await revoked.revoke('O1', jti, 'admin@O1');
    await t.db.query(
      `UPDATE revoked_tokens SET revoked_at = $1::timestamptz + (jti = 'j1')::int * interval '1 hour'
         + (jti = 'j2')::int * interval '2 hours'`,
      [at(0)],
    );
    expect((await store.prune({ target: 'revoked-tokens', before: at(HOUR), limit: 100 })).deleted).toBe(1);
    expect(await revoked.isRevoked('O1', 'j0')).toBe(false);
    expect(await revoked.isRevoked('O1', 'j1')).toBe(true);
    expect(await revoked.isRevoked('O1', 'j2')).toBe(true);
  });

  it('forgets delivered and failed alert deliveries after the cutoff, never a pending one', async () => {
    const [subscription] = await t.db.query<{ id: string }[]>(
      `INSERT INTO alert_subscriptions (org_id, owner, matchers, channel, language, group_by, group_wait_ms,
         group_interval_ms, repeat_interval_ms)
       VALUES ('O1', '{}', '{}', '{"kind":"slack","url":"https://x"}', 'en', '{team}', 0, 0, 0) RETURNING id`,
    );
    await t.db.query(
      `INSERT INTO alert_deliveries (subscription_id, org_id, idempotency_key, channel_kind, group_key, reason, alerts,
         title, message, status, updated_at)
       VALUES ($1, 'O1', 'old-pending', 'slack', '', 'changes', '{}', 't', '{}', 'pending', $2),
              ($1, 'O1', 'old-delivered', 'slack', '', 'changes', '{}', 't', '{}', 'delivered', $2),
              ($1, 'O1', 'old-failed', 'slack', '', 'changes', '{}', 't', '{}', 'failed', $2),
              ($1, 'O1', 'new-delivered', 'slack', '', 'changes', '{}', 't', '{}', 'delivered', $3)`,
      [subscription?.id, at(0), at(HOUR)],
    );
    expect((await store.prune({ target: 'deliveries', before: at(HOUR), limit: 100 })).deleted).toBe(2);
    const left = await t.db.query<{ key: string }[]>(
      `SELECT idempotency_key AS key FROM alert_deliveries ORDER BY idempotency_key`,
    );
    expect(left.map((r) => r.key)).toEqual(['new-delivered', 'old-pending']);
  });

  it('frees space: after pruning and a vacuum, as many rows again fit in the same pages', async () => {
    const size = async () =>
      Number((await t.db.query<{ n: string }[]>(`SELECT pg_total_relation_size('event_log') AS n`))[0]?.n);
    const fill = async (prefix: string) => {
      for (let b = 0; b < 4; b++)
        await log.append(Array.from({ length: 500 }, (_, i) => record(event(`${prefix}-${b}-${i}`, 'x'.repeat(600)))));
    };
    const earlier = (await offsets()).length;
    await fill('a');
    await t.db.query(`VACUUM event_log`);
    const full = await size();
    const end = await log.endOffset();
    await log.commitOffset('indicator-processor', end);
    await t.db.query(
      `INSERT INTO processor_checkpoints (processor, "offset", snapshot) VALUES ('indicator-processor', $1, '{}')
       ON CONFLICT (processor) DO UPDATE SET "offset" = excluded."offset"`,
      [end],
    );

    const metrics = new PipelineMetrics();
    const runner = RetentionRunner.start({
      store,
      policies: { 'event-log': { keepMs: HOUR } },
      everyMs: 3_600_000,
      batchSize: 500,
      pauseMs: 0,
      now: () => Date.now() + 2 * HOUR, // everything logged is an hour older than that
      metrics: { prunedRows: metrics.retentionPrunedRows },
      logger: { error: () => undefined, warn: () => undefined },
    });
    // the first pass runs at once, 500 rows a batch
    await until(async () => (await offsets()).length === 0);
    await runner.stop();
    expect(await offsets()).toEqual([]);
    expect(await metrics.registry.getSingleMetricAsString('kpi_retention_pruned_rows_total')).toContain(
      `kpi_retention_pruned_rows_total{table="event-log"} ${2000 + earlier}`,
    );

    await t.db.query(`VACUUM event_log`);
    await fill('b');
    // without the pruning (or the vacuum) the table would have doubled
    const refilled = await size();
    expect(refilled).toBeLessThan(full * 1.25);
  });

  it('runs the embedded Postgres with WAL bounded and an eager autovacuum', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kpi-retention-'));
    const database = await openDatabase({ dataDir, port: await unusedPort() });
    try {
      const show = async (name: string) =>
        (await database.db.query<Record<string, string>[]>(`SHOW ${name}`))[0]?.[name];
      expect(await show('max_wal_size')).toBe('128MB');
      expect(await show('min_wal_size')).toBe('32MB');
      expect(await show('wal_keep_size')).toBe('0');
      expect(await show('autovacuum')).toBe('on');
      expect(await show('autovacuum_naptime')).toBe('15s');
      expect(await show('autovacuum_vacuum_scale_factor')).toBe('0.05');
    } finally {
      await database.close();
    }
  }, 60_000);
});

const record = (e: CanonicalEvent) => ({ key: orderingKey(e), event: e });
