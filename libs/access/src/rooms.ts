import { parseScope } from './access';

// An entity as rooms name it (the indicators' EntityRef, without importing the engine).
export interface RoomEntity {
  level: 'org' | 'team' | 'agent';
  id: string;
  orgId: string;
}

// `org:<orgId>`, `team:<orgId>:<teamId>` or `agent:<orgId>:<agentId>`: the one entity whose cards a
// room or a REST path names (a team's agents are several: not an entity)
export function entityOfRoom(room: unknown): RoomEntity | undefined {
  const scope = parseScope(room);
  if (scope === undefined || scope.kind === 'team-agents') return undefined;
  if (scope.kind === 'org') return { level: 'org', id: scope.orgId, orgId: scope.orgId };
  return scope.kind === 'team'
    ? { level: 'team', id: scope.teamId, orgId: scope.orgId }
    : { level: 'agent', id: scope.agentId, orgId: scope.orgId };
}

// The rooms an entity's card goes to: its own, and the overview above it. Never an individual card in
// the org room: an agent's card reaches only their own room and their team's agents room (teamOf: the
// roster's team of the agent, when known).
export function roomsOf(entity: RoomEntity, teamOf: (orgId: string, agentId: string) => string | undefined): string[] {
  const { orgId, id } = entity;
  if (entity.level === 'org') return [`org:${orgId}`];
  if (entity.level === 'team') return [`team:${orgId}:${id}`, `org:${orgId}`];
  const team = teamOf(orgId, id);
  return team === undefined ? [`agent:${orgId}:${id}`] : [`agent:${orgId}:${id}`, `team-agents:${orgId}:${team}`];
}
