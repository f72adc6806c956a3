import type { Principal } from './principal';

// What can be read. Rooms (socket.io) and REST entities share these names:
//   org:<org>                org- and team-level cards of the org (the overview; no individual scores)
//   team:<org>:<team>        one team's cards
//   team-agents:<org>:<team> the individual cards of a team's agents
//   agent:<org>:<agent>      one agent's cards
export type Scope =
  | { kind: 'org'; orgId: string }
  | { kind: 'team'; orgId: string; teamId: string }
  | { kind: 'team-agents'; orgId: string; teamId: string }
  | { kind: 'agent'; orgId: string; agentId: string };

export function parseScope(text: unknown): Scope | undefined {
  if (typeof text !== 'string') return undefined;
  const [kind, orgId, id, ...rest] = text.split(':');
  if (rest.length > 0 || orgId === undefined || orgId === '') return undefined;
  if (kind === 'org') return id === undefined ? { kind, orgId } : undefined;
  if (id === undefined || id === '') return undefined;
  if (kind === 'team' || kind === 'team-agents') return { kind, orgId, teamId: id };
  if (kind === 'agent') return { kind, orgId, agentId: id };
  return undefined;
}

export function scopeName(scope: Scope): string {
  switch (scope.kind) {
    case 'org':
      return `org:${scope.orgId}`;
    case 'team':
    case 'team-agents':
      return `${scope.kind}:${scope.orgId}:${scope.teamId}`;
    case 'agent':
      return `agent:${scope.orgId}:${scope.agentId}`;
  }
}

// Whether a principal may read a scope. teamOf: the team an agent belongs to (the roster), needed only
// when a manager asks for one agent.
export function mayRead(p: Principal, scope: Scope, teamOf: (agentId: string) => string | undefined): boolean {
  if (p.orgId !== scope.orgId) return false;
  if (p.role === 'admin') return true;
  if (p.role === 'platform') return false; // publishes defaults for every org; reads no org's scores
  switch (scope.kind) {
    case 'org':
      return p.role === 'display' && p.teams.length === 0;
    case 'team':
      return p.teams.includes(scope.teamId) || (p.role === 'display' && p.teams.length === 0);
    case 'team-agents':
      return p.role === 'manager' && p.teams.includes(scope.teamId);
    case 'agent': {
      if (p.role === 'agent') return p.agentId === scope.agentId;
      const team = p.role === 'manager' ? teamOf(scope.agentId) : undefined;
      return team !== undefined && p.teams.includes(team);
    }
  }
}

// Where a principal's page starts: the scopes it may open first.
export function homeScopes(p: Principal): Scope[] {
  const { orgId } = p;
  if (p.role === 'platform') return [];
  if (p.role === 'admin' || (p.role === 'display' && p.teams.length === 0)) return [{ kind: 'org', orgId }];
  const teams = p.teams.map((teamId): Scope => ({ kind: 'team', orgId, teamId }));
  if (p.role === 'manager')
    return [...teams, ...p.teams.map((teamId): Scope => ({ kind: 'team-agents', orgId, teamId }))];
  if (p.role === 'agent' && p.agentId !== undefined) return [...teams, { kind: 'agent', orgId, agentId: p.agentId }];
  return teams;
}
