import { trainingDefinitions } from '../../libs/definitions/src/sample-definitions.fixture';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { EVENT_TYPES } from '#libs/events';
import { ingest, type Source } from '#libs/pipeline';
import { PostgresEventLog, PostgresIngestStore, RejectedEventsRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { manualScore } from '../support/events';

const DEFINITIONS = trainingDefinitions();

// A source of org O1 that may send every event type of the contract.
const source = (uri: string): Source => ({ id: `src-${uri}`, orgId: 'O1', uri, name: uri, eventTypes: EVENT_TYPES });

function deal(id: string, currency = 'CNY'): CanonicalEvent {
  return {
    specversion: '1.0',
    id,
    source: 'crm/hubspot',
    type: 'crm.deal.won',
    time: '2026-11-05T09:00:00+08:00',
    data: {
      orgId: 'O1',
      teamId: 'T1',
      agentId: 'A1',
      dealId: `d-${id}`,
      amount: 100,
      currency,
      sqlAt: '2026-10-01T09:00:00+08:00',
    },
  };
}

describe('ingest: check, log the good, keep the bad with the field, code and reason (real Postgres)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await migratedTestDatabase();
  });
  afterAll(async () => t.drop());

  it('answers per event and stores every one of them durably, in the log or as a rejection', async () => {
    const log = new PostgresEventLog(t.db);
    const rejections = new RejectedEventsRepository(t.db);
    const bad = { ...deal('e4'), data: { ...deal('e4').data, amount: -5 } };
    const items = [
      JSON.stringify(deal('e1')),
      JSON.stringify(deal('e1')), // the same (source, id) again
      '{"specversion": "1.0", ',
      JSON.stringify(bad),
      JSON.stringify(deal('e5', 'GBP')),
      deal('e6', 'USD'), // already parsed; a currency with a rate
      manualScore('m1', 'cs.training', 999, 'trainer-1'), // outside the indicator's scale
      manualScore('m2', 'cs.training', 80, 'intern-7'), // a reviewer the indicator does not list
      manualScore('m3', 'cs.training', 80, 'trainer-1'),
    ];
    // one request per source, as each source's credential sends its own
    const crm = await ingest(items.slice(0, 6), {
      store: new PostgresIngestStore(t.db),
      definitions: DEFINITIONS,
      source: source('crm/hubspot'),
    });
    const reviews = await ingest(items.slice(6), {
      store: new PostgresIngestStore(t.db),
      definitions: DEFINITIONS,
      source: source('reviews/lms'),
    });
    const outcomes = [...crm, ...reviews.map((o) => ({ ...o, index: o.index + 6 }))];
    expect(outcomes.map((o) => o.status)).toEqual([
      'accepted',
      'duplicate',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
      'rejected',
      'rejected',
      'accepted',
    ]);
    expect(outcomes[1]?.offset).toBe(outcomes[0]?.offset);
    expect(outcomes[2]).toMatchObject({ field: 'event', code: 'invalid_json' });
    expect(outcomes[2]?.reason).toMatch(/^invalid JSON/);
    expect(outcomes[3]).toMatchObject({
      id: 'e4',
      source: 'crm/hubspot',
      field: 'data.amount',
      code: 'invalid_value',
      reason: 'data.amount: expected a non-negative finite number',
    });
    expect(outcomes[4]).toMatchObject({ field: 'data.currency', code: 'no_exchange_rate' });
    expect(outcomes[4]?.reason).toMatch(/^data\.currency: GBP differs from the org's reporting currency CNY/);
    expect(outcomes[6]).toEqual({
      index: 6,
      status: 'rejected',
      id: 'm1',
      source: 'reviews/lms',
      field: 'data.value',
      code: 'out_of_scale',
      reason: 'data.value: expected a number from 0 to 100',
    });
    expect(outcomes[7]).toMatchObject({
      id: 'm2',
      field: 'data.reviewerId',
      code: 'reviewer_not_allowed',
      reason: 'data.reviewerId: intern-7 may not score cs.training',
    });

    expect((await log.read(0, 10)).map((r) => r.event.id)).toEqual(['e1', 'e6', 'm3']);
    const stored = await rejections.latest(10);
    expect(stored.map((r) => [r.eventId, r.field, r.code, r.reason])).toEqual(
      [7, 6, 4, 3, 2].map((i) => [outcomes[i]?.id, outcomes[i]?.field, outcomes[i]?.code, outcomes[i]?.reason]),
    );
    expect(stored[4]?.payload).toBe('{"specversion": "1.0", ');
    expect(stored[1]).toMatchObject({
      source: 'reviews/lms',
      eventId: 'm1',
      field: 'data.value',
      code: 'out_of_scale',
    });
  });

  it("refuses what the request's source may not send: another source's events, another org's, other types", async () => {
    const log = new PostgresEventLog(t.db);
    const before = await log.endOffset();
    const hubspot = { ...source('crm/hubspot'), eventTypes: ['crm.deal.won'] };
    const items = [
      { ...deal('x1'), source: 'crm/salesforce' },
      { ...deal('x2'), data: { ...deal('x2').data, orgId: 'O2' } },
      { ...deal('x3'), type: 'crm.deal.lost', data: { ...deal('x3').data, reason: 'price' } },
      deal('x4'),
    ];
    const outcomes = await ingest(items, {
      store: new PostgresIngestStore(t.db),
      definitions: DEFINITIONS,
      source: hubspot,
    });
    expect(outcomes.map((o) => [o.status, o.field, o.code])).toEqual([
      ['rejected', 'source', 'source_mismatch'],
      ['rejected', 'data.orgId', 'org_not_allowed'],
      ['rejected', 'type', 'type_not_allowed'],
      ['accepted', undefined, undefined],
    ]);
    expect((await log.read(before, 10)).map((r) => r.event.id)).toEqual(['x4']);
    const stored = await new RejectedEventsRepository(t.db).latest(3);
    // kept under the source the credential proves, whatever the payload claims
    expect(stored.map((r) => [r.eventId, r.source, r.code])).toEqual([
      ['x3', 'crm/hubspot', 'type_not_allowed'],
      ['x2', 'crm/hubspot', 'org_not_allowed'],
      ['x1', 'crm/hubspot', 'source_mismatch'],
    ]);
  });
});
