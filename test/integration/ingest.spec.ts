import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import { ingest } from '#libs/pipeline';
import { PostgresEventLog, RejectedEventsRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';

const ORGS = [{ id: '*', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: { USD: 7.1 } }];

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

describe('ingest: validate, log the good, keep the bad with the reason (real Postgres)', () => {
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
    ];
    const outcomes = await ingest(items, { log, rejections, orgs: ORGS });
    expect(outcomes.map((o) => o.status)).toEqual([
      'accepted',
      'duplicate',
      'rejected',
      'rejected',
      'rejected',
      'accepted',
    ]);
    expect(outcomes[1]?.offset).toBe(outcomes[0]?.offset);
    expect(outcomes[2]?.reason).toMatch(/^invalid JSON/);
    expect(outcomes[3]).toMatchObject({
      id: 'e4',
      source: 'crm/hubspot',
      reason: 'data.amount: expected a non-negative finite number',
    });
    expect(outcomes[4]?.reason).toMatch(/^data\.currency: GBP differs from the org's reporting currency CNY/);

    expect((await log.read(0, 10)).map((r) => r.event.id)).toEqual(['e1', 'e6']);
    const stored = await rejections.latest(10);
    expect(stored.map((r) => r.reason)).toEqual([outcomes[4]?.reason, outcomes[3]?.reason, outcomes[2]?.reason]);
    expect(stored[2]?.payload).toBe('{"specversion": "1.0", ');
  });
});
