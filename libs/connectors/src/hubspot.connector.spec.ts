import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, NOW, request } from './connector-test-support';
import { hubspot } from './hubspot.connector';

// HubSpot's documented webhook batch (https://developers.hubspot.com/docs/api/webhooks, "Webhook
// payloads"): an array of events with these fields.
const item = (fields: Record<string, unknown>) => ({
  eventId: 1,
  subscriptionId: 12345,
  portalId: 62515,
  appId: 54321,
  occurredAt: Date.parse('2026-12-01T09:00:00Z'),
  subscriptionType: 'deal.propertyChange',
  attemptNumber: 0,
  objectId: 1246965,
  changeSource: 'CRM_UI',
  ...fields,
});

const URL = 'https://kpi.example.com/v1/sources/hubspot/src_0a1b2c3d4e5f';
const SECRET = 'hubspot-client-secret-3f6a';

// the v3 signature as HubSpot documents it, computed here
const sign = (body: string, secret: string, timestamp: string, uri = URL) =>
  createHmac('sha256', secret).update(`POST${uri}${body}${timestamp}`).digest('base64');

describe('hubspot: X-HubSpot-Signature-v3', () => {
  const body = JSON.stringify([item({ propertyName: 'dealstage', propertyValue: 'closedwon' })]);
  const verify = (
    signature: string | undefined,
    timestamp: string | undefined,
    fields: { body?: string; url?: string; secrets?: string[] } = {},
  ) =>
    hubspot.verify(
      request({
        url: fields.url ?? URL,
        body: fields.body ?? body,
        headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
      }),
      fields.secrets ?? [SECRET],
      NOW,
    );
  const ts = String(NOW - 1000);

  it('takes base64 HMAC-SHA256 of method + URI + body + timestamp by the client secret, either active secret', () => {
    expect(verify(sign(body, SECRET, ts), ts)).toEqual({ ok: true });
    expect(verify(sign(body, 'next', ts), ts, { secrets: [SECRET, 'next'] })).toEqual({ ok: true });
  });

  it('signs the URI with the characters HubSpot decodes decoded (%3A → :, %2C → ,), the others as sent', () => {
    const sent = `${URL}?ids=1%2C2&t=a%3Ab&q=%20x`;
    expect(verify(sign(body, SECRET, ts, `${URL}?ids=1,2&t=a:b&q=%20x`), ts, { url: sent })).toEqual({ ok: true });
  });

  it('refuses a tampered body, a wrong secret, a timestamp beyond 5 minutes, and missing headers', () => {
    expect(verify(sign(body, SECRET, ts), ts, { body: body.replace('closedwon', 'closedlost') })).toEqual({
      ok: false,
      refusal: 'bad_signature',
    });
    expect(verify(sign(body, 'wrong', ts), ts)).toEqual({ ok: false, refusal: 'bad_signature' });
    const old = String(NOW - 300_001);
    expect(verify(sign(body, SECRET, old), old)).toEqual({ ok: false, refusal: 'stale_timestamp' });
    expect(verify(undefined, ts)).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(verify(sign(body, SECRET, ts), '2026-12-01')).toEqual({ ok: false, refusal: 'malformed_signature' });
  });
});

describe('hubspot: mapping a batch', () => {
  const created = item({
    eventId: 10,
    subscriptionType: 'deal.creation',
    occurredAt: Date.parse('2026-11-20T02:00:00Z'),
  });
  const amount = item({ eventId: 11, propertyName: 'amount', propertyValue: '128000.5' });
  const currency = item({ eventId: 12, propertyName: 'deal_currency_code', propertyValue: 'cny' });
  const won = item({ eventId: 13, propertyName: 'dealstage', propertyValue: 'closedwon' });

  it('maps each event of a batch: a contact → a lead, a deal creation, a won deal with its amount from the batch', () => {
    const batch = [
      item({ eventId: 9, subscriptionType: 'contact.creation', objectId: 5101 }),
      created,
      amount,
      currency,
      won,
    ];
    const mapped = hubspot.map(delivery(JSON.stringify(batch)), context());
    expect(mapped.map((m) => m.kind)).toEqual(['event', 'event', 'ignored', 'ignored', 'event']);
    expect(eventsOf(mapped).map((e) => [e.id, e.type, e.data])).toEqual([
      ['62515-12345-9', 'crm.lead.created', { orgId: 'O1', leadId: '5101' }],
      ['62515-12345-10', 'crm.deal.created', { orgId: 'O1', dealId: '1246965' }],
      [
        '62515-12345-13',
        'crm.deal.won',
        { orgId: 'O1', dealId: '1246965', amount: 128000.5, currency: 'CNY', sqlAt: '2026-11-20T02:00:00.000Z' },
      ],
    ]);
  });

  it('takes a won deal’s amount, currency and creation from the source’s earlier deliveries', () => {
    const earlier = [delivery(JSON.stringify([created])), delivery(JSON.stringify([amount]))];
    const [event] = eventsOf(hubspot.map(delivery(JSON.stringify([won])), context({ earlier, currency: 'USD' })));
    expect(event?.data).toMatchObject({ amount: 128000.5, currency: 'USD', sqlAt: '2026-11-20T02:00:00.000Z' });
  });

  it('a won deal whose amount nobody sent is a dead letter naming what is missing, never a guess', () => {
    expect(hubspot.map(delivery(JSON.stringify([won])), context())).toEqual([
      {
        kind: 'unmappable',
        code: 'missing_field',
        field: 'data.amount',
        id: '62515-12345-13',
        reason: expect.stringMatching(
          /^deal 1246965 won: amount, deal_currency_code, deal.creation not in this webhook/,
        ) as string,
      },
    ]);
  });

  it('a lost deal needs nothing more; other stages and properties are acknowledged, not events', () => {
    const lost = item({ eventId: 14, propertyName: 'dealstage', propertyValue: 'closedlost' });
    const moved = item({ eventId: 15, propertyName: 'dealstage', propertyValue: 'presentationscheduled' });
    const mapped = hubspot.map(delivery(JSON.stringify([lost, moved])), context());
    expect(mapped[0]).toMatchObject({ kind: 'event', event: { type: 'crm.deal.lost', data: { dealId: '1246965' } } });
    expect(mapped[1]).toEqual({ kind: 'ignored', reason: 'dealstage presentationscheduled: neither won nor lost' });
  });

  it('maps a batch of mixed subscription types item by item: odd, null or out-of-range items are named alone', () => {
    const batch = [
      item({ eventId: 20, subscriptionType: 'contact.propertyChange', objectId: 5101, propertyName: 'email' }),
      item({ eventId: 21, subscriptionType: 'company.creation', objectId: 88, newField: { nested: [1, null] } }),
      null,
      item({ eventId: 22, propertyName: 'dealstage', propertyValue: null }),
      item({ eventId: null, subscriptionType: 'contact.creation' }),
      item({ eventId: 23, subscriptionType: 'contact.creation', occurredAt: 1e20 }),
      item({ eventId: 24, subscriptionType: 'contact.creation', objectId: 5102, propertyValue: null }),
    ];
    const mapped = hubspot.map(delivery(JSON.stringify(batch)), context());
    expect(
      mapped.map((m) =>
        m.kind === 'event' ? m.event.type : m.kind === 'ignored' ? m.reason : `${m.code} ${m.field}: ${m.reason}`,
      ),
    ).toEqual([
      'contact.propertyChange: no KPI meaning',
      'company.creation: no KPI meaning',
      'malformed_payload body[2]: body[2]: expected a HubSpot event object',
      'dealstage null: neither won nor lost',
      'malformed_payload eventId: eventId, occurredAt, objectId: every HubSpot event carries them',
      'malformed_payload eventId: eventId, occurredAt, objectId: every HubSpot event carries them',
      'crm.lead.created',
    ]);
  });

  it('names a body that is not a batch, and the records a delivery is about', () => {
    expect(hubspot.map(delivery('{"eventId":1}'), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload' },
    ]);
    expect(
      hubspot.recordsOf(
        delivery(JSON.stringify([created, item({ subscriptionType: 'contact.creation', objectId: 7 })])),
      ),
    ).toEqual(['deal:1246965']);
  });
});
