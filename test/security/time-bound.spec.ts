import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '#libs/definitions';
import { orderingKey } from '#libs/event-log';
import { EVENT_TYPES, type CanonicalEvent } from '#libs/events';
import { IndicatorEngine, type EngineSnapshot, type EntityRef } from '#libs/indicators';
import { IndicatorProcessor, ingest, type Source } from '#libs/pipeline';
import {
  IndicatorStateRepository,
  PostgresEventLog,
  PostgresIngestStore,
  RejectedEventsRepository,
} from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

// Time is bounded: ingest refuses an event timed beyond the wall clock + tolerance, and a processor
// restarted from a checkpoint whose clock a far event poisoned (written before the bound existed) comes
// back with the clock clamped and counts real events again.

const { set: definitions } = loadDefinitions('definitions/seed');
const NOW = Date.parse('2026-11-10T12:00:00+08:00'); // the receivers' wall clock in this test
const time = { now: () => NOW, toleranceMs: 300_000 };
const MIN = 60_000;
const INDICATOR = 'support.avg_response_seconds'; // every ticket.replied; rolling:24h, week, month, quarter, year
const team: EntityRef = { level: 'team', id: 'T1', orgId: 'O1' };

function reply(id: string, at: number | string, orgId = 'O1'): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'ticketing/zendesk',
    type: 'ticket.replied',
    time: typeof at === 'string' ? at : new Date(at).toISOString(),
    data: {
      orgId,
      teamId: 'T1',
      agentId: 'A1',
      ticketId: `k-${id}`,
      firstReply: true,
      responseSeconds: 12,
      channel: 'chat',
    },
  };
}

describe('time is bounded (real Postgres)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await migratedTestDatabase();
  });
  afterAll(async () => t.drop());

  it('ingest rejects an event timed 2099 with field time and code too_far_ahead, and keeps it', async () => {
    const rejections = new RejectedEventsRepository(t.db);
    const items = [
      reply('now-1', NOW - MIN),
      reply('ahead-ok', NOW + 4 * MIN), // within the tolerance
      reply('far-1', '2099-01-01T00:00:00Z'),
      reply('far-2', '2099-01-01T00:00:00Z', 'nobody'), // an org no one defined: the "*" default takes it
    ];
    const zendesk: Source = {
      id: 'src-zd',
      orgId: 'O1',
      uri: 'ticketing/zendesk',
      name: 'Zendesk',
      eventTypes: EVENT_TYPES,
    };
    const outcomes = await ingest(items, { store: new PostgresIngestStore(t.db), definitions, time, source: zendesk });
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'rejected', 'rejected']);
    expect(outcomes[2]).toMatchObject({
      id: 'far-1',
      field: 'time',
      code: 'too_far_ahead',
      reason:
        "time: 2099-01-01T00:00:00.000Z is more than 300 s ahead of the receiver's clock (2026-11-10T04:00:00.000Z)",
    });
    const stored = await rejections.latest(10);
    expect(stored.filter((r) => r.code === 'too_far_ahead').map((r) => r.eventId)).toEqual(['far-2', 'far-1']);
  });

  it('a processor restarted from a checkpoint with a clock in 2099 clamps it, and later real events count', async () => {
    const log = new PostgresEventLog(t.db);
    const store = new IndicatorStateRepository(t.db);

    // Before the bound: a real event, then one timed 2099, both in the log and folded; the checkpoint
    // the old engine wrote (snapshot version 1: one clock, in 2099).
    const before = [reply('r0', NOW - 2 * 60 * MIN), reply('poison', '2099-01-01T00:00:00Z')];
    const appended = await log.append(before.map((event) => ({ key: orderingKey(event), event })));
    const old = new IndicatorEngine(definitions.indicators, definitions.orgs);
    for (const e of before) old.fold(e);
    const image = old.snapshot();
    const v1: EngineSnapshot = {
      version: 1,
      clockMs: Date.parse('2099-01-01T00:00:00Z'),
      stats: image.stats,
      dedup: image.orgs.flatMap((o) => o.dedup),
      orgs: image.orgs.map(({ clockMs: _c, dedup: _d, ...rest }) => rest),
    };
    const offset = Math.max(...appended.map((a) => a.offset));
    await store.save({
      processor: 'indicator-processor',
      offset,
      changes: [],
      checkpoint: { offset, snapshot: JSON.stringify(v1) },
    });
    // poisoned, every real event is older than every window of the clock
    const poisoned = IndicatorEngine.restore(definitions.indicators, definitions.orgs, v1);
    expect(poisoned.fold(reply('probe', NOW - MIN)).status).toBe('too-late');

    // the restart: the clock comes back at the wall clock + tolerance
    const options = { name: 'indicator-processor', log, store, definitions, batchSize: 100, checkpointEvery: 1, time };
    const processor = await IndicatorProcessor.start(options);
    expect(processor.offset).toBe(offset);
    expect(processor.indicatorEngine.clocks()).toEqual({ O1: NOW + 300_000 });
    expect(processor.indicatorEngine.value(INDICATOR, team, 'rolling:24h')?.denominator).toBe(0);

    // later real events count; one more far event that slipped into the log is refused, not folded
    const after = [reply('r1', NOW - 30 * MIN), reply('r2', NOW - 10 * MIN), reply('poison-2', '2099-06-01T00:00:00Z')];
    await log.append(after.map((event) => ({ key: orderingKey(event), event })));
    const folded = await processor.poll();
    expect(folded.events).toBe(3);
    expect(folded.tooLate).toBe(0);
    expect(folded.rejected.map((r) => [r.eventId, r.field, r.code])).toEqual([['poison-2', 'time', 'too_far_ahead']]);
    expect(folded.clocks).toEqual({ O1: NOW + 300_000 });
    await processor.flush();

    const stored = (await store.latestValues('O1')).find(
      (v) => v.indicator === INDICATOR && v.entity.level === 'team' && v.window === 'rolling:24h',
    );
    expect(stored).toMatchObject({ value: 12, numerator: 24, denominator: 2 });
    // the checkpoint is written in the new format, with the clamped clock
    const checkpoint = await store.loadCheckpoint('indicator-processor');
    expect(checkpoint?.snapshot).toMatchObject({ version: 2, orgs: [{ id: 'O1', clockMs: NOW + 300_000 }] });
  });
});
