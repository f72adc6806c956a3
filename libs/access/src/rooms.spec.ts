import { describe, expect, it } from 'vitest';
import { entityOfRoom, roomsOf } from './rooms';

describe('rooms', () => {
  const teamOf = (_org: string, agent: string) => (agent === 'A1' ? 'T1' : undefined);

  it('names one entity per room, never a team of agents', () => {
    expect(entityOfRoom('org:O1')).toEqual({ level: 'org', id: 'O1', orgId: 'O1' });
    expect(entityOfRoom('team:O1:T1')).toEqual({ level: 'team', id: 'T1', orgId: 'O1' });
    expect(entityOfRoom('agent:O1:A1')).toEqual({ level: 'agent', id: 'A1', orgId: 'O1' });
    expect(entityOfRoom('team-agents:O1:T1')).toBeUndefined();
    expect(entityOfRoom('agent:O1')).toBeUndefined();
    expect(entityOfRoom(undefined)).toBeUndefined();
  });

  it("sends a team's card to the org overview, an agent's only to their own room and their team's agents room", () => {
    expect(roomsOf({ level: 'org', id: 'O1', orgId: 'O1' }, teamOf)).toEqual(['org:O1']);
    expect(roomsOf({ level: 'team', id: 'T1', orgId: 'O1' }, teamOf)).toEqual(['team:O1:T1', 'org:O1']);
    expect(roomsOf({ level: 'agent', id: 'A1', orgId: 'O1' }, teamOf)).toEqual(['agent:O1:A1', 'team-agents:O1:T1']);
    expect(roomsOf({ level: 'agent', id: 'A9', orgId: 'O1' }, teamOf)).toEqual(['agent:O1:A9']);
  });
});
