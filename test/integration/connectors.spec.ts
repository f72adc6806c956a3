import { createHmac } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { sendAsVendor } from '../../services/cli/src/simulate-webhooks';
import { SecretBox, SourcesRepository } from '#libs/postgres';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { testSources } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { bearer, TEST_SECRETS_KEY, tokenFor } from '../support/tokens';

const PUBLIC_URL = 'https://kpi.example.com';

interface Created {
  source: { id: string; orgId: string; uri: string; connector: string; eventTypes: string[] };
  credential: { id: string; token?: string };
  url: string;
}
interface Answer {
  accepted: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  results: { status: string; code?: string; reason?: string }[];
}

// A Stripe event as Stripe documents it (https://docs.stripe.com/api/events/object), signed here.
const stripeInvoice = (id: string, amountDue: number, type = 'invoice.finalized') =>
  JSON.stringify({
    id,
    object: 'event',
    created: Math.floor(Date.now() / 1000) - 60,
    type,
    data: {
      object: {
        id: `in_${id}`,
        object: 'invoice',
        amount_due: amountDue,
        amount_paid: 0,
        currency: 'usd',
        due_date: Math.floor(Date.parse('2027-01-15T00:00:00Z') / 1000),
        status_transitions: { finalized_at: Math.floor(Date.now() / 1000) - 60 },
        metadata: {},
      },
    },
  });
const stripeSignature = (body: string, secret: string, t = Math.floor(Date.now() / 1000)) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

// Connectors through the real HTTP app and Postgres: an admin registers a vendor's webhook; the vendor's
// signed webhooks become canonical events in the log by the same ingest path as POST /v1/events.
describe('connectors: vendor webhooks as sources (real Nest app, real Postgres)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let admin: Record<string, string>;
  let stripe: Created;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [IngestGatewayModule, ScorecardGatewayModule], undefined, {
      KPI_PULSE_PUBLIC_URL: PUBLIC_URL,
    }));
    admin = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'admin@O1'));
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const create = async (body: unknown): Promise<Created> => {
    const r = await call('POST', '/v1/sources', admin, body);
    expect(r.status).toBe(201);
    return (await r.json()) as Created;
  };
  const webhook = (connector: string, id: string, body: string, headers: Record<string, string>) =>
    fetch(`${base}/v1/sources/${connector}/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const toStripe = (body: string, secret: string, t?: number) =>
    webhook('stripe', stripe.source.id, body, { 'stripe-signature': stripeSignature(body, secret, t) });
  const kept = async () =>
    Number((await t.db.query<[{ n: string }]>(`SELECT count(*) AS n FROM webhook_payloads`))[0].n);
  const logged = () =>
    t.db.query<{ event: { id: string; source: string; type: string; data: Record<string, unknown> } }[]>(
      `SELECT event FROM event_log ORDER BY "offset"`,
    );

  it('an admin registers a Stripe connector: the URL to paste, its mapping’s event types, the secret never returned', async () => {
    stripe = await create({ connector: 'stripe', name: 'Stripe (billing)', secret: 'whsec_first' });
    expect(stripe.url).toBe(`${PUBLIC_URL}/v1/sources/stripe/${stripe.source.id}`);
    expect(stripe.source).toMatchObject({
      orgId: 'O1',
      uri: `stripe/${stripe.source.id}`,
      connector: 'stripe',
      eventTypes: ['invoice.issued', 'payment.received', 'invoice.written_off', 'refund.issued'],
    });
    expect(stripe.credential.token).toBeUndefined();
    const listed = await (await call('GET', '/v1/sources', admin)).text();
    expect(listed).toContain(stripe.source.id);
    expect(listed).not.toContain('whsec_first');
    expect((await call('POST', '/v1/sources', admin, { connector: 'fax', name: 'x', secret: 's' })).status).toBe(400);
    expect((await call('POST', '/v1/sources', admin, { connector: 'stripe', name: 'x' })).status).toBe(400);
  });

  it('a signed invoice becomes a canonical event in the log, in major units, of the source’s org; a redelivery counts once', async () => {
    const body = stripeInvoice('evt_1', 420050);
    const r = await toStripe(body, 'whsec_first');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0, ignored: 0 });
    const [row] = await logged();
    expect(row?.event).toMatchObject({
      id: 'evt_1',
      source: `stripe/${stripe.source.id}`,
      type: 'invoice.issued',
      data: { orgId: 'O1', invoiceId: 'in_evt_1', amount: 4200.5, currency: 'USD', dueDate: '2027-01-15' },
    });
    // Stripe redelivers the same event, signed anew
    expect(await (await toStripe(body, 'whsec_first')).json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await logged()).toHaveLength(1);
    expect(await kept()).toBe(2);
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp, no signature: 401, a reason without secrets, nothing kept, counted', async () => {
    const body = stripeInvoice('evt_2', 100);
    const before = await kept();
    const answers = [
      await webhook('stripe', stripe.source.id, body.replace('100', '999'), {
        'stripe-signature': stripeSignature(body, 'whsec_first'),
      }),
      await toStripe(body, 'whsec_wrong'),
      await toStripe(body, 'whsec_first', Math.floor(Date.now() / 1000) - 600),
      await webhook('stripe', stripe.source.id, body, {}),
      await toStripe(body, 'whsec_first').then(() => webhook('stripe', 'src_000000000000', body, {})),
    ];
    const refusals = await Promise.all(
      answers.map(async (a) => [a.status, ((await a.json()) as { message: string }).message]),
    );
    expect(refusals).toEqual([
      [401, "unauthorized: the signature matches none of the source's active secrets"],
      [401, "unauthorized: the signature matches none of the source's active secrets"],
      [401, "unauthorized: the signed timestamp is more than 5 minutes from the receiver's clock"],
      [401, "unauthorized: the request carries none of the vendor's signature, token or credentials"],
      [401, 'unauthorized: no source of this connector with this id'],
    ]);
    for (const [, message] of refusals) expect(message).not.toContain('whsec');
    expect(await kept()).toBe(before + 1); // only the one signed right
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('kpi_connector_refused_total{connector="stripe",reason="bad_signature"} 2');
    expect(metrics).toContain('kpi_connector_refused_total{connector="stripe",reason="stale_timestamp"} 1');
    expect(metrics).toContain('kpi_connector_refused_total{connector="stripe",reason="unknown_source"} 1');
    expect(metrics).toContain(
      `kpi_connector_webhook_items_total{source="stripe/${stripe.source.id}",connector="stripe",outcome="accepted"} 2`,
    );
  });

  it('rotates without downtime: a second secret signs alongside the first, a third is refused, the revoked one stops', async () => {
    const second = await call('POST', `/v1/sources/${stripe.source.id}/credentials`, admin, { secret: 'whsec_second' });
    expect(second.status).toBe(201);
    const { id: secondId } = (await second.json()) as { id: string };
    expect((await toStripe(stripeInvoice('evt_3', 1), 'whsec_first')).status).toBe(200);
    expect((await toStripe(stripeInvoice('evt_4', 1), 'whsec_second')).status).toBe(200);
    expect(
      (await call('POST', `/v1/sources/${stripe.source.id}/credentials`, admin, { secret: 'whsec_third' })).status,
    ).toBe(409);
    expect((await call('POST', `/v1/sources/${stripe.source.id}/credentials`, admin, {})).status).toBe(400);
    const revoked = await call('DELETE', `/v1/sources/${stripe.source.id}/credentials/${stripe.credential.id}`, admin);
    expect(revoked.status).toBe(204);
    expect((await toStripe(stripeInvoice('evt_5', 1), 'whsec_first')).status).toBe(401);
    expect((await toStripe(stripeInvoice('evt_5', 1), 'whsec_second')).status).toBe(200);
    expect(secondId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('keeps signing secrets sealed (AES-256-GCM): no clear text in the table; clear rows of before are sealed at start and still verify', async () => {
    const rows = () =>
      t.db.query<{ id: string; signing_secret: string | null; sealed_secret: string | null }[]>(
        `SELECT id, signing_secret, sealed_secret FROM source_credentials WHERE source_id = $1 ORDER BY created_at`,
        [stripe.source.id],
      );
    const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'hex'));
    const [active] = (await rows()).filter((r) => r.sealed_secret !== null).slice(-1);
    expect(active?.signing_secret).toBeNull();
    expect(active?.sealed_secret).not.toContain('whsec');
    expect(box.open(active?.sealed_secret ?? '', active?.id ?? '')).toBe('whsec_second');
    // a credential as the release before kept it, in clear: sealed by the start, and it verifies as before
    await t.db.query(
      `INSERT INTO source_credentials (id, source_id, signing_secret, created_by) VALUES ('legacy000001', $1, 'whsec_legacy', 'test')`,
      [stripe.source.id],
    );
    const sources = testSources(t.db);
    expect(await sources.sealClearSecrets()).toEqual({ sealed: 1, unopenable: [] });
    const legacy = (await rows()).find((r) => r.id === 'legacy000001');
    expect(legacy?.signing_secret).toBeNull();
    expect(box.open(legacy?.sealed_secret ?? '', 'legacy000001')).toBe('whsec_legacy');
    expect((await toStripe(stripeInvoice('evt_sealed', 1), 'whsec_legacy')).status).toBe(200);
    // another key opens none of them: the start refuses it
    const otherKey = new SourcesRepository(t.db, new SecretBox(Buffer.alloc(32, 1)));
    expect((await otherKey.sealClearSecrets()).unopenable.sort()).toEqual([active?.id, 'legacy000001'].sort());
    await t.db.query(`DELETE FROM source_credentials WHERE id = 'legacy000001'`);
  });

  it('a malformed payload is dead-lettered with its reason; one without KPI meaning is acknowledged and counted', async () => {
    const malformed = JSON.stringify({ object: 'list', data: [] });
    const answer = (await (await toStripe(malformed, 'whsec_second')).json()) as Answer;
    expect(answer).toMatchObject({
      accepted: 0,
      rejected: 1,
      results: [{ status: 'rejected', code: 'malformed_payload' }],
    });
    const [dead] = await t.db.query<{ source: string; code: string; reason: string; payload: string }[]>(
      `SELECT source, code, reason, payload FROM rejected_events ORDER BY id DESC LIMIT 1`,
    );
    expect(dead).toEqual({
      source: `stripe/${stripe.source.id}`,
      code: 'malformed_payload',
      reason: 'body: expected a Stripe event (object "event" with data.object)',
      payload: malformed,
    });
    const ignored = (await (
      await toStripe(stripeInvoice('evt_6', 1, 'customer.created'), 'whsec_second')
    ).json()) as Answer;
    expect(ignored).toMatchObject({ accepted: 0, rejected: 0, ignored: 1 });

    const [listed] = (await (await call('GET', '/v1/sources', admin)).json()) as {
      webhooks: { outcomes: Record<string, number>; lastDeliveryAt: string; lastError: string };
    }[];
    expect(listed?.webhooks.outcomes).toEqual({ accepted: 6, duplicate: 1, rejected: 1, ignored: 1, refused: 5 });
    expect(listed?.webhooks.lastError).toBe(
      'malformed_payload: body: expected a Stripe event (object "event" with data.object)',
    );
    expect(Date.parse(listed?.webhooks.lastDeliveryAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('hostile payloads, signed, are dead letters with a reason or acknowledged, never a 5xx', async () => {
    const farFuture = stripeInvoice('evt_far', 1).replace(/"created":\d+/, '"created":1e20');
    const withNul = stripeInvoice('evt_nul', 1).replace('"metadata":{}', '"metadata":{"note":"a\u0000b"}');
    const nulls = JSON.stringify({
      id: 'evt_nulls',
      object: 'event',
      created: null,
      type: null,
      data: { object: null },
    });
    const answers = [];
    for (const body of [farFuture, withNul, nulls, '[]', 'null']) {
      const r = await toStripe(body, 'whsec_second');
      answers.push([r.status, ((await r.json()) as Answer).results.map((x) => x.code ?? x.status)]);
    }
    expect(answers).toEqual([
      [200, ['malformed_payload']],
      [200, ['accepted']], // the NUL was in a field the mapping does not read
      [200, ['malformed_payload']],
      [200, ['malformed_payload']],
      [200, ['malformed_payload']],
    ]);
    // the body with a NUL is kept all the same, the NUL written as its JSON escape (Postgres text cannot hold one)
    const [kept] = await t.db.query<{ body: string }[]>(
      `SELECT body FROM webhook_payloads WHERE body LIKE '%evt_nul"%'`,
    );
    expect(kept?.body).toContain('"note":"a\\u0000b"');
  });

  it('Twilio’s form-encoded status callback, signed over the public URL and sorted parameters', async () => {
    const twilio = await create({ connector: 'twilio', name: 'Twilio voice', secret: 'twilio-auth-token' });
    const params: Record<string, string> = {
      AccountSid: 'AC8f1e2d3c4b5a69788796a5b4c3d2e1f0',
      CallSid: 'CA4f3e2d1c0b9a88776655443322110ffe',
      CallStatus: 'completed',
      CallDuration: '185',
      From: '+14155550100',
      To: 'client:O1-T1-A1',
      Timestamp: new Date(Date.now() - 5000).toUTCString(),
    };
    const signed =
      twilio.url +
      Object.keys(params)
        .sort()
        .map((k) => k + params[k])
        .join('');
    const signature = createHmac('sha1', 'twilio-auth-token').update(signed).digest('base64');
    const r = await webhook('twilio', twilio.source.id, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
    });
    expect(await r.json()).toMatchObject({ accepted: 1 });
    const events = await logged();
    expect(events.at(-1)?.event).toMatchObject({
      type: 'call.ended',
      source: `twilio/${twilio.source.id}`,
      data: { orgId: 'O1', agentId: 'O1-T1-A1', answered: true, talkSeconds: 185 },
    });
  });

  it('replays kept webhooks after a mapping change: the events now mapped are taken, the rest count once', async () => {
    // HubSpot sent the amount but no currency (a portal with one currency): the won deal is dead-lettered…
    const hubspot = await create({ connector: 'hubspot', name: 'HubSpot', secret: 'hubspot-client-secret' });
    const at = Date.now() - 60_000;
    const batch = JSON.stringify([
      {
        eventId: 1,
        subscriptionId: 7,
        portalId: 62515,
        occurredAt: at - 86_400_000,
        subscriptionType: 'deal.creation',
        objectId: 42,
      },
      {
        eventId: 2,
        subscriptionId: 8,
        portalId: 62515,
        occurredAt: at,
        subscriptionType: 'deal.propertyChange',
        objectId: 42,
        propertyName: 'amount',
        propertyValue: '9000',
      },
      {
        eventId: 3,
        subscriptionId: 8,
        portalId: 62515,
        occurredAt: at,
        subscriptionType: 'deal.propertyChange',
        objectId: 42,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
    ]);
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', 'hubspot-client-secret')
      .update(`POST${hubspot.url}${batch}${timestamp}`)
      .digest('base64');
    const first = (await (
      await webhook('hubspot', hubspot.source.id, batch, {
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': timestamp,
      })
    ).json()) as Answer;
    expect(first).toMatchObject({ accepted: 1, rejected: 1, ignored: 1 });
    expect(first.results.find((r) => r.status === 'rejected')).toMatchObject({ code: 'missing_field' });

    // …the admin sets the portal's currency, and replays
    const other = bearer(await tokenFor({ role: 'admin', org: 'O2' }, 'admin@O2'));
    const since = new Date(Date.now() - 3_600_000).toISOString();
    expect((await call('POST', `/v1/sources/${hubspot.source.id}/replay`, other, { since })).status).toBe(404);
    expect(
      (await call('PATCH', `/v1/sources/${hubspot.source.id}`, admin, { settings: { currency: 'usd' } })).status,
    ).toBe(400);
    expect(
      (await call('PATCH', `/v1/sources/${hubspot.source.id}`, admin, { settings: { currency: 'USD' } })).status,
    ).toBe(200);
    const replayed = await call('POST', `/v1/sources/${hubspot.source.id}/replay`, admin, { since });
    expect(await replayed.json()).toEqual({
      payloads: 1,
      counts: { accepted: 1, duplicate: 1, rejected: 0, ignored: 1, refused: 0 },
    });
    const won = (await logged()).filter((r) => r.event.type === 'crm.deal.won');
    expect(won.map((r) => r.event.data)).toEqual([
      { orgId: 'O1', dealId: '42', amount: 9000, currency: 'USD', sqlAt: new Date(at - 86_400_000).toISOString() },
    ]);
    // a second replay changes nothing
    const again = await call('POST', `/v1/sources/${hubspot.source.id}/replay`, admin, { since });
    expect(await again.json()).toMatchObject({ counts: { accepted: 0, duplicate: 2 } });
    expect((await call('POST', `/v1/sources/${hubspot.source.id}/replay`, admin, { since: 'yesterday' })).status).toBe(
      400,
    );
  });

  it('simulate --as aircall sends the simulator’s calls as Aircall’s webhooks through the connector into the log', async () => {
    const aircall = await create({ connector: 'aircall', name: 'Aircall', secret: 'aircall-token' });
    // the app sees itself at PUBLIC_URL; the simulator posts to where it listens
    const to = `${base}/v1/sources/aircall/${aircall.source.id}`;
    const options = { orgs: 1, teamsPerOrg: 1, agentsPerTeam: 2, days: 1, start: '2026-11-02', seed: 3 };
    const sent = await sendAsVendor(options, { as: 'aircall', to, secret: 'aircall-token', rate: 1000, count: 3 });
    expect(sent).toBe(3);
    const calls = (await logged()).filter((r) => r.event.source === `aircall/${aircall.source.id}`);
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call.event).toMatchObject({ type: 'call.ended', data: { orgId: 'O1' } });
    const [payload] = await t.db.query<{ body: string }[]>(
      `SELECT body FROM webhook_payloads WHERE source_id = $1 LIMIT 1`,
      [aircall.source.id],
    );
    expect(payload?.body).toContain('"token":"***"');
    expect(payload?.body).not.toContain('aircall-token');
  });
});
