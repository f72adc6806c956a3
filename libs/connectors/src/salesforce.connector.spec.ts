import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, NOW, request } from './connector-test-support';
import { salesforce } from './salesforce.connector';

// A Change Data Capture event as the Streaming API delivers it (Salesforce's Change Data Capture
// Developer Guide, "Change Event Message Structure"), relayed as JSON.
const message = (header: Record<string, unknown>, fields: Record<string, unknown>) => ({
  channel: '/data/OpportunityChangeEvent',
  data: {
    schema: 'IeRuaY6cbI_HsV8Rv1Mc5g',
    payload: {
      ChangeEventHeader: {
        entityName: 'Opportunity',
        recordIds: ['0065e00000AbCdEAAV'],
        changeType: 'UPDATE',
        changeOrigin: 'com/salesforce/api/soap/58.0;client=SfdcInternalAPI/',
        transactionKey: '0002343d-9d90-e395-ed20-cf416ba652ad',
        sequenceNumber: 1,
        commitTimestamp: Date.parse('2026-12-01T09:30:00Z'),
        commitNumber: 10579952925,
        commitUser: '0055e000001AbCdAAK',
        changedFields: ['StageName', 'IsWon', 'IsClosed', 'LastModifiedDate'],
        ...header,
      },
      ...fields,
    },
    event: { replayId: 12345 },
  },
});

const create = message(
  {
    changeType: 'CREATE',
    transactionKey: '00011111-aaaa',
    changedFields: [],
    commitTimestamp: Date.parse('2026-11-02T01:00:00Z'),
  },
  {
    Name: 'Acme renewal',
    StageName: 'Prospecting',
    Amount: 50000,
    CurrencyIsoCode: 'EUR',
    OwnerId: '0055e000001XyZaAAK',
    CreatedDate: '2026-11-02T01:00:00.000Z',
  },
);
const won = message(
  {},
  { StageName: 'Closed Won', IsWon: true, IsClosed: true, LastModifiedDate: '2026-12-01T09:30:00.000Z' },
);

describe('salesforce (relayed): X-KPI-Pulse-Signature', () => {
  const body = JSON.stringify(won);
  const t = String(Math.floor(NOW / 1000));
  const sign = (secret: string, ts = t, b = body) =>
    `v1=${createHmac('sha256', secret).update(`${ts}.${b}`).digest('hex')}`;
  const verify = (signature: string | undefined, ts: string | undefined, b = body) =>
    salesforce.verify(
      request({ body: b, headers: { 'x-kpi-pulse-signature': signature, 'x-kpi-pulse-timestamp': ts } }),
      ['relay-secret', 'relay-next'],
      NOW,
    );

  it('takes the relay’s signature by either secret; refuses a changed body, a wrong secret, a stale timestamp', () => {
    expect(verify(sign('relay-secret'), t)).toEqual({ ok: true });
    expect(verify(sign('relay-next'), t)).toEqual({ ok: true });
    expect(verify(sign('relay-secret'), t, body.replace('true', 'false'))).toEqual({
      ok: false,
      refusal: 'bad_signature',
    });
    expect(verify(sign('other'), t)).toEqual({ ok: false, refusal: 'bad_signature' });
    const old = String(Math.floor(NOW / 1000) - 301);
    expect(verify(sign('relay-secret', old), old)).toEqual({ ok: false, refusal: 'stale_timestamp' });
    expect(verify(undefined, t)).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(verify('sha256=00', t)).toEqual({ ok: false, refusal: 'malformed_signature' });
  });
});

describe('salesforce (relayed): mapping Opportunity changes', () => {
  it('CREATE → crm.deal.created with its amount and owner', () => {
    const [event] = eventsOf(salesforce.map(delivery(JSON.stringify(create)), context()));
    expect(event).toMatchObject({
      id: '00011111-aaaa:1:0065e00000AbCdEAAV',
      type: 'crm.deal.created',
      time: '2026-11-02T01:00:00.000Z',
      data: {
        orgId: 'O1',
        agentId: '0055e000001XyZaAAK',
        dealId: '0065e00000AbCdEAAV',
        stage: 'Prospecting',
        amount: 50000,
        currency: 'EUR',
      },
    });
  });

  it('an UPDATE to won → crm.deal.won, its amount, currency, owner and creation from the relayed CREATE', () => {
    const [event] = eventsOf(
      salesforce.map(delivery(JSON.stringify(won)), context({ earlier: [delivery(JSON.stringify(create))] })),
    );
    expect(event).toEqual({
      specversion: '1.0',
      id: '0002343d-9d90-e395-ed20-cf416ba652ad:1:0065e00000AbCdEAAV',
      source: 'test/src_000000000001',
      type: 'crm.deal.won',
      time: '2026-12-01T09:30:00.000Z',
      subject: '0065e00000AbCdEAAV',
      data: {
        orgId: 'O1',
        agentId: '0055e000001XyZaAAK',
        dealId: '0065e00000AbCdEAAV',
        amount: 50000,
        currency: 'EUR',
        sqlAt: '2026-11-02T01:00:00.000Z',
      },
    });
  });

  it('without the CREATE in the history, a won opportunity is a dead letter naming the missing fields', () => {
    expect(salesforce.map(delivery(JSON.stringify(won)), context({ currency: 'EUR' }))).toMatchObject([
      {
        kind: 'unmappable',
        code: 'missing_field',
        reason: expect.stringContaining('Amount, CreatedDate not in this change') as string,
      },
    ]);
  });

  it('an amount cleared since the CREATE (null, or in nulledFields) is not taken from it: the win is a dead letter', () => {
    const cleared = message({ transactionKey: 'tx-5', changedFields: ['Amount'] }, { Amount: null });
    const nulled = message({ transactionKey: 'tx-6', changedFields: ['Amount'], nulledFields: ['Amount'] }, {});
    for (const change of [cleared, nulled]) {
      const earlier = [delivery(JSON.stringify(create)), delivery(JSON.stringify(change))];
      expect(salesforce.map(delivery(JSON.stringify(won)), context({ earlier }))).toMatchObject([
        { kind: 'unmappable', code: 'missing_field', reason: expect.stringContaining('Amount') as string },
      ]);
    }
  });

  it('a batch with a message that is not a change event: that one named, the others mapped', () => {
    const lost = message({ transactionKey: 'tx-7' }, { StageName: 'Closed Lost', IsWon: false, IsClosed: true });
    expect(salesforce.map(delivery(JSON.stringify([lost, { data: null }, 'x'])), context())).toMatchObject([
      { kind: 'event', event: { type: 'crm.deal.lost' } },
      { kind: 'unmappable', code: 'malformed_payload', field: 'body[1]' },
      { kind: 'unmappable', code: 'malformed_payload', field: 'body[2]' },
    ]);
  });

  it('lost, a batch, merged records, other stages and other objects', () => {
    const lost = message(
      { recordIds: ['006A', '006B'], transactionKey: 'tx-2' },
      { StageName: 'Closed Lost', IsWon: false, IsClosed: true },
    );
    const moved = message({ transactionKey: 'tx-3' }, { StageName: 'Negotiation' });
    const account = message({ entityName: 'Account', transactionKey: 'tx-4' }, {});
    const mapped = salesforce.map(delivery(JSON.stringify([lost, moved, account])), context());
    expect(
      mapped.map((m) => (m.kind === 'event' ? `${m.event.type} ${m.event.data.dealId as string}` : m.kind)),
    ).toEqual(['crm.deal.lost 006A', 'crm.deal.lost 006B', 'ignored', 'ignored']);
    expect(salesforce.recordsOf(delivery(JSON.stringify([lost])))).toEqual(['opportunity:006A', 'opportunity:006B']);
    expect(salesforce.map(delivery('{"data":{}}'), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload' },
    ]);
  });
});
