import { describe, expect, it } from 'vitest';
import { alertRoomsFor, alertRoomsOf, alertRoomsOfSilence, alertScopeOf, inAlertScope } from './alert-scope';
import type { Principal, Role } from './principal';
import type { RoomEntity } from './rooms';

const principal = (role: Role, teams: string[] = [], agentId?: string): Principal => ({
  subject: role,
  role,
  orgId: 'O1',
  teams,
  expiresAt: Date.now() + 3_600_000,
  ...(agentId === undefined ? {} : { agentId }),
});
const org: RoomEntity = { level: 'org', id: 'O1', orgId: 'O1' };
const t1: RoomEntity = { level: 'team', id: 'T1', orgId: 'O1' };
const t2: RoomEntity = { level: 'team', id: 'T2', orgId: 'O1' };
const a1: RoomEntity = { level: 'agent', id: 'A1', orgId: 'O1' }; // in T1
const a2: RoomEntity = { level: 'agent', id: 'A2', orgId: 'O1' }; // in T2
const elsewhere: RoomEntity = { level: 'team', id: 'T1', orgId: 'O2' };
const ENTITIES = [org, t1, t2, a1, a2, elsewhere];
const teamOf = (_org: string, agent: string) => ({ A1: 'T1', A2: 'T2' })[agent];

// the entities whose alerts a principal sees, by the REST filter and by the rooms its socket joins
function seen(p: Principal, agentsOfTeams: string[]) {
  const scope = alertScopeOf(p, agentsOfTeams);
  const joined = new Set(alertRoomsFor(p));
  return {
    rest: ENTITIES.filter((e) => inAlertScope(scope, e)),
    live: ENTITIES.filter((e) => alertRoomsOf(e, teamOf).some((room) => joined.has(room))),
  };
}

describe('alert scope: an alert goes where its card goes, over REST and live alike', () => {
  it("an admin sees the org's every alert, never another org's", () => {
    const { rest, live } = seen(principal('admin'), []);
    expect(rest).toEqual([org, t1, t2, a1, a2]);
    expect(live).toEqual(rest);
  });

  it("a manager sees their teams' and their agents' alerts", () => {
    const { rest, live } = seen(principal('manager', ['T1']), ['A1']);
    expect(rest).toEqual([t1, a1]);
    expect(live).toEqual(rest);
  });

  it("an agent sees their own and their team's, not a teammate's or another team's", () => {
    const { rest, live } = seen(principal('agent', ['T1'], 'A1'), []);
    expect(rest).toEqual([t1, a1]);
    expect(live).toEqual(rest);
  });

  it("an org display sees the org's and teams' alerts, no individual's; a team display its team's", () => {
    const whole = seen(principal('display'), []);
    expect(whole.rest).toEqual([org, t1, t2]);
    expect(whole.live).toEqual(whole.rest);
    const one = seen(principal('display', ['T2']), []);
    expect(one.rest).toEqual([t2]);
    expect(one.live).toEqual(one.rest);
  });

  it('a platform token sees no alert', () => {
    expect(seen(principal('platform'), [])).toEqual({ rest: [], live: [] });
  });

  it("an agent outside the roster reaches only the org's room and their own", () => {
    expect(alertRoomsOf({ level: 'agent', id: 'A9', orgId: 'O1' }, teamOf)).toEqual([
      'alerts:O1',
      'alerts:O1:agent:A9',
    ]);
  });

  it("a silence reaches the rooms of the alerts it may select: its agents', else its teams', else the org's", () => {
    const heard = (matchers: Parameters<typeof alertRoomsOfSilence>[1]) => {
      const rooms = alertRoomsOfSilence('O1', matchers, teamOf);
      const who = {
        admin: principal('admin'),
        managerT1: principal('manager', ['T1']),
        managerT2: principal('manager', ['T2']),
        agentA1: principal('agent', ['T1'], 'A1'),
        agentA2: principal('agent', ['T2'], 'A2'),
      };
      if (rooms === null) return 'every room';
      return Object.entries(who)
        .filter(([, p]) => alertRoomsFor(p).some((room) => rooms.includes(room)))
        .map(([name]) => name);
    };
    const teamKpi = { team: 'T1', kpi: 'csat' }; // the other matchers narrow nothing here
    expect(heard(teamKpi)).toEqual(['admin', 'managerT1', 'agentA1']);
    expect(heard({ agent: 'A2' })).toEqual(['admin', 'managerT2', 'agentA2']);
    // a team and an agent hold together: the agent's alerts at most
    expect(heard({ team: ['T1', 'T2'], agent: 'A1' })).toEqual(['admin', 'managerT1', 'agentA1']);
    expect(heard({})).toBe('every room');
  });
});
