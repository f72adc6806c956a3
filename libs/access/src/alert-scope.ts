import type { Principal } from './principal';
import type { RoomEntity } from './rooms';

// Which alerts a principal sees: those of the entities whose cards it may read (libs/access mayRead),
// so an alert goes wherever its card goes. An admin sees the org's every alert; an org display the org's
// and teams' (never an individual's: a wall screen shows no one's own score); a team display its team's;
// a manager their teams' and their agents' (the roster of record today); an agent their own and their
// team's.
export interface AlertScope {
  orgId: string;
  everything: boolean;
  levels: readonly ('org' | 'team')[]; // every alert of these levels
  teams: readonly string[]; // the team-level alerts of these teams
  agents: readonly string[]; // the agent-level alerts of these agents
}

// agentsOfTeams: the agents of the principal's teams in the roster of record (a manager's only)
export function alertScopeOf(p: Principal, agentsOfTeams: readonly string[]): AlertScope {
  const none: AlertScope = { orgId: p.orgId, everything: false, levels: [], teams: [], agents: [] };
  switch (p.role) {
    case 'admin':
      return { ...none, everything: true };
    case 'platform':
      return none;
    case 'display':
      return p.teams.length === 0 ? { ...none, levels: ['org', 'team'] } : { ...none, teams: p.teams };
    case 'manager':
      return { ...none, teams: p.teams, agents: agentsOfTeams };
    case 'agent':
      return { ...none, teams: p.teams, agents: p.agentId === undefined ? [] : [p.agentId] };
  }
}

export function inAlertScope(scope: AlertScope, entity: RoomEntity): boolean {
  if (entity.orgId !== scope.orgId) return false;
  if (scope.everything) return true;
  switch (entity.level) {
    case 'org':
      return scope.levels.includes('org');
    case 'team':
      return scope.levels.includes('team') || scope.teams.includes(entity.id);
    case 'agent':
      return scope.agents.includes(entity.id);
  }
}

// The socket.io rooms alerts are pushed to, beside the card rooms (rooms.ts): the org's every alert
// (alerts:<org>), its org and team alerts (alerts:<org>:overview), a team's own
// (alerts:<org>:team:<team>), its agents' (alerts:<org>:team-agents:<team>), an agent's
// (alerts:<org>:agent:<agent>). teamOf: the roster's team of an agent, when known.
export function alertRoomsOf(
  entity: RoomEntity,
  teamOf: (orgId: string, agentId: string) => string | undefined,
): string[] {
  const { orgId, id } = entity;
  const all = `alerts:${orgId}`;
  switch (entity.level) {
    case 'org':
      return [all, `${all}:overview`];
    case 'team':
      return [all, `${all}:overview`, `${all}:team:${id}`];
    case 'agent': {
      const team = teamOf(orgId, id);
      return team === undefined
        ? [all, `${all}:agent:${id}`]
        : [all, `${all}:agent:${id}`, `${all}:team-agents:${team}`];
    }
  }
}

// The alert rooms of the alerts a silence's matchers may select (matchers hold together): those of its
// agents, else those of its teams (a team's own alerts and its agents'); null when it names neither: every
// alert room of the org.
export function alertRoomsOfSilence(
  orgId: string,
  matchers: { team?: string | readonly string[]; agent?: string | readonly string[] },
  teamOf: (orgId: string, agentId: string) => string | undefined,
): string[] | null {
  const list = (v: string | readonly string[] | undefined): readonly string[] =>
    v === undefined ? [] : typeof v === 'string' ? [v] : v;
  const agents = list(matchers.agent);
  const teams = list(matchers.team);
  const rooms = new Set<string>();
  if (agents.length > 0)
    for (const id of agents) for (const room of alertRoomsOf({ level: 'agent', id, orgId }, teamOf)) rooms.add(room);
  else if (teams.length > 0)
    for (const id of teams) {
      for (const room of alertRoomsOf({ level: 'team', id, orgId }, teamOf)) rooms.add(room);
      rooms.add(`alerts:${orgId}:team-agents:${id}`);
    }
  else return null;
  return [...rooms];
}

// The alert rooms a principal's socket joins: together they carry exactly the alerts of its scope.
export function alertRoomsFor(p: Principal): string[] {
  const all = `alerts:${p.orgId}`;
  switch (p.role) {
    case 'admin':
      return [all];
    case 'platform':
      return [];
    case 'display':
      return p.teams.length === 0 ? [`${all}:overview`] : p.teams.map((t) => `${all}:team:${t}`);
    case 'manager':
      return p.teams.flatMap((t) => [`${all}:team:${t}`, `${all}:team-agents:${t}`]);
    case 'agent':
      return [
        ...p.teams.map((t) => `${all}:team:${t}`),
        ...(p.agentId === undefined ? [] : [`${all}:agent:${p.agentId}`]),
      ];
  }
}
