import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#libs/events';
import type { RoomSnapshot, RoomUpdate } from '#libs/pipeline';
import { IndicatorProcessorModule } from '../../services/indicator-processor/src/indicator-processor.module';
import { IngestGatewayModule } from '../../services/ingest-gateway/src/ingest-gateway.module';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { ScoringServiceModule } from '../../services/scoring-service/src/scoring-service.module';
import { ticketSolved } from '../support/events';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { asSource, sourceToken } from '../support/sources';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
const solvedBy = (id: string, teamId: string, agentId: string): CanonicalEvent => {
  const e = ticketSolved(id, 1, iso(Date.now() - 60_000));
  return { ...e, data: { ...e.data, teamId, agentId } };
};

interface RosterAsOf {
  asOf: string;
  teams: { team: string; agents: { agent: string }[] }[];
}

// The roster of record decides who may read whom: an event's payload cannot put an agent in a team.
describe('the roster of record (real Nest app, real Postgres, socket.io)', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  let zendesk: string;
  let adminO1: Record<string, string>;
  let adminO2: Record<string, string>;
  const sockets: Socket[] = [];
  const connect = async (token: string): Promise<Socket> => {
    const socket = io(`${base}/scorecards`, { transports: ['websocket'], reconnection: false, auth: { token } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return socket;
  };
  const join = (socket: Socket, room: string) =>
    socket.emitWithAck('join', { room }) as Promise<RoomSnapshot | { error: string }>;
  const call = (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    type = 'application/json',
  ) =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': type, ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const post = async (events: CanonicalEvent[]) => {
    const r = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: asSource(zendesk),
      body: JSON.stringify(events),
    });
    expect(r.status).toBe(202);
    return (await r.json()) as { accepted: number; rejected: number; results: { code?: string; field?: string }[] };
  };
  const rosterOf = async (admin: Record<string, string>, asOf?: string) =>
    (await (await call('GET', `/v1/roster${asOf === undefined ? '' : `?asOf=${asOf}`}`, admin)).json()) as RosterAsOf;
  const manager = (team: string) => tokenFor({ role: 'manager', org: 'O1', teams: [team] }, `manager@${team}`);

  beforeAll(async () => {
    t = await migratedTestDatabase();
    zendesk = await sourceToken(t.db, 'ticketing/zendesk');
    ({ app, base } = await startTestApp(t, [
      IngestGatewayModule,
      IndicatorProcessorModule,
      ScoringServiceModule,
      ScorecardGatewayModule,
    ]));
    adminO1 = bearer(await tokenFor({ role: 'admin', org: 'O1' }, 'admin@O1'));
    adminO2 = bearer(await tokenFor({ role: 'admin', org: 'O2' }, 'admin@O2'));
    const imported = await call(
      'PUT',
      '/v1/roster',
      adminO1,
      'agent,team,from,to\nO1-T1-A1,O1-T1,2020-01-01,\nO1-T2-A9,O1-T2,2020-01-01,\n',
      'text/csv',
    );
    expect(imported.status).toBe(200);
    expect(await imported.json()).toEqual({ members: 2, teams: 2, memberships: 2 });
    // two real events, and a forged one: agent O1-T2-A9 "in team O1-T1"
    await post([
      solvedBy('r1', 'O1-T1', 'O1-T1-A1'),
      solvedBy('r2', 'O1-T2', 'O1-T2-A9'),
      solvedBy('r3', 'O1-T1', 'O1-T2-A9'),
    ]);
    await until(async () => {
      const [row] = await t.db.query<{ cards: number }[]>(
        `SELECT count(DISTINCT entity_id)::int AS cards FROM scorecards WHERE level = 'agent'`,
      );
      return row?.cards === 2;
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await app.close();
    await t.drop();
  });

  it("an event naming O1-T2-A9 in team O1-T1 gives O1-T1's manager nothing, and O1-T2's manager keeps them", async () => {
    const t1 = await connect(await manager('O1-T1'));
    const t2 = await connect(await manager('O1-T2'));
    expect(await join(t1, 'agent:O1:O1-T2-A9')).toEqual({
      error: 'forbidden: a manager token may not read agent:O1:O1-T2-A9',
    });
    const rest = await fetch(`${base}/v1/scorecards/agent:O1:O1-T2-A9`, { headers: bearer(await manager('O1-T1')) });
    expect(rest.status).toBe(403);
    const t1Agents = (await join(t1, 'team-agents:O1:O1-T1')) as RoomSnapshot;
    expect(new Set(t1Agents.cards.map((c) => c.entity.id))).toEqual(new Set(['O1-T1-A1'])); // a card per scorecard
    expect(await join(t2, 'agent:O1:O1-T2-A9')).toMatchObject({ room: 'agent:O1:O1-T2-A9' });
    const t2Agents = (await join(t2, 'team-agents:O1:O1-T2')) as RoomSnapshot;
    expect(new Set(t2Agents.cards.map((c) => c.entity.id))).toEqual(new Set(['O1-T2-A9']));

    // another forged event: A9's new card reaches O1-T2's agents room, never O1-T1's
    const seenByT1: string[] = [];
    t1.on('scorecard', (u: RoomUpdate) => seenByT1.push(u.card.entity.id));
    const toT2 = new Promise<RoomUpdate>((resolve) =>
      t2.on('scorecard', (u: RoomUpdate) => u.room === 'team-agents:O1:O1-T2' && resolve(u)),
    );
    await post([solvedBy('r4', 'O1-T1', 'O1-T2-A9')]);
    expect((await toT2).card.entity.id).toBe('O1-T2-A9');
    expect(seenByT1).not.toContain('O1-T2-A9');
  });

  it('refuses a bad CSV row by its line and field, and changes nothing', async () => {
    const before = await rosterOf(adminO1);
    const r = await call(
      'PUT',
      '/v1/roster',
      adminO1,
      'agent,team,from,to\nO1-T1-A1,O1-T1,2020-01-01,\nO1-T2-A9,O1-T1,2026-13-01,\n',
      'text/csv',
    );
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      row: 3,
      field: 'from',
      code: 'invalid_date',
      message: 'row 3: from: expected a date YYYY-MM-DD, got "2026-13-01"',
    });
    const overlap = await call('PUT', '/v1/roster', adminO1, {
      memberships: [
        { agent: 'O1-T1-A1', team: 'O1-T1', from: '2020-01-01' },
        { agent: 'O1-T1-A1', team: 'O1-T2', from: '2021-01-01' },
      ],
    });
    expect(await overlap.json()).toMatchObject({ row: 1, code: 'overlap' });
    expect((await call('PUT', '/v1/roster', adminO1, 'agent,team,from', 'text/plain')).status).toBe(415);
    expect(await rosterOf(adminO1)).toEqual(before);
  });

  it("a move next month does not change today's access", async () => {
    const { asOf: today } = await rosterOf(adminO1);
    const [y, m] = today.split('-').map(Number) as [number, number];
    const nextMonth = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    const moved = await call('POST', '/v1/roster/moves', adminO1, {
      moves: [{ agent: 'O1-T1-A1', team: 'O1-T2', from: nextMonth }],
    });
    expect(moved.status).toBe(201);
    expect(await moved.json()).toEqual({
      applied: 1,
      memberships: [
        { agent: 'O1-T1-A1', team: 'O1-T1', from: '2020-01-01', to: nextMonth },
        { agent: 'O1-T1-A1', team: 'O1-T2', from: nextMonth, to: null },
      ],
    });
    const t1 = await connect(await manager('O1-T1'));
    const t2 = await connect(await manager('O1-T2'));
    expect(await join(t1, 'agent:O1:O1-T1-A1')).toMatchObject({ room: 'agent:O1:O1-T1-A1' });
    expect(await join(t2, 'agent:O1:O1-T1-A1')).toEqual({
      error: 'forbidden: a manager token may not read agent:O1:O1-T1-A1',
    });
    const later = await rosterOf(adminO1, nextMonth);
    expect(later.teams.find((team) => team.team === 'O1-T2')?.agents.map((a) => a.agent)).toEqual([
      'O1-T1-A1',
      'O1-T2-A9',
    ]);
  });

  it("O2's admin can neither read nor write O1's roster; other roles cannot touch it", async () => {
    const before = await rosterOf(adminO1);
    expect((await rosterOf(adminO2)).teams).toEqual([]);
    const put = await call('PUT', '/v1/roster', adminO2, 'agent,team,from\nO1-T1-A1,O1-T9,2020-01-01\n', 'text/csv');
    expect(put.status).toBe(200);
    await call('POST', '/v1/roster/moves', adminO2, [{ agent: 'O1-T2-A9', team: 'O1-T9', from: '2020-01-01' }]);
    expect(await rosterOf(adminO1)).toEqual(before); // O2's writes went to O2's roster
    expect((await rosterOf(adminO2)).teams.map((team) => team.team)).toEqual(['O1-T9']);
    for (const role of ['manager', 'agent', 'display'] as const) {
      const token = bearer(await tokenFor({ role, org: 'O1', teams: ['O1-T1'], agent: 'O1-T1-A1' }));
      expect((await call('GET', '/v1/roster', token)).status).toBe(403);
      expect(
        (await call('POST', '/v1/roster/moves', token, [{ agent: 'x', team: 'y', from: '2020-01-01' }])).status,
      ).toBe(403);
    }
    expect((await call('GET', '/v1/roster', {})).status).toBe(401);
  });

  it('an unknown member is accepted, counted, shown to its admins only, and grants nobody anything', async () => {
    const taken = await post([solvedBy('u1', 'O1-T7', 'O1-T7-A1'), solvedBy('u2', 'O1-T7', 'O1-T7-A1')]);
    expect(taken.accepted).toBe(2);
    const unknown = (await (await call('GET', '/v1/roster/unknown', adminO1)).json()) as {
      kind: string;
      id: string;
      events: number;
    }[];
    expect(unknown.map(({ kind, id, events }) => ({ kind, id, events }))).toEqual(
      expect.arrayContaining([
        { kind: 'agent', id: 'O1-T7-A1', events: 2 },
        { kind: 'team', id: 'O1-T7', events: 2 },
      ]),
    );
    expect(await (await call('GET', '/v1/roster/unknown', adminO2)).json()).toEqual([]);
    expect((await call('GET', '/v1/roster/unknown', bearer(await manager('O1-T7')))).status).toBe(403);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('kpi_roster_unknown_member_events_total{org="O1",kind="agent"} 2');
    await until(async () => {
      const [row] = await t.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM scorecards WHERE level = 'agent' AND entity_id = 'O1-T7-A1'`,
      );
      return row?.n !== 0;
    });
    const socket = await connect(await manager('O1-T7'));
    expect(await join(socket, 'agent:O1:O1-T7-A1')).toEqual({
      error: 'forbidden: a manager token may not read agent:O1:O1-T7-A1',
    });
    expect(((await join(socket, 'team-agents:O1:O1-T7')) as RoomSnapshot).cards).toEqual([]);
  });

  it("under the policy 'reject', ingest refuses an unknown member with code unknown_member", async () => {
    const set = await call('PUT', '/v1/roster/settings', adminO1, { unknownMembers: 'reject' });
    expect(await set.json()).toEqual({ unknownMembers: 'reject' });
    expect((await call('PUT', '/v1/roster/settings', adminO1, { unknownMembers: 'maybe' })).status).toBe(400);
    const answer = await post([solvedBy('x1', 'O1-T1', 'O1-T8-A1'), solvedBy('x2', 'O1-T1', 'O1-T1-A1')]);
    expect(answer).toMatchObject({ accepted: 1, rejected: 1 });
    expect(answer.results[0]).toMatchObject({ field: 'data.agentId', code: 'unknown_member' });
    const [dead] = await t.db.query<{ code: string }[]>(
      `SELECT code FROM rejected_events WHERE code = 'unknown_member'`,
    );
    expect(dead?.code).toBe('unknown_member');
    expect((await rosterOf(adminO1)) as unknown).toMatchObject({ unknownMembers: 'reject' });
    await call('PUT', '/v1/roster/settings', adminO1, { unknownMembers: 'accept' });
    expect((await post([solvedBy('x3', 'O1-T1', 'O1-T8-A1')])).accepted).toBe(1);
  });
});
