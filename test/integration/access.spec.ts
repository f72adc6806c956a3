import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import type { ScoredCard } from '#libs/pipeline';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import type { RoomSnapshot, RoomUpdate } from '#libs/pipeline';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { importRoster } from '../support/roster';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { bearer, TEST_JWT_SECRET, tokenFor } from '../support/tokens';
import { until } from '../support/until';
import { mintToken } from '../../services/runtime/src/auth';

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
// agent A1 and A2 of team T1, B1 of team T2
const solvedBy = (id: string, teamId: string, agentId: string): CanonicalEvent => {
  const e = ticketSolved(id, 1, iso(Date.now() - 60_000));
  return { ...e, data: { ...e.data, teamId, agentId } };
};

// Sign-in and roles on REST and on the socket.io handshake: each role reads only what it may.
describe('sign-in and roles (JWT bearer tokens)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  const sockets: Socket[] = [];
  const connect = async (token?: string): Promise<Socket> => {
    const socket = io(`${base}/scorecards`, {
      transports: ['websocket'],
      reconnection: false,
      ...(token === undefined ? {} : { auth: { token } }),
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return socket;
  };
  const join = (socket: Socket, room: string) =>
    socket.emitWithAck('join', { room }) as Promise<RoomSnapshot | { error: string }>;

  beforeAll(async () => {
    t = await migratedTestDatabase();
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    // the roster of record: access follows it, never the events' payloads
    await importRoster(t.db, 'O1', [
      ['A1', 'T1'],
      ['A2', 'T1'],
      ['B1', 'T2'],
    ]);
    ({ app, base } = await startTestApp(t, [
      IngestGatewayModule,
      IndicatorProcessorModule,
      ScoringServiceModule,
      ScorecardGatewayModule,
    ]));
    const posted = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify([solvedBy('e1', 'T1', 'A1'), solvedBy('e2', 'T1', 'A2'), solvedBy('e3', 'T2', 'B1')]),
    });
    expect(posted.status).toBe(202);
    // the agents' cards follow by a flush and a scoring round
    await until(async () => {
      const [row] = await t.db.query<{ cards: number }[]>(
        `SELECT count(DISTINCT entity_id)::int AS cards FROM scorecards WHERE level = 'agent'`,
      );
      return row?.cards === 3;
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app.close();
    await t.drop();
  });

  it('refuses a socket or a request without a valid token, saying why', async () => {
    await expect(connect()).rejects.toThrow('unauthorized: a bearer token is required');
    const forged = await mintToken('another-secret-of-at-least-32-characters', 'x', { role: 'admin', org: 'O1' }, '1h');
    await expect(connect(forged)).rejects.toThrow('unauthorized: signature verification failed');
    const expired = await mintToken(TEST_JWT_SECRET, 'x', { role: 'admin', org: 'O1' }, '-1m');
    await expect(connect(expired)).rejects.toThrow(/unauthorized: "exp" claim/);
    const none = await fetch(`${base}/v1/scorecards/team:O1:T1`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toBe('unauthorized: a bearer token is required');
    const badClaims = await tokenFor({ role: 'manager', org: 'O1' });
    expect((await fetch(`${base}/v1/me`, { headers: bearer(badClaims) })).status).toBe(401);
  });

  it("an agent sees their own scores and their team's aggregates, never another agent's", async () => {
    const token = await tokenFor({ role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1' });
    const me = (await (await fetch(`${base}/v1/me`, { headers: bearer(token) })).json()) as { rooms: string[] };
    expect(me.rooms).toEqual(['team:O1:T1', 'agent:O1:A1']);
    const socket = await connect(token);
    expect(await join(socket, 'agent:O1:A1')).toMatchObject({ room: 'agent:O1:A1' });
    expect(await join(socket, 'team:O1:T1')).toMatchObject({ room: 'team:O1:T1' });
    for (const room of ['agent:O1:A2', 'team-agents:O1:T1', 'org:O1', 'team:O1:T2'])
      expect(await join(socket, room)).toEqual({ error: `forbidden: a agent token may not read ${room}` });
    const other = await fetch(`${base}/v1/scorecards/agent:O1:A2`, { headers: bearer(token) });
    expect(other.status).toBe(403);
    const own = await fetch(`${base}/v1/scorecards/agent:O1:A1`, { headers: bearer(token) });
    expect(own.status).toBe(200);
  });

  it("a manager sees their teams' agents (by the roster of record) and not another team's", async () => {
    const token = await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] });
    const socket = await connect(token);
    const agents = (await join(socket, 'team-agents:O1:T1')) as RoomSnapshot;
    expect(new Set(agents.cards.map((c) => c.entity.id))).toEqual(new Set(['A1', 'A2']));
    expect(await join(socket, 'agent:O1:A2')).toMatchObject({ room: 'agent:O1:A2' });
    expect(await join(socket, 'agent:O1:B1')).toEqual({ error: 'forbidden: a manager token may not read agent:O1:B1' });
    expect(await join(socket, 'team-agents:O1:T2')).toEqual({
      error: 'forbidden: a manager token may not read team-agents:O1:T2',
    });
    // a new event of agent A2 reaches the team's agents room
    const update = new Promise<RoomUpdate>((resolve) =>
      socket.on('scorecard', (u: RoomUpdate) => u.room === 'team-agents:O1:T1' && resolve(u)),
    );
    await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify([solvedBy('e4', 'T1', 'A2')]),
    });
    expect((await update).card.entity).toEqual({ level: 'agent', id: 'A2', orgId: 'O1' });
  });

  it('the org overview carries team aggregates only; publishing definitions needs an admin', async () => {
    const display = await connect(await tokenFor({ role: 'display', org: 'O1' }));
    const overview = (await join(display, 'org:O1')) as RoomSnapshot;
    expect(overview.cards.length).toBeGreaterThan(0);
    expect(new Set(overview.cards.map((c) => c.entity.level))).toEqual(new Set(['team']));
    const manager = await tokenFor({ role: 'manager', org: 'O1', teams: ['T1'] });
    const publish = await fetch(`${base}/v1/definitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(manager) },
      body: '{}',
    });
    expect(publish.status).toBe(403);
    expect(((await publish.json()) as { message: string }).message).toBe(
      'forbidden: this needs the role admin or platform',
    );
  });

  it('completes a card stored before cards named their time zone, window and scorecard', async () => {
    await t.db.query(
      `UPDATE scorecards SET card = card - 'timeZone' - 'window' - 'scorecardName'
         || jsonb_build_object('score', jsonb_set(card->'score', '{kpis}',
              (SELECT jsonb_agg(k - 'unit') FROM jsonb_array_elements(card->'score'->'kpis') k)))
       WHERE entity_id = 'B1'`,
    );
    const admin = await tokenFor({ role: 'admin', org: 'O1' });
    const r = await fetch(`${base}/v1/scorecards/agent:O1:B1`, { headers: bearer(admin) });
    const cards = (await r.json()) as ScoredCard[];
    expect(cards.length).toBeGreaterThan(0);
    const periods: Record<string, string> = { 'cs-agent-annual': 'year', 'presales-cs-monthly': 'month' };
    for (const card of cards) {
      expect(card).toMatchObject({ timeZone: 'Asia/Shanghai', window: periods[card.score.scorecard] });
      expect(card.scorecardName.zh).not.toBe('');
      for (const kpi of card.score.kpis) expect(kpi.unit).toMatch(/^[a-z]+$/);
    }
  });
});
