import { describe, expect, it } from 'vitest';
import { homeScopes, mayRead, parseScope, scopeName, type Scope } from './access';
import { principalOf, type Principal } from './principal';

const principal = (claims: Record<string, unknown>): Principal => {
  const checked = principalOf('someone', claims);
  if (!checked.ok) throw new Error(checked.reason);
  return checked.principal;
};
const scope = (text: string): Scope => parseScope(text) as Scope;
const roster: Record<string, string> = { A1: 'T1', A2: 'T1', B1: 'T2' };
const teamOf = (agent: string) => roster[agent];

const admin = principal({ role: 'admin', org: 'O1' });
const manager = principal({ role: 'manager', org: 'O1', teams: ['T1'] });
const agent = principal({ role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1' });
const orgDisplay = principal({ role: 'display', org: 'O1' });
const teamDisplay = principal({ role: 'display', org: 'O1', teams: ['T2'] });

describe('who may read what', () => {
  it.each([
    // scope, admin, manager of T1, agent A1 of T1, org display, T2 display
    ['org:O1', true, false, false, true, false],
    ['team:O1:T1', true, true, true, true, false],
    ['team:O1:T2', true, false, false, true, true],
    ['team-agents:O1:T1', true, true, false, false, false],
    ['team-agents:O1:T2', true, false, false, false, false],
    ['agent:O1:A1', true, true, true, false, false],
    ['agent:O1:A2', true, true, false, false, false], // an agent never sees another agent
    ['agent:O1:B1', true, false, false, false, false],
    ['agent:O1:unknown', true, false, false, false, false],
    ['team:O2:T1', false, false, false, false, false], // another org
  ])('%s', (text, ...expected) => {
    const who = [admin, manager, agent, orgDisplay, teamDisplay];
    expect(who.map((p) => mayRead(p, scope(text), teamOf))).toEqual(expected);
  });

  it('starts each role where it may look', () => {
    expect(homeScopes(admin).map(scopeName)).toEqual(['org:O1']);
    expect(homeScopes(manager).map(scopeName)).toEqual(['team:O1:T1', 'team-agents:O1:T1']);
    expect(homeScopes(agent).map(scopeName)).toEqual(['team:O1:T1', 'agent:O1:A1']);
    expect(homeScopes(teamDisplay).map(scopeName)).toEqual(['team:O1:T2']);
  });

  it('parses scope names and refuses anything else', () => {
    for (const text of ['org:O1', 'team:O1:T1', 'team-agents:O1:T1', 'agent:O1:A1'])
      expect(scopeName(scope(text))).toBe(text);
    for (const text of ['org:O1:x', 'team:O1', 'team::T1', 'agent:O1:', 'room:O1:T1', 42, 'org:'])
      expect(parseScope(text)).toBeUndefined();
  });
});

describe('token claims', () => {
  it.each([
    [{ org: 'O1' }, 'role: expected one of admin, manager, agent, display'],
    [{ role: 'boss', org: 'O1' }, 'role: expected one of admin, manager, agent, display'],
    [{ role: 'admin' }, 'org: expected the org id'],
    [{ role: 'manager', org: 'O1' }, 'teams: a manager needs at least one team'],
    [{ role: 'manager', org: 'O1', teams: 'T1' }, 'teams: expected a list of team ids'],
    [{ role: 'agent', org: 'O1', teams: ['T1'] }, 'an agent token needs agent and exactly one team'],
    [{ role: 'display', org: 'O1', teams: ['T1', 'T2'] }, 'teams: a display shows one team or the org'],
  ])('%j is refused: %s', (claims, reason) => {
    expect(principalOf('x', claims)).toEqual({ ok: false, reason });
  });
});
