import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventLog } from '#libs/postgres';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { asSource } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';

interface Created {
  source: { id: string; orgId: string; uri: string };
  credential: { id: string; token: string };
}

// Sources over REST: an org's admins register them and hold their write credentials; ingest takes only
// what a live credential of a source sends for its own org.
describe('sources and their write credentials (real Nest app, real Postgres)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let adminO1: Record<string, string>;
  let adminO2: Record<string, string>;
  let firstToken: string;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    ({ app, base } = await startTestApp(t, [IngestGatewayModule, ScorecardGatewayModule]));
    adminO1 = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'it@O1'));
    adminO2 = bearer(await tokenFor({ role: 'admin', org: 'O2' }, 'it@O2'));
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
  const ingest = (token: string, events: unknown[]) =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: asSource(token), body: JSON.stringify(events) });

  it('registers a source with its first token, shown once; the token writes; lists never show secrets', async () => {
    const r = await call('POST', '/v1/sources', adminO1, {
      source: 'ticketing/zendesk',
      name: 'Zendesk',
      eventTypes: ['ticket.solved'],
    });
    expect(r.status).toBe(201);
    const created = (await r.json()) as Created;
    expect(created.source).toMatchObject({ orgId: 'O1', uri: 'ticketing/zendesk' });
    expect(created.credential.token).toMatch(/^kps_[0-9a-f]{12}_/);
    firstToken = created.credential.token;
    const posted = await ingest(created.credential.token, [ticketSolved('s1')]);
    expect(await posted.json()).toMatchObject({ accepted: 1 });

    const listed = await (await call('GET', '/v1/sources', adminO1)).text();
    expect(listed).toContain(created.credential.id);
    expect(listed).not.toContain(created.credential.token.split('_')[2]);
    const [row] = await t.db.query<{ secret_hash: string }[]>(`SELECT secret_hash FROM source_credentials`);
    expect(created.credential.token).not.toContain(row?.secret_hash ?? '?');
  });

  it('rotates: a second credential, never a third while two are active; a revoked one writes no more', async () => {
    const [listed] = (await (await call('GET', '/v1/sources', adminO1)).json()) as {
      id: string;
      credentials: { id: string }[];
    }[];
    const id = listed?.id ?? '';
    const second = await call('POST', `/v1/sources/${id}/credentials`, adminO1);
    expect(second.status).toBe(201);
    const { token } = (await second.json()) as { id: string; token: string };
    expect((await call('POST', `/v1/sources/${id}/credentials`, adminO1)).status).toBe(409);

    const first = listed?.credentials[0]?.id ?? '';
    expect((await call('DELETE', `/v1/sources/${id}/credentials/${first}`, adminO1)).status).toBe(204);
    expect((await call('DELETE', `/v1/sources/${id}/credentials/${first}`, adminO1)).status).toBe(404);
    expect((await ingest(firstToken, [ticketSolved('s-revoked')])).status).toBe(401);
    expect((await ingest(token, [ticketSolved('s2')])).status).toBe(202);
    const log = new PostgresEventLog(t.db);
    expect((await log.read(0, 10)).map((r) => r.event.id)).toEqual(['s1', 's2']);
  });

  it("keeps orgs apart: another org's admin neither sees nor touches a source, nor takes its uri", async () => {
    const [own] = (await (await call('GET', '/v1/sources', adminO1)).json()) as { id: string }[];
    expect(await (await call('GET', '/v1/sources', adminO2)).json()).toEqual([]);
    expect((await call('POST', `/v1/sources/${own?.id ?? ''}/credentials`, adminO2)).status).toBe(404);
    expect((await call('DELETE', `/v1/sources/${own?.id ?? ''}/credentials/x`, adminO2)).status).toBe(404);
    const taken = await call('POST', '/v1/sources', adminO2, {
      source: 'ticketing/zendesk',
      name: 'mine now',
      eventTypes: ['ticket.solved'],
    });
    expect(taken.status).toBe(409);
  });

  it('is for admins only, and names the field that is wrong', async () => {
    const manager = bearer(await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }));
    expect((await call('GET', '/v1/sources', manager)).status).toBe(403);
    expect((await call('GET', '/v1/sources', {})).status).toBe(401);
    const bad = await call('POST', '/v1/sources', adminO1, { source: 'x', name: 'X', eventTypes: ['ticket.solvd'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe(
      'eventTypes: not event types of the contract: ticket.solvd',
    );
  });
});
