import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventLog, RejectedEventsRepository } from '#libs/postgres';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { ticketSolved } from '../support/events';
import { asSource, sourceToken, testSources } from '../support/sources';
import { startTestApp } from '../support/test-app';

describe('ingest-gateway over HTTP (real Nest app, real Postgres)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [IngestGatewayModule]));
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  const post = (body: string, type: string, token = zendesk) =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: asSource(token, type), body });

  it('answers 202 with an outcome per event for one event, an array, or NDJSON', async () => {
    const one = await post(JSON.stringify(ticketSolved('h1')), 'application/json');
    expect(one.status).toBe(202);
    expect(await one.json()).toMatchObject({
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      results: [{ index: 0, status: 'accepted', id: 'h1' }],
    });

    const many = await post(JSON.stringify([ticketSolved('h2'), ticketSolved('h1')]), 'application/json');
    expect(await many.json()).toMatchObject({
      accepted: 1,
      duplicates: 1,
      results: [{ status: 'accepted' }, { status: 'duplicate' }],
    });

    const ndjson = [ticketSolved('h3'), ticketSolved('h4', 0)].map((e) => JSON.stringify(e)).join('\n') + '\n{oops\n';
    const lines = await post(ndjson, 'application/x-ndjson');
    expect(lines.status).toBe(202);
    const body = (await lines.json()) as {
      accepted: number;
      rejected: number;
      results: { status: string; field?: string; code?: string; reason?: string }[];
    };
    expect(body.accepted).toBe(1);
    expect(body.rejected).toBe(2);
    expect(body.results[1]).toMatchObject({
      field: 'data.contacts',
      code: 'invalid_value',
      reason: 'data.contacts: expected a positive integer',
    });
    expect(body.results[2]).toMatchObject({ field: 'event', code: 'invalid_json' });
    expect(body.results[2]?.reason).toMatch(/^invalid JSON/);
  });

  it('rejects a manual score outside the scale of its indicator at once, with the field and code', async () => {
    const score = {
      specversion: '1.0',
      id: 'ms-1',
      source: 'reviews/crm',
      type: 'kpi.manual_score',
      time: '2026-11-05T09:00:00+08:00',
      data: { orgId: 'O1', agentId: 'A1', indicator: 'manual.sales.renewal_rate', value: 999, reviewerId: 'mgr-1' },
    };
    const r = await post(JSON.stringify(score), 'application/json', await sourceToken(t.db, 'reviews/crm'));
    expect(await r.json()).toMatchObject({
      rejected: 1,
      results: [
        {
          status: 'rejected',
          id: 'ms-1',
          field: 'data.value',
          code: 'out_of_scale',
          reason: 'data.value: expected a number from 0 to 1',
        },
      ],
    });
  });

  it('has stored every accepted event in the log and every rejected one with its field, code and reason', async () => {
    const logged = await new PostgresEventLog(t.db).read(0, 100);
    expect(logged.map((r) => r.event.id)).toEqual(['h1', 'h2', 'h3']);
    const dead = await new RejectedEventsRepository(t.db).latest(10);
    expect(dead).toContainEqual(
      expect.objectContaining({
        field: 'data.contacts',
        code: 'invalid_value',
        reason: 'data.contacts: expected a positive integer',
      }),
    );
  });

  it('counts the first delivery of an id; a repeat with other content is a conflict, answered, kept and counted', async () => {
    const first = await post(JSON.stringify(ticketSolved('c1', 1)), 'application/json');
    const [kept] = ((await first.json()) as { results: { offset: number }[] }).results;
    // the same content written another way is a duplicate: keys reordered, the time in UTC
    const { data, ...envelope } = ticketSolved('c1', 1, '2026-11-02T02:00:00Z');
    const reordered = { data: Object.fromEntries(Object.entries(data).reverse()), ...envelope };
    const again = await post(JSON.stringify([reordered, ticketSolved('c1', 2)]), 'application/json');
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({
      accepted: 0,
      duplicates: 1,
      rejected: 1,
      results: [
        { status: 'duplicate', id: 'c1', offset: kept?.offset },
        { status: 'rejected', id: 'c1', field: 'id', code: 'conflict', offset: kept?.offset },
      ],
    });
    // within one request too: the earlier item counts
    const both = await post(JSON.stringify([ticketSolved('c2', 2), ticketSolved('c2', 1)]), 'application/json');
    expect(((await both.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
    ]);

    const logged = (await new PostgresEventLog(t.db).read(0, 100)).filter((r) => r.event.id.startsWith('c'));
    expect(logged.map((r) => [r.event.id, r.event.data['contacts']])).toEqual([
      ['c1', 1],
      ['c2', 2],
    ]);
    const dead = (await new RejectedEventsRepository(t.db).latest(10)).filter((d) => d.code === 'conflict');
    expect(
      dead.map((d) => [d.eventId, (JSON.parse(d.payload) as { data: { contacts: number } }).data.contacts]),
    ).toEqual([
      ['c2', 1],
      ['c1', 2],
    ]);
    expect(dead[1]?.reason).toContain(`log offset ${kept?.offset}`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^kpi_rejected_total\{stage="ingest",code="conflict"\} 2$/m);
  });

  it('takes nothing without a valid source token: none, a forged one, a revoked one; 401 alike, counted', async () => {
    const log = new PostgresEventLog(t.db);
    const end = await log.endOffset();
    const revokedToken = await sourceToken(t.db, 'crm/hubspot');
    const sources = testSources(t.db);
    const hubspot = await sources.byUri('crm/hubspot');
    const [credential] = (await sources.ofOrg('O1')).find((s) => s.uri === 'crm/hubspot')?.credentials ?? [];
    expect(await sources.revoke(hubspot?.id ?? '', credential?.id ?? '')).toBe(true);
    const forged = `${zendesk.slice(0, -4)}AAAA`;
    const body = JSON.stringify(ticketSolved('u1'));
    const answers = [
      await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
      await post(body, 'application/json', forged),
      await post(body, 'application/json', revokedToken),
      await post(body, 'application/json', 'eyJhbGciOiJIUzI1NiJ9.e30.x'),
    ];
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    const messages = await Promise.all(answers.map(async (a) => ((await a.json()) as { message: string }).message));
    expect(new Set(messages).size).toBe(1); // the same answer whatever was wrong: a guess learns nothing
    expect(await log.endOffset()).toBe(end);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^kpi_ingest_unauthorized_total 4$/m);
    expect(metrics).toMatch(/^kpi_source_events_total\{source="ticketing\/zendesk",outcome="accepted"\} [1-9]/m);
  });

  it('refuses a body over the size limit with 413', async () => {
    const huge = 'x'.repeat(11 * 1024 * 1024);
    const r = await post(huge, 'application/x-ndjson');
    expect(r.status).toBe(413);
  });
});
