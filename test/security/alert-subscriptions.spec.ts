import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from '#libs/access';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

const SECRET = 'whsec-0123456789abcdef0123456789abcdef';
const webhook = { kind: 'webhook', url: 'https://hooks.example.com/kpi', secret: SECRET };

// /v1/alert-subscriptions, /v1/alert-silences, /v1/alert-deliveries: who may subscribe to what, the
// refusals by field, and secrets that go in and never come out.
describe('alert subscriptions over REST (real Nest app, real Postgres)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  const as: Record<string, Record<string, string>> = {};
  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...as[who], 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule]));
    const people: Record<string, [AccessClaims, string]> = {
      admin: [{ role: 'admin', org: 'O1' }, 'admin-1'],
      adminO2: [{ role: 'admin', org: 'O2' }, 'admin-2'],
      manager: [{ role: 'manager', org: 'O1', teams: ['T1'] }, 'manager-t1'],
      agent: [{ role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1' }, 'agent-a1'],
      display: [{ role: 'display', org: 'O1' }, 'wall'],
    };
    for (const [who, [claims, subject]] of Object.entries(people)) as[who] = bearer(await tokenFor(claims, subject));
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it('an agent subscribes to their own alerts only', async () => {
    const own = await call('agent', 'POST', '/v1/alert-subscriptions', {
      matchers: { agent: 'A1' },
      channel: webhook,
      language: 'zh',
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ orgId: 'O1', owner: { subject: 'agent-a1', role: 'agent' }, groupBy: ['team'] });
    const other = await call('agent', 'POST', '/v1/alert-subscriptions', {
      matchers: { agent: 'A2' },
      channel: webhook,
      language: 'zh',
    });
    expect(other).toMatchObject({ status: 403, body: { field: 'matchers.agent', code: 'forbidden' } });
    const everyone = await call('agent', 'POST', '/v1/alert-subscriptions', { channel: webhook, language: 'zh' });
    expect(everyone).toMatchObject({ status: 403, body: { field: 'matchers.agent' } });
  });

  it('a manager subscribes to their teams only; an admin to anything of the org; never another org', async () => {
    const mine = { matchers: { team: ['T1'], severity: 'critical' }, channel: webhook, language: 'en' };
    expect((await call('manager', 'POST', '/v1/alert-subscriptions', mine)).status).toBe(201);
    const theirs = { ...mine, matchers: { team: ['T1', 'T2'] } };
    expect(await call('manager', 'POST', '/v1/alert-subscriptions', theirs)).toMatchObject({
      status: 403,
      body: { field: 'matchers.team', code: 'forbidden' },
    });
    expect((await call('admin', 'POST', '/v1/alert-subscriptions', theirs)).status).toBe(201);
    const abroad = { ...mine, matchers: { org: 'O2' } };
    expect(await call('admin', 'POST', '/v1/alert-subscriptions', abroad)).toMatchObject({
      status: 403,
      body: { field: 'matchers.org' },
    });
    expect((await call('display', 'POST', '/v1/alert-subscriptions', mine)).status).toBe(403);
  });

  it('bad input is refused with 400 naming the field', async () => {
    const post = (body: unknown) => call('admin', 'POST', '/v1/alert-subscriptions', body);
    const refusals = [
      [{ channel: webhook }, 'language'],
      [{ language: 'fr', channel: webhook }, 'language'],
      [{ language: 'en' }, 'channel'],
      [{ language: 'en', channel: { kind: 'pager' } }, 'channel.kind'],
      [{ language: 'en', channel: { kind: 'webhook', url: 'ftp://x', secret: SECRET } }, 'channel.url'],
      [{ language: 'en', channel: { kind: 'webhook', url: 'https://x.example' } }, 'channel.secret'],
      [{ language: 'en', channel: { kind: 'email', to: ['not an address'] } }, 'channel.to'],
      [{ language: 'en', channel: webhook, matchers: { severity: 'loud' } }, 'matchers.severity'],
      [{ language: 'en', channel: webhook, matchers: { colour: 'red' } }, 'matchers.colour'],
      [{ language: 'en', channel: webhook, groupBy: ['mood'] }, 'groupBy'],
      [{ language: 'en', channel: webhook, groupWaitMs: -1 }, 'groupWaitMs'],
      [{ language: 'en', channel: webhook, repeatIntervalMs: 1000 }, 'repeatIntervalMs'],
      [{ language: 'en', channel: webhook, quietHours: { from: '22:00', to: '25:00' } }, 'quietHours.to'],
      [{ language: 'en', channel: webhook, extra: 1 }, 'extra'],
      [[1, 2], 'body'],
    ] as const;
    for (const [body, field] of refusals) {
      const res = await post(body);
      expect([res.status, res.body.field]).toEqual([400, field]);
    }
  });

  it('secrets go in and never come out; each sees their own, an admin the org’s; another org sees nothing', async () => {
    const created = await call('admin', 'POST', '/v1/alert-subscriptions', {
      matchers: { kind: ['red-line', 'streak'] },
      channel: {
        kind: 'dingtalk',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789',
        secret: 'SEC0123456789abcdef',
      },
      language: 'zh',
      quietHours: { from: '22:00', to: '08:00' },
    });
    expect(created.status).toBe(201);
    expect(created.body.channel).toEqual({ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/***', signed: true });
    const id = String(created.body.id);
    const listed = JSON.stringify((await call('admin', 'GET', '/v1/alert-subscriptions')).body);
    for (const secret of [SECRET, 'SEC0123456789abcdef', 'abcdef0123456789']) expect(listed).not.toContain(secret);
    const own = (await call('agent', 'GET', '/v1/alert-subscriptions')).body as unknown as {
      owner: { subject: string };
    }[];
    expect(own.map((s) => s.owner.subject)).toEqual(['agent-a1']);
    expect((await call('manager', 'GET', `/v1/alert-subscriptions/${id}`)).status).toBe(404);
    expect((await call('adminO2', 'GET', `/v1/alert-subscriptions/${id}`)).status).toBe(404);
    expect((await call('adminO2', 'DELETE', `/v1/alert-subscriptions/${id}`)).status).toBe(404);
    expect((await call('adminO2', 'GET', '/v1/alert-subscriptions')).body).toEqual([]);
    expect((await call('admin', 'GET', '/v1/alert-subscriptions/not-a-number')).status).toBe(404);

    const patched = await call('admin', 'PATCH', `/v1/alert-subscriptions/${id}`, { language: 'en', groupWaitMs: 0 });
    expect(patched.body).toMatchObject({ language: 'en', groupWaitMs: 0, quietHours: { from: '22:00' } });
    expect(patched.body.channel).toMatchObject({ kind: 'dingtalk', signed: true }); // kept
    expect((await call('admin', 'PATCH', `/v1/alert-subscriptions/${id}`, { groupBy: 'team' })).body.field).toBe(
      'groupBy',
    );
    expect((await call('admin', 'DELETE', `/v1/alert-subscriptions/${id}`)).status).toBe(204);
    expect((await call('admin', 'GET', `/v1/alert-subscriptions/${id}`)).status).toBe(404);
  });

  it('an agent cannot widen their subscription to another agent by PATCH', async () => {
    const own = await call('agent', 'POST', '/v1/alert-subscriptions', {
      matchers: { agent: 'A1' },
      channel: webhook,
      language: 'en',
    });
    const res = await call('agent', 'PATCH', `/v1/alert-subscriptions/${String(own.body.id)}`, {
      matchers: { agent: ['A1', 'A2'] },
    });
    expect(res).toMatchObject({ status: 403, body: { field: 'matchers.agent' } });
  });

  it('silences: the page’s contract, createdBy from the token, a manager within their teams, expire by DELETE', async () => {
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call('manager', 'POST', '/v1/alert-silences', {
      matchers: { team: 'T1', kpi: 'csat' },
      endsAt,
      comment: 'known outage of the survey tool',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String) as string,
      orgId: 'O1',
      matchers: { team: 'T1', kpi: 'csat' },
      endsAt,
      createdBy: 'manager-t1',
      comment: 'known outage of the survey tool',
    });
    const refusals = [
      [{ matchers: { team: 'T2' }, endsAt, comment: 'x' }, 403, 'matchers.team'],
      [{ matchers: {}, endsAt, comment: 'x' }, 400, 'matchers'],
      [{ matchers: { team: 'T1' }, endsAt: 'tomorrow', comment: 'x' }, 400, 'endsAt'],
      [{ matchers: { team: 'T1' }, endsAt: '2020-01-01T00:00:00Z', comment: 'x' }, 400, 'endsAt'],
      [{ matchers: { team: 'T1' }, endsAt }, 400, 'comment'],
    ] as const;
    for (const [body, status, field] of refusals) {
      const res = await call('manager', 'POST', '/v1/alert-silences', body);
      expect([res.status, res.body.field]).toEqual([status, field]);
    }
    expect(
      (await call('agent', 'POST', '/v1/alert-silences', { matchers: { agent: 'A1' }, endsAt, comment: 'x' })).status,
    ).toBe(403);
    // a manager may name agents instead of teams: the roster of record says whose they are
    const roster = {
      memberships: [
        { agent: 'A1', team: 'T1', from: '2020-01-01' },
        { agent: 'A9', team: 'T2', from: '2020-01-01' },
      ],
    };
    expect((await call('admin', 'PUT', '/v1/roster', roster)).status).toBe(200);
    const byAgent = await call('manager', 'POST', '/v1/alert-silences', {
      matchers: { agent: 'A1' },
      endsAt,
      comment: 'x',
    });
    expect(byAgent.status).toBe(201);
    const notTheirs = await call('manager', 'POST', '/v1/alert-silences', {
      matchers: { agent: 'A9' },
      endsAt,
      comment: 'x',
    });
    expect([notTheirs.status, notTheirs.body.field]).toEqual([403, 'matchers.agent']);
    expect((await call('admin', 'DELETE', `/v1/alert-silences/${String(byAgent.body.id)}`)).status).toBe(204);
    const id = String(created.body.id);
    expect(((await call('admin', 'GET', '/v1/alert-silences')).body as unknown as unknown[]).length).toBe(1);
    expect((await call('adminO2', 'DELETE', `/v1/alert-silences/${id}`)).status).toBe(404);
    expect((await call('admin', 'DELETE', `/v1/alert-silences/${id}`)).status).toBe(204);
    expect((await call('admin', 'DELETE', `/v1/alert-silences/${id}`)).status).toBe(404);
    expect((await call('admin', 'GET', '/v1/alert-silences')).body).toEqual([]);
    const all = (await call('admin', 'GET', '/v1/alert-silences?expired=true')).body as unknown as { id: string }[];
    expect(all.map((x) => x.id)).toEqual([String(byAgent.body.id), id]); // newest first
  });

  it('deliveries: listed by status, a failed one retried by hand, others not; each sees their own', async () => {
    const sub = await call('manager', 'POST', '/v1/alert-subscriptions', {
      matchers: { team: 'T1' },
      channel: webhook,
      language: 'en',
    });
    const [row] = await t.db.query<{ id: string }[]>(
      `INSERT INTO alert_deliveries (subscription_id, org_id, idempotency_key, channel_kind, group_key, reason, alerts,
         title, message, status, attempts, last_error)
       VALUES ($1, 'O1', 'k-failed', 'webhook', 'team=T1', 'changes', '{a}', '1 firing', '{"kind":"http","key":"k","payload":{}}',
         'failed', 8, 'webhook: HTTP 503: down') RETURNING id::text AS id`,
      [sub.body.id],
    );
    const id = String(row?.id);
    const failed = await call('manager', 'GET', '/v1/alert-deliveries?status=failed');
    expect(failed.body).toMatchObject([
      { id, status: 'failed', title: '1 firing', lastError: 'webhook: HTTP 503: down' },
    ]);
    expect((await call('agent', 'GET', '/v1/alert-deliveries')).body).toEqual([]); // not theirs
    expect((await call('adminO2', 'POST', `/v1/alert-deliveries/${id}/retry`)).status).toBe(404);
    expect((await call('manager', 'GET', '/v1/alert-deliveries?status=lost')).body.field).toBe('status');
    const retried = await call('manager', 'POST', `/v1/alert-deliveries/${id}/retry`);
    expect(retried.body).toMatchObject({ id, status: 'pending', attempts: 0 });
    expect((await call('admin', 'POST', `/v1/alert-deliveries/${id}/retry`)).status).toBe(409);
  });
});
