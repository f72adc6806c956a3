import type { INestApplication } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessClaims } from '#libs/access';
import { instanceKey, transitionKey, type AlertChange, type AlertInstance } from '#libs/alerting';
import { loadDefinitions, type AlertRuleDef } from '#libs/definitions';
import type { AlertNews, Transport } from '#libs/pipeline';
import { AlertsRepository, AlertSubscriptionsRepository } from '#libs/postgres';
import { ScorecardGatewayModule } from '../../services/scorecard-gateway/src/scorecard-gateway.module';
import { TRANSPORT } from '../../services/runtime/src/tokens';
import { migratedTestDatabase, type TestDatabase } from '../support/postgres';
import { testSecretBox } from '../support/sources';
import { importRoster } from '../support/roster';
import { startTestApp } from '../support/test-app';
import { bearer, tokenFor } from '../support/tokens';
import { until } from '../support/until';

const card = loadDefinitions('definitions/seed').set.scorecards.find((s) => s.id === 'cs-supervisor-monthly');
const rule = card?.alerts.find((r) => r.id === 'red-lines') as AlertRuleDef;
const PERIOD = Date.parse('2026-12-01T00:00:00+08:00');
let clock = Date.parse('2026-12-02T01:00:00Z');

const instance = (orgId: string, level: 'org' | 'team' | 'agent', id: string): AlertInstance => ({
  scorecard: 'cs-supervisor-monthly',
  rule: rule.id,
  kpi: 'privacy_violations',
  entity: { orgId, level, id },
  periodStart: PERIOD,
});
// an alert that fires now (one change: its state and its fired transition)
const fires = (i: AlertInstance): AlertChange => {
  const at = (clock += 60_000);
  return {
    instance: i,
    rule,
    state: { status: 'firing', since: at, firedAt: at, clearSince: null, value: 1 },
    transition: { kind: 'fired', key: transitionKey(i, 'fired', at), firedAt: at, at, value: 1 },
  };
};
// the transitions the real repository records (without announcing them: the test sends them itself)
const record = async (repository: AlertsRepository, changes: AlertChange[]) =>
  (await repository.transaction((tx) => tx.record(changes, null))).records;

const pends = (i: AlertInstance): AlertChange => ({
  instance: i,
  rule,
  state: { status: 'pending', since: (clock += 60_000), value: 1 },
  transition: null,
});

interface Listed {
  firing: number;
  pending: number;
  alerts: {
    id: number | null;
    status: string;
    level: string;
    entityId: string;
    orgId: string;
    acknowledged: unknown;
    silenced: { by: string; comment: string } | null;
  }[];
}
interface History {
  transitions: { id: number; kind: string; level: string; entityId: string; acknowledged: { by: string } | null }[];
  next: number | null;
}

// GET and POST /v1/alerts on the real gateway and Postgres, with alerts written by the real repository:
// each role sees the alerts of the cards it may read, no other org's; acknowledging is scope-checked
// and stored; the socket pushes transitions and acknowledgements to the right rooms only.
describe('the alerts API and its live pushes', () => {
  let t: TestDatabase;
  let app: INestApplication;
  let base: string;
  const ids = new Map<string, number>(); // fired transition id by `org level id`
  const token = (claims: AccessClaims) => tokenFor(claims, `${claims.role}-${claims.agent ?? claims.teams?.[0] ?? ''}`);
  const admin = () => token({ role: 'admin', org: 'O1' });
  const manager = () => token({ role: 'manager', org: 'O1', teams: ['T1'] });
  const agent = () => token({ role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1' });
  const get = async <T>(path: string, who: string) => {
    const res = await fetch(`${base}${path}`, { headers: bearer(who) });
    return { status: res.status, body: (await res.json()) as T };
  };
  const ack = async (id: number | string, who: string) => {
    const res = await fetch(`${base}/v1/alerts/${id}/acknowledge`, { method: 'POST', headers: bearer(who) });
    return { status: res.status, body: (await res.json()) as { by?: string; created?: boolean; message?: string } };
  };
  const seen = (l: Listed) => l.alerts.map((a) => `${a.orgId} ${a.status} ${a.level}:${a.entityId}`).sort();

  beforeAll(async () => {
    t = await migratedTestDatabase();
    await importRoster(t.db, 'O1', [
      ['A1', 'T1'],
      ['A2', 'T1'],
      ['B1', 'T2'],
    ]);
    await importRoster(t.db, 'O2', [['A1', 'T1']]);
    ({ app, base } = await startTestApp(t, [ScorecardGatewayModule]));
    const repository = new AlertsRepository(t.db, testSecretBox());
    const entities = [
      ['O1', 'org', 'O1'],
      ['O1', 'team', 'T1'],
      ['O1', 'agent', 'A1'],
      ['O1', 'agent', 'A2'],
      ['O1', 'team', 'T2'],
      ['O2', 'team', 'T1'],
      ['O2', 'agent', 'A1'],
    ] as const;
    for (const [org, level, id] of entities)
      for (const r of await record(repository, [fires(instance(org, level, id))]))
        ids.set(`${org} ${level} ${id}`, r.id);
    await record(repository, [pends(instance('O1', 'agent', 'B1'))]);
  });
  afterAll(async () => {
    await app.close();
    await t.drop();
  });

  it("an admin sees the org's every alert, firing and pending, and none of another org's", async () => {
    const { status, body } = await get<Listed>('/v1/alerts', await admin());
    expect(status).toBe(200);
    expect({ firing: body.firing, pending: body.pending }).toEqual({ firing: 5, pending: 1 });
    expect(seen(body)).toEqual([
      'O1 firing agent:A1',
      'O1 firing agent:A2',
      'O1 firing org:O1',
      'O1 firing team:T1',
      'O1 firing team:T2',
      'O1 pending agent:B1',
    ]);
    expect(body.alerts.find((a) => a.status === 'pending')?.id).toBeNull();
    const other = await get<Listed>('/v1/alerts', await token({ role: 'admin', org: 'O2' }));
    expect(seen(other.body)).toEqual(['O2 firing agent:A1', 'O2 firing team:T1']);
  });

  it("a manager sees their team's and its agents' alerts only; an agent their own and their team's", async () => {
    expect(seen((await get<Listed>('/v1/alerts', await manager())).body)).toEqual([
      'O1 firing agent:A1',
      'O1 firing agent:A2',
      'O1 firing team:T1',
    ]);
    const mine = (await get<Listed>('/v1/alerts', await agent())).body;
    expect(seen(mine)).toEqual(['O1 firing agent:A1', 'O1 firing team:T1']);
    expect(mine.firing).toBe(2);
    // the wall screen: the org's and teams' alerts, nobody's own
    expect(seen((await get<Listed>('/v1/alerts', await token({ role: 'display', org: 'O1' }))).body)).toEqual([
      'O1 firing org:O1',
      'O1 firing team:T1',
      'O1 firing team:T2',
    ]);
  });

  it('the history is scoped alike, newest first, in bounded pages', async () => {
    const first = (await get<History>('/v1/alerts?history=1&limit=1', await agent())).body;
    expect(first.transitions.map((x) => `${x.kind} ${x.level}:${x.entityId}`)).toEqual(['fired agent:A1']);
    expect(first.next).toBe(first.transitions[0]?.id);
    const rest = (await get<History>(`/v1/alerts?history=1&limit=5&before=${first.next}`, await agent())).body;
    expect(rest.transitions.map((x) => `${x.kind} ${x.level}:${x.entityId}`)).toEqual(['fired team:T1']);
    expect(rest.next).toBeNull();
  });

  it('refuses malformed queries by name', async () => {
    const who = await agent();
    expect((await get<{ message: string }>('/v1/alerts?history=yes', who)).body.message).toMatch(/^history: /);
    expect((await get<{ message: string }>('/v1/alerts?history=1&limit=0', who)).body.message).toMatch(/^limit: /);
    expect((await get<{ message: string }>('/v1/alerts?history=1&before=x', who)).status).toBe(400);
    expect((await get<{ message: string }>('/v1/alerts?limit=100000', who)).status).toBe(400);
    expect((await ack('abc', who)).body.message).toMatch(/^id: /);
  });

  it("acknowledging: outside the scope is 404 (a teammate's, another org's), a display may not, the first stands", async () => {
    const who = await agent();
    expect((await ack(ids.get('O1 agent A2') as number, who)).status).toBe(404);
    expect((await ack(ids.get('O2 agent A1') as number, who)).status).toBe(404);
    expect((await ack(999_999, who)).status).toBe(404);
    expect((await ack(ids.get('O1 team T2') as number, await token({ role: 'display', org: 'O1' }))).status).toBe(403);
    const mine = ids.get('O1 agent A1') as number;
    const done = await ack(mine, who);
    expect(done).toMatchObject({ status: 200, body: { by: 'agent-A1', created: true } });
    const again = await ack(mine, await manager());
    expect(again).toMatchObject({ status: 200, body: { by: 'agent-A1', created: false } });
    const listed = (await get<Listed>('/v1/alerts', await admin())).body.alerts.find((a) => a.id === mine);
    expect(listed?.acknowledged).toMatchObject({ by: 'agent-A1' });
    const history = (await get<History>('/v1/alerts?history=1', await manager())).body.transitions;
    expect(history.find((x) => x.id === mine)?.acknowledged?.by).toBe('agent-A1');
    const stored = await t.db.query<{ by_subject: string; by_role: string }[]>(
      `SELECT by_subject, by_role FROM alert_acknowledgements WHERE transition_id = $1`,
      [mine],
    );
    expect(stored).toEqual([{ by_subject: 'agent-A1', by_role: 'agent' }]);
  });

  it('pushes each transition and acknowledgement to the sockets whose scope holds it, and no other', async () => {
    const connect = async (who: string): Promise<{ socket: Socket; got: AlertNews[] }> => {
      const socket = io(`${base}/scorecards`, { auth: { token: who }, transports: ['websocket'], forceNew: true });
      const got: AlertNews[] = [];
      socket.on('alerts', (news: AlertNews) => got.push(news));
      const joined = (await socket.emitWithAck('join-alerts')) as { rooms?: string[] };
      expect(joined.rooms?.length).toBeGreaterThan(0);
      return { socket, got };
    };
    const sockets = {
      admin: await connect(await admin()),
      manager: await connect(await manager()),
      agent: await connect(await agent()),
      otherTeam: await connect(await token({ role: 'manager', org: 'O1', teams: ['T2'] })),
      otherOrg: await connect(await token({ role: 'admin', org: 'O2' })),
    };
    try {
      // a teammate's alert fires, recorded by the real repository and announced as the runner does
      const [recorded] = await record(new AlertsRepository(t.db, testSecretBox()), [
        fires(instance('O1', 'agent', 'A2')),
      ]);
      expect(recorded).toBeDefined();
      const transport = app.get<Transport>(TRANSPORT);
      const outlet = transport.outlet('alerts');
      if (outlet.kind !== 'send') throw new Error('in one process the alerts feed is sent');
      await outlet.send({ transitions: recorded === undefined ? [] : [recorded], acknowledged: [] });
      await until(() => Promise.resolve(sockets.admin.got.length > 0 && sockets.manager.got.length > 0));
      const a2 = ids.get('O1 agent A2') as number;
      expect((await ack(a2, await manager())).status).toBe(200);
      await until(() => Promise.resolve(sockets.admin.got.length > 1 && sockets.manager.got.length > 1));
      const summary = (got: AlertNews[]) =>
        got.flatMap((n) => [
          ...n.transitions.map((x) => `${x.kind} ${x.level}:${x.entityId}`),
          ...n.acknowledged.map((x) => `ack ${x.id === a2 ? 'A2' : x.id}`),
        ]);
      expect(summary(sockets.admin.got)).toEqual(['fired agent:A2', 'ack A2']);
      expect(summary(sockets.manager.got)).toEqual(['fired agent:A2', 'ack A2']);
      // the teammate, the other team's manager and the other org heard nothing
      expect(sockets.agent.got).toEqual([]);
      expect(sockets.otherTeam.got).toEqual([]);
      expect(sockets.otherOrg.got).toEqual([]);
    } finally {
      for (const { socket } of Object.values(sockets)) socket.disconnect();
    }
  });

  it('pushes alerts that begin or stop pending, and silences made and ended, to the sockets whose scope holds them', async () => {
    const connect = async (who: string): Promise<{ socket: Socket; got: AlertNews[] }> => {
      const socket = io(`${base}/scorecards`, { auth: { token: who }, transports: ['websocket'], forceNew: true });
      const got: AlertNews[] = [];
      socket.on('alerts', (news: AlertNews) => got.push(news));
      await socket.emitWithAck('join-alerts');
      return { socket, got };
    };
    const managerToken = await manager();
    const sockets = {
      admin: await connect(await admin()),
      manager: await connect(managerToken),
      agent: await connect(await agent()),
      otherTeam: await connect(await token({ role: 'manager', org: 'O1', teams: ['T2'] })),
      otherOrg: await connect(await token({ role: 'admin', org: 'O2' })),
    };
    const said = (got: AlertNews[]) =>
      got.flatMap((n) => [
        ...(n.pending ?? []).map((p) => `${p.since === null ? 'not pending' : 'pending'} ${p.level}:${p.entityId}`),
        ...(n.silences ?? []).map((x) => `${x.ended ? 'unsilenced' : 'silenced'} ${x.id}`),
      ]);
    try {
      // an alert of the agent A1 begins to pend, then stops: announced as the runner does
      const outlet = app.get<Transport>(TRANSPORT).outlet('alerts');
      if (outlet.kind !== 'send') throw new Error('in one process the alerts feed is sent');
      const a1 = instance('O1', 'agent', 'A1');
      const pendingOf = (since: string | null) => ({
        orgId: 'O1',
        scorecard: a1.scorecard,
        rule: a1.rule,
        ruleName: rule.name,
        severity: rule.severity,
        kpi: a1.kpi,
        level: 'agent' as const,
        entityId: 'A1',
        periodStart: new Date(PERIOD).toISOString(),
        value: 1,
        since,
      });
      await outlet.send({ transitions: [], acknowledged: [], pending: [pendingOf(new Date(clock).toISOString())] });
      await outlet.send({ transitions: [], acknowledged: [], pending: [pendingOf(null)] });
      await until(() => Promise.resolve(said(sockets.agent.got).length === 2));

      // the manager silences their team's red line through the API: pushed to whoever sees those alerts
      const res = await fetch(`${base}/v1/alert-silences`, {
        method: 'POST',
        headers: { ...bearer(managerToken), 'content-type': 'application/json' },
        body: JSON.stringify({
          matchers: { team: 'T1', rule: rule.id },
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          comment: 'being handled',
        }),
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as { id: string };
      await until(() => Promise.resolve(said(sockets.agent.got).length === 3));
      // the list says which alerts it mutes, by whom, why
      const listed = (await get<Listed>('/v1/alerts', managerToken)).body;
      expect(
        listed.alerts
          .map(
            (a) => `${a.level}:${a.entityId} ${a.silenced === null ? '-' : `${a.silenced.by} ${a.silenced.comment}`}`,
          )
          .sort(),
      ).toEqual([
        'agent:A1 manager-T1 being handled',
        'agent:A2 manager-T1 being handled',
        'team:T1 manager-T1 being handled',
      ]);
      const whole = (
        await get<{ alerts: { level: string; entityId: string; silenced: unknown }[] }>('/v1/alerts', await admin())
      ).body;
      expect(
        whole.alerts
          .filter((a) => a.silenced === null)
          .map((a) => `${a.level}:${a.entityId}`)
          .sort(),
      ).toEqual(['agent:B1', 'org:O1', 'team:T2']);

      const ended = await fetch(`${base}/v1/alert-silences/${id}`, { method: 'DELETE', headers: bearer(managerToken) });
      expect(ended.status).toBe(204);
      await until(() => Promise.resolve(said(sockets.agent.got).length === 4));
      const after = (await get<{ alerts: { silenced: unknown }[] }>('/v1/alerts', managerToken)).body;
      expect(after.alerts.every((a) => a.silenced === null)).toBe(true);

      const expected = ['pending agent:A1', 'not pending agent:A1', `silenced ${id}`, `unsilenced ${id}`];
      expect(said(sockets.agent.got)).toEqual(expected);
      expect(said(sockets.manager.got)).toEqual(expected);
      expect(said(sockets.admin.got)).toEqual(expected);
      // a silence goes out as its id alone: no matchers, no comment
      expect(sockets.agent.got[2]?.silences).toEqual([{ id, ended: false }]);
      // the other team's manager and the other org heard nothing
      expect(sockets.otherTeam.got).toEqual([]);
      expect(sockets.otherOrg.got).toEqual([]);
    } finally {
      for (const { socket } of Object.values(sockets)) socket.disconnect();
    }
  });

  it('on the Postgres feed, alerts that begin to pend and silences are announced in the transaction that stores them', async () => {
    const feedLength = async () =>
      (await t.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM feed WHERE topic = 'alerts'`))[0]?.n ?? 0;
    const before = await feedLength();
    const repository = new AlertsRepository(t.db, testSecretBox());
    const change = pends(instance('O1', 'team', 'T2'));
    const pending = [
      {
        orgId: 'O1',
        scorecard: change.instance.scorecard,
        rule: rule.id,
        ruleName: rule.name,
        severity: rule.severity,
        kpi: change.instance.kpi,
        level: 'team' as const,
        entityId: 'T2',
        periodStart: new Date(PERIOD).toISOString(),
        value: 1,
        since: new Date(clock).toISOString(),
      },
    ];
    await repository.transaction((tx) => tx.record([change], { pending }));
    const silence = await new AlertSubscriptionsRepository(t.db, testSecretBox()).createSilence(
      {
        orgId: 'O1',
        matchers: { team: 'T2' },
        startsAt: Date.now(),
        endsAt: Date.now() + 60_000,
        createdBy: 'x',
        comment: 'y',
      },
      true,
    );
    const rows = await t.db.query<{ payload: AlertNews }[]>(
      `SELECT payload FROM feed WHERE topic = 'alerts' ORDER BY id OFFSET $1`,
      [before],
    );
    expect(rows.map((r) => [r.payload.pending?.map((p) => p.entityId), r.payload.silences?.map((x) => x.id)])).toEqual([
      [['T2'], undefined],
      [undefined, [silence.id]],
    ]);
  });

  it('names each pending and firing instance in its own columns (the key is not split)', async () => {
    const rows = await t.db.query<{ instance: string; level: string; entity_id: string }[]>(
      `SELECT instance, level, entity_id FROM alert_states WHERE org_id = 'O1' AND entity_id = 'B1'`,
    );
    expect(rows).toEqual([{ instance: instanceKey(instance('O1', 'agent', 'B1')), level: 'agent', entity_id: 'B1' }]);
  });
});
