import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import type { RoomSnapshot, RoomUpdate, ScoredCard } from '#libs/pipeline';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { DefinitionVersionsRepository } from '#libs/postgres';
import { loadConfig, type RuntimeConfig } from '../../services/runtime/src/config';
import { up, type Running } from '../../services/runtime/src/up';
import { ticketSolved } from '../support/events';
import { schemaUrl } from '../support/service-process';
import { DATABASE_URL, migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { seedAsOneDocument, type SeedCard, type SeedDocument } from '../support/seed-document';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { AUTH_ENV, bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
// a ticket of team T1 (agent A1) of the org, from that org's own helpdesk
function solved(orgId: string, id: string, contacts: number): CanonicalEvent {
  const e = ticketSolved(`${orgId}-${id}`, contacts, iso(Date.now() - 60_000));
  return { ...e, source: `ticketing/zendesk/${orgId}`, data: { ...e.data, orgId } };
}

// the seed definitions as one document, with the supervisor's FCR target set
function withFcrTarget(target: number): SeedDocument {
  const doc = seedAsOneDocument();
  const card = doc.scorecards.find((c) => c.id === 'cs-supervisor-monthly') as SeedCard;
  (card.kpis.find((k) => k.id === 'fcr') as { target: number }).target = target;
  return doc;
}

const fcrOf = (card: ScoredCard) =>
  card.score.scorecard === 'cs-supervisor-monthly' ? card.score.kpis.find((k) => k.kpi === 'fcr') : undefined;

// A socket's scorecard updates, and a wait for one that matches.
function listen(socket: Socket) {
  const updates: RoomUpdate[] = [];
  const waiting: { match: (u: RoomUpdate) => boolean; resolve: (u: RoomUpdate) => void }[] = [];
  socket.on('scorecard', (u: RoomUpdate) => {
    updates.push(u);
    for (const w of waiting.filter((x) => x.match(u))) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(u);
    }
  });
  return {
    updates,
    next: (match: (u: RoomUpdate) => boolean) => new Promise<RoomUpdate>((resolve) => waiting.push({ match, resolve })),
  };
}

// Definitions belong to an org: O2's admin publishing a changed target re-scores O2 and not one card of
// O1, pushed or stored; the audit trail and the export are an org's admins' alone.
describe('definitions per org: one org publishing never changes another (all services in one Nest app)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  const sources: Record<string, string> = {};
  const admins: Record<string, Record<string, string>> = {};
  const sockets: Socket[] = [];
  let o1: ReturnType<typeof listen>;
  let o2: ReturnType<typeof listen>;

  beforeAll(async () => {
    t = await migratedTestDatabase();
    for (const org of ['O1', 'O2', 'O3']) sources[org] = await sourceToken(t.db, `ticketing/zendesk/${org}`, org);
    ({ app, base } = await startTestApp(t, [
      IngestGatewayModule,
      IndicatorProcessorModule,
      ScoringServiceModule,
      ScorecardGatewayModule,
    ]));
    for (const org of ['O1', 'O2']) {
      const token = await tokenFor({ role: 'admin', org }, `hr-admin@${org}`);
      admins[org] = bearer(token);
      const socket = io(`${base}/scorecards`, { transports: ['websocket'], auth: { token } });
      sockets.push(socket);
      const listening = listen(socket);
      if (org === 'O1') o1 = listening;
      else o2 = listening;
      expect(await socket.emitWithAck('join', { room: `org:${org}` })).toMatchObject({ room: `org:${org}` });
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app.close();
    await t.drop();
  });

  const post = (org: string, events: CanonicalEvent[]) =>
    fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(sources[org] as string),
      body: JSON.stringify(events),
    });
  const publish = (headers: Record<string, string>, doc: unknown) =>
    fetch(`${base}/v1/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(doc),
    });
  const get = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { headers });
  const teamCard = (org: string, target: number, actual?: number) => (u: RoomUpdate) =>
    u.card.entity.orgId === org &&
    u.card.entity.level === 'team' &&
    fcrOf(u.card)?.target === target &&
    (actual === undefined || fcrOf(u.card)?.actual === actual);
  const storedFcr = async (org: string) =>
    ((await (await get(`/v1/scorecards/team:${org}:T1`, admins[org] as Record<string, string>)).json()) as ScoredCard[])
      .map(fcrOf)
      .filter((k) => k !== undefined);

  it("O2's admin publishing re-scores O2's cards, and not one of O1's, pushed or stored", async () => {
    const scoredO1 = o1.next(teamCard('O1', 0.75, 0.75));
    const scoredO2 = o2.next(teamCard('O2', 0.75, 0.5));
    expect(
      (await post('O1', [solved('O1', 'a', 1), solved('O1', 'b', 1), solved('O1', 'c', 2), solved('O1', 'd', 1)]))
        .status,
    ).toBe(202);
    expect((await post('O2', [solved('O2', 'a', 1), solved('O2', 'b', 2)])).status).toBe(202);
    await Promise.all([scoredO1, scoredO2]);
    await until(async () => (await storedFcr('O1')).length > 0 && (await storedFcr('O2')).length > 0);

    const rescoredO2 = o2.next(teamCard('O2', 0.9));
    const published = await publish(admins.O2 as Record<string, string>, withFcrTarget(0.9));
    expect(published.status).toBe(201);
    expect(((await published.json()) as { version: number }).version).toBe(1);
    expect(fcrOf((await rescoredO2).card)?.target).toBe(0.9);

    // rounds are scored one at a time and pushed in order: O1's card for an event posted now comes after
    // anything the publish could have re-scored
    const afterO1 = o1.next((u) => u.card.entity.level === 'team' && fcrOf(u.card)?.actual === 0.8);
    expect((await post('O1', [solved('O1', 'e', 1)])).status).toBe(202);
    expect(fcrOf((await afterO1).card)?.target).toBe(0.75);
    const o1Targets = o1.updates.flatMap((u) => (fcrOf(u.card) === undefined ? [] : [fcrOf(u.card)?.target]));
    expect(new Set(o1Targets)).toEqual(new Set([0.75]));
    expect(o1.updates.every((u) => u.card.entity.orgId === 'O1')).toBe(true);
    expect(o2.updates.every((u) => u.card.entity.orgId === 'O2')).toBe(true);

    // stored: O2's cards follow the push by a write; O1's keep the files' target
    await until(async () => (await storedFcr('O2')).every((k) => k.target === 0.9));
    await until(async () => (await storedFcr('O1')).some((k) => k.actual === 0.8));
    expect((await storedFcr('O1')).map((k) => k.target)).toEqual([0.75]);
    const stored = await t.db.query<{ org_id: string; target: number }[]>(
      `SELECT org_id, (k->>'target')::float AS target FROM scorecards, jsonb_array_elements(card->'score'->'kpis') k
       WHERE scorecard = 'cs-supervisor-monthly' AND k->>'kpi' = 'fcr'`,
    );
    expect(stored.filter((r) => r.org_id === 'O1').map((r) => r.target)).toEqual(
      stored.filter((r) => r.org_id === 'O1').map(() => 0.75),
    );
    expect(stored.some((r) => r.org_id === 'O2' && r.target === 0.9)).toBe(true);

    // a socket joining now gets O1's stored cards as they were, O2's with O2's target
    const late = io(`${base}/scorecards`, {
      transports: ['websocket'],
      auth: { token: await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] }) },
    });
    const snapshot = (await late.emitWithAck('join', { room: 'team:O1:T1' })) as RoomSnapshot;
    late.close();
    expect(
      snapshot.cards
        .map(fcrOf)
        .filter((k) => k !== undefined)
        .map((k) => k.target),
    ).toEqual([0.75]);
    // and re-scored over another window, O1 is still scored with its own definitions
    const weekly = (await (
      await get('/v1/scorecards/team:O1:T1?period=week', admins.O1 as Record<string, string>)
    ).json()) as ScoredCard[];
    expect(
      weekly
        .map(fcrOf)
        .filter((k) => k !== undefined)
        .map((k) => k.target),
    ).toEqual([0.75]);
  });

  it("each org's admin reads only their org's audit trail and export", async () => {
    expect((await publish(admins.O1 as Record<string, string>, withFcrTarget(0.8))).status).toBe(201);
    type Trail = { current: number; versions: { version: number; orgId: string | null; publishedBy: string }[] };
    const trailO1 = (await (await get('/v1/definitions', admins.O1 as Record<string, string>)).json()) as Trail;
    const trailO2 = (await (await get('/v1/definitions', admins.O2 as Record<string, string>)).json()) as Trail;
    expect(trailO1).toMatchObject({ current: 2, versions: [{ version: 2, orgId: 'O1', publishedBy: 'hr-admin@O1' }] });
    expect(trailO1.versions).toHaveLength(1);
    expect(trailO2).toMatchObject({ current: 1, versions: [{ version: 1, orgId: 'O2', publishedBy: 'hr-admin@O2' }] });
    expect(trailO2.versions).toHaveLength(1);

    type Exported = { version: number; platformDefault: boolean; source: string };
    const exportO2 = (await (
      await get('/v1/definitions/current', admins.O2 as Record<string, string>)
    ).json()) as Exported;
    expect(exportO2).toMatchObject({ version: 1, platformDefault: false });
    expect(JSON.stringify(JSON.parse(exportO2.source))).toEqual(JSON.stringify(withFcrTarget(0.9)));
    const exportO1 = (await (
      await get('/v1/definitions/current', admins.O1 as Record<string, string>)
    ).json()) as Exported;
    expect(exportO1.version).toBe(2);

    // an org that never published has nothing to export and an empty trail
    const adminO3 = bearer(await tokenFor({ role: 'admin', org: 'O3' }));
    expect((await get('/v1/definitions/current', adminO3)).status).toBe(404);
    expect(await (await get('/v1/definitions', adminO3)).json()).toEqual({ current: 0, versions: [] });
  });

  it('a manager, an agent or a display reads neither the audit trail nor the export, and publishes nothing', async () => {
    for (const claims of [
      { role: 'manager' as const, org: 'O1', teams: ['T1'] },
      { role: 'agent' as const, org: 'O1', teams: ['T1'], agent: 'A1' },
      { role: 'display' as const, org: 'O1' },
    ]) {
      const headers = bearer(await tokenFor(claims));
      for (const path of ['/v1/definitions', '/v1/definitions/current'])
        expect((await get(path, headers)).status, `${claims.role} ${path}`).toBe(403);
      expect((await publish(headers, withFcrTarget(0.5))).status, `${claims.role} publish`).toBe(403);
    }
    const trail = (await (await get('/v1/definitions', admins.O1 as Record<string, string>)).json()) as {
      current: number;
    };
    expect(trail.current).toBe(2);
  });

  it("a platform default applies to the orgs without their own version, and reads no org's scores", async () => {
    const platform = bearer(await tokenFor({ role: 'platform', org: 'ops' }, 'kpi-ops'));
    const o3Token = await tokenFor({ role: 'admin', org: 'O3' });
    const o3Socket = io(`${base}/scorecards`, { transports: ['websocket'], auth: { token: o3Token } });
    sockets.push(o3Socket);
    const o3 = listen(o3Socket);
    await o3Socket.emitWithAck('join', { room: 'org:O3' });
    const before = { o1: o1.updates.length, o2: o2.updates.length };

    const published = await publish(platform, withFcrTarget(0.6));
    expect(published.status).toBe(201);
    expect(((await published.json()) as { version: number }).version).toBe(3);
    // O3 never published: its cards are scored with the platform default. Its card comes after the
    // round the publish started, which re-scored O1 and O2 with their own versions
    const scoredO3 = o3.next(teamCard('O3', 0.6));
    expect((await post('O3', [solved('O3', 'a', 1)])).status).toBe(202);
    await scoredO3;
    const targets = (updates: RoomUpdate[]) => updates.map((u) => fcrOf(u.card)?.target);
    expect(targets(o1.updates.slice(before.o1))).not.toContain(0.6);
    expect(targets(o2.updates.slice(before.o2))).not.toContain(0.6);
    expect((await storedFcr('O1')).map((k) => k.target)).not.toContain(0.6);

    type Trail = { current: number; versions: { version: number; orgId: string | null; platformDefault: boolean }[] };
    // the platform reads the platform defaults alone; an org's admin sees them marked, next to its own
    expect((await (await get('/v1/definitions', platform)).json()) as Trail).toEqual({
      current: 3,
      versions: [expect.objectContaining({ version: 3, orgId: null, platformDefault: true })],
    });
    const trailO1 = (await (await get('/v1/definitions', admins.O1 as Record<string, string>)).json()) as Trail;
    expect(trailO1.current).toBe(2);
    expect(trailO1.versions.map((v) => [v.version, v.orgId, v.platformDefault])).toEqual([
      [3, null, true],
      [2, 'O1', false],
    ]);
    expect(await (await get('/v1/definitions/current', bearer(o3Token))).json()).toMatchObject({
      version: 3,
      platformDefault: true,
    });

    // a platform token reads no scores, not even of the org it names
    const platformO1 = await tokenFor({ role: 'platform', org: 'O1' });
    expect((await get('/v1/scorecards/org:O1', bearer(platformO1))).status).toBe(403);
    const socket = io(`${base}/scorecards`, { transports: ['websocket'], auth: { token: platformO1 } });
    sockets.push(socket);
    expect(await socket.emitWithAck('join', { room: 'org:O1' })).toEqual({
      error: 'forbidden: a platform token may not read org:O1',
    });
  });
});

describe('definitions per org across a restart (kpi-pulse up)', () => {
  let t: TestDatabase;
  let running: Running;
  let config: RuntimeConfig;
  beforeAll(async () => {
    t = await migratedTestDatabase();
    const url = schemaUrl(DATABASE_URL, t.schema);
    config = loadConfig({ DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'error', ...AUTH_ENV });
    running = await up(config);
  });
  afterAll(async () => {
    await running.close();
    await t.drop();
  });

  const fcrTarget = (orgId: string) =>
    running.registry
      .forOrg(orgId)
      .scorecards.find((c) => c.id === 'cs-supervisor-monthly')
      ?.kpis.find((k) => k.id === 'fcr')?.target;

  it("keeps each org's version, and a platform default for the orgs without one", async () => {
    // a version stored before versions had an org: a platform default
    await new DefinitionVersionsRepository(t.db).add({
      orgId: null,
      publishedBy: 'before-tenancy',
      source: JSON.stringify(withFcrTarget(0.6)),
      summary: {},
      announce: false,
    });
    for (const [org, target] of [
      ['O1', 0.9],
      ['O2', 0.8],
    ] as const) {
      const published = await fetch(`${running.url}/v1/definitions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(await tokenFor({ role: 'admin', org })) },
        body: JSON.stringify(withFcrTarget(target)),
      });
      expect(published.status).toBe(201);
    }
    await running.close();
    running = await up(config);
    expect([fcrTarget('O1'), fcrTarget('O2'), fcrTarget('O3')]).toEqual([0.9, 0.8, 0.6]);

    type Trail = { current: number; versions: { version: number; orgId: string | null; platformDefault: boolean }[] };
    const trail = async (org: string) =>
      (await (
        await fetch(`${running.url}/v1/definitions`, { headers: bearer(await tokenFor({ role: 'admin', org })) })
      ).json()) as Trail;
    // each org's own versions and the platform defaults, marked; never another org's
    expect(await trail('O2')).toEqual({
      current: 3,
      versions: [
        expect.objectContaining({ version: 3, orgId: 'O2', platformDefault: false }),
        expect.objectContaining({ version: 1, orgId: null, platformDefault: true }),
      ],
    });
    expect(await trail('O3')).toEqual({
      current: 1,
      versions: [expect.objectContaining({ version: 1, orgId: null, platformDefault: true })],
    });
    const exported = await fetch(`${running.url}/v1/definitions/current`, {
      headers: bearer(await tokenFor({ role: 'admin', org: 'O3' })),
    });
    expect(await exported.json()).toMatchObject({ version: 1, platformDefault: true });
  });
});
