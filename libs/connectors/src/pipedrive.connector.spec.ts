import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, request } from './connector-test-support';
import { pipedrive } from './pipedrive.connector';

// Webhooks v2's payload (https://pipedrive.readme.io/docs/guide-for-webhooks-v2): meta, data (the deal
// after the change) and previous (the changed fields before).
const payload = (data: Record<string, unknown>, previous: Record<string, unknown> | null, action = 'change') =>
  JSON.stringify({
    meta: {
      action,
      entity: 'deal',
      version: '2.0',
      company_id: '12882925',
      user_id: '18487521',
      id: '7d6a2c5e-3b1f-4e9a-8c2d-1f0e9b8a7c6d',
      entity_id: '101',
      correlation_id: 'c0ffee00-0000-4000-8000-000000000001',
      webhook_id: '99',
      webhook_owner_id: '18487521',
      attempt: 1,
      host: 'company.pipedrive.com',
      timestamp: '2026-12-01T09:15:02.000Z',
      change_source: 'app',
      type: 'general',
    },
    data: {
      id: 101,
      title: 'Acme expansion',
      value: 25000,
      currency: 'USD',
      status: 'open',
      stage_id: 4,
      pipeline_id: 1,
      owner_id: 18487521,
      add_time: '2026-10-10T08:00:00Z',
      update_time: '2026-12-01T09:15:00Z',
      won_time: null,
      lost_time: null,
      ...data,
    },
    previous,
  });

describe('pipedrive: HTTP Basic credentials', () => {
  const verify = (authorization: string | undefined) =>
    pipedrive.verify(request({ body: '{}', headers: { authorization } }), ['kpi:s3cret-old', 'kpi:s3cret-new'], 0);
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('takes either active user:password, refuses others and no credentials', () => {
    expect(verify(basic('kpi:s3cret-old'))).toEqual({ ok: true });
    expect(verify(basic('kpi:s3cret-new'))).toEqual({ ok: true });
    expect(verify(basic('kpi:guess'))).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(verify(undefined)).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(verify('Bearer kpi')).toEqual({ ok: false, refusal: 'malformed_signature' });
  });
});

describe('pipedrive: mapping deals', () => {
  it('the status moving to won → crm.deal.won with value, currency, owner and add_time as the SQL moment', () => {
    const body = payload({ status: 'won', won_time: '2026-12-01T09:15:00Z' }, { status: 'open' });
    expect(eventsOf(pipedrive.map(delivery(body), context()))).toEqual([
      {
        specversion: '1.0',
        id: `deal-101-won-${Date.parse('2026-12-01T09:15:00Z')}`,
        source: 'test/src_000000000001',
        type: 'crm.deal.won',
        time: '2026-12-01T09:15:00.000Z',
        subject: '101',
        data: {
          orgId: 'O1',
          agentId: '18487521',
          dealId: '101',
          amount: 25000,
          currency: 'USD',
          sqlAt: '2026-10-10T08:00:00.000Z',
        },
      },
    ]);
  });

  it('lost, created; a stage move and a redelivery', () => {
    const lost = payload({ status: 'lost', lost_time: '2026-12-01 09:20:00' }, { status: 'open' });
    expect(eventsOf(pipedrive.map(delivery(lost), context()))[0]).toMatchObject({
      type: 'crm.deal.lost',
      time: '2026-12-01T09:20:00.000Z',
    });
    expect(eventsOf(pipedrive.map(delivery(payload({}, null, 'create')), context()))[0]).toMatchObject({
      id: 'deal-101-created',
      type: 'crm.deal.created',
      data: { amount: 25000, currency: 'USD' },
    });
    expect(pipedrive.map(delivery(payload({ stage_id: 5 }, { stage_id: 4 })), context())).toMatchObject([
      { kind: 'ignored' },
    ]);
    const won = payload({ status: 'won', won_time: '2026-12-01T09:15:00Z' }, { status: 'open' });
    expect(pipedrive.map(delivery(won, 1), context())).toEqual(pipedrive.map(delivery(won, 2), context()));
  });

  it('nulls where Pipedrive sends them: a won deal without value is a dead letter, never an amount of 0', () => {
    const noValue = payload(
      { status: 'won', won_time: '2026-12-01T09:15:00Z', value: null, currency: null, owner_id: null },
      { status: 'open' },
    );
    expect(pipedrive.map(delivery(noValue), context())).toMatchObject([
      { kind: 'unmappable', code: 'missing_field', field: 'data.value' },
    ]);
    // a creation without value or owner: a deal without amount or agent, not one of 0
    expect(
      eventsOf(pipedrive.map(delivery(payload({ value: null, owner_id: null }, null, 'create')), context()))[0]?.data,
    ).toEqual({
      orgId: 'O1',
      dealId: '101',
    });
    // previous null: nothing moved
    expect(pipedrive.map(delivery(payload({ status: 'won' }, null)), context())).toMatchObject([{ kind: 'ignored' }]);
  });

  it('names a v1 payload and other entities', () => {
    expect(pipedrive.map(delivery(JSON.stringify({ meta: { v: 1 }, data: {} })), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload', field: 'meta.version' },
    ]);
    const person = JSON.parse(payload({}, null)) as { meta: Record<string, unknown> };
    person.meta.entity = 'person';
    expect(pipedrive.map(delivery(JSON.stringify(person)), context())).toEqual([
      { kind: 'ignored', reason: 'person: no KPI meaning' },
    ]);
  });
});
