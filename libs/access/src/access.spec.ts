import { describe, expect, it } from 'vitest';
import { homeScopes, mayRead, parseScope, scopeName, type Scope } from './access';
import { DEFAULT_MAX_LIFETIMES, principalOf, type Principal } from './principal';

const NOW = Date.UTC(2025, 5, 2, 8); // epoch ms
const policy = { now: NOW, maxLifetimes: DEFAULT_MAX_LIFETIMES };
const inAnHour = { iat: NOW / 1000, exp: NOW / 1000 + 3600 };
const principal = (claims: Record<string, unknown>): Principal => {
  const checked = principalOf('someone', { ...inAnHour, ...claims }, policy);
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

  it("a platform token reads no org's scores, not even of the org it names, and starts nowhere", () => {
    const platform = principal({ role: 'platform', org: 'O1' });
    for (const text of ['org:O1', 'team:O1:T1', 'team-agents:O1:T1', 'agent:O1:A1', 'org:O2'])
      expect(mayRead(platform, scope(text), teamOf), text).toBe(false);
    expect(homeScopes(platform)).toEqual([]);
  });

  it('starts each role where it may look', () => {
    expect(homeScopes(admin).map(scopeName)).toEqual(['org:O1']);
    expect(homeScopes(manager).map(scopeName)).toEqual(['team:O1:T1', 'team-agents:O1:T1']);
    expect(homeScopes(agent).map(scopeName)).toEqual(['team:O1:T1', 'agent:O1:A1']);
    expect(homeScopes(teamDisplay).map(scopeName)).toEqual(['team:O1:T2']);
    expect(homeScopes(orgDisplay).map(scopeName)).toEqual(['org:O1']);
    const twoTeams = principal({ role: 'manager', org: 'O1', teams: ['T1', 'T2'] });
    expect(homeScopes(twoTeams).map(scopeName)).toEqual([
      'team:O1:T1',
      'team:O1:T2',
      'team-agents:O1:T1',
      'team-agents:O1:T2',
    ]);
  });

  it('starts a team display whose token also names an agent at its team only', () => {
    const named = principal({ role: 'display', org: 'O1', teams: ['T2'], agent: 'B1' });
    expect(homeScopes(named).map(scopeName)).toEqual(['team:O1:T2']);
    expect(mayRead(named, scope('agent:O1:B1'), teamOf)).toBe(false);
  });

  it("a manager of two teams reads both teams' agents, a display never an agent", () => {
    const twoTeams = principal({ role: 'manager', org: 'O1', teams: ['T1', 'T2'] });
    for (const text of ['agent:O1:A1', 'agent:O1:B1', 'team-agents:O1:T2', 'team:O1:T2'])
      expect(mayRead(twoTeams, scope(text), teamOf), text).toBe(true);
    expect(mayRead(twoTeams, scope('org:O1'), teamOf)).toBe(false);
    expect(mayRead(orgDisplay, scope('agent:O1:B1'), () => undefined)).toBe(false);
    expect(mayRead(admin, scope('org:O2'), teamOf)).toBe(false);
  });

  it('parses scope names and refuses anything else', () => {
    for (const text of ['org:O1', 'team:O1:T1', 'team-agents:O1:T1', 'agent:O1:A1'])
      expect(scopeName(scope(text))).toBe(text);
    const malformed = ['org:O1:x', 'org:O1:', 'org', 'org:', 'team:O1', 'team::T1', 'team:O1:T1:x', 'agent:O1:'];
    for (const text of [...malformed, 'team-agents:O1:T1:A1', 'agent::A1', 'room:O1:T1', 'room:O1', 42, undefined])
      expect(parseScope(text)).toBeUndefined();
  });
});

describe('token claims', () => {
  it.each([
    [{ org: 'O1' }, 'role: expected one of admin, manager, agent, display, platform'],
    [{ role: 'boss', org: 'O1' }, 'role: expected one of admin, manager, agent, display, platform'],
    [{ role: 'admin' }, 'org: expected the org id'],
    [{ role: 'manager', org: 'O1' }, 'teams: a manager needs at least one team'],
    [{ role: 'manager', org: 'O1', teams: 'T1' }, 'teams: expected a list of team ids'],
    [{ role: 'agent', org: 'O1', teams: ['T1'] }, 'an agent token needs agent and exactly one team'],
    [{ role: 'display', org: 'O1', teams: ['T1', 'T2'] }, 'teams: a display shows one team or the org'],
    [{ role: 'platform', org: 'ops', teams: ['T1'] }, 'a platform token reads no org: it takes no teams and no agent'],
  ])('%j is refused: %s', (claims, reason) => {
    expect(principalOf('x', { ...inAnHour, ...claims }, policy)).toEqual({ ok: false, reason });
  });

  const at = NOW / 1000;
  it.each([
    [{ role: 'admin', org: 'O1' }, 'exp: a token needs an expiry time (exp)'],
    [{ role: 'admin', org: 'O1', exp: String(at + 60) }, 'exp: a token needs an expiry time (exp)'],
    [{ role: 'admin', org: 'O1', exp: at - 1 }, 'exp: the token has expired'],
    [
      { role: 'admin', org: 'O1', iat: at, exp: at + 13 * 3600 },
      'exp: a admin token may live at most 12h, this one 13h',
    ],
    // without iat the lifetime counts from now; an iat in the future cannot shorten it
    [
      { role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1', exp: at + 86_400 },
      'exp: a agent token may live at most 12h, this one 1d',
    ],
    [
      { role: 'manager', org: 'O1', teams: ['T1'], iat: at + 80_000, exp: at + 86_400 },
      'exp: a manager token may live at most 12h, this one 1d',
    ],
    [
      { role: 'display', org: 'O1', iat: at, exp: at + 91 * 86_400 },
      'exp: a display token may live at most 90d, this one 91d',
    ],
    [
      { role: 'display', org: 'O1', iat: at, exp: at + 3600, jti: '' },
      'jti: expected a token id of 1 to 200 characters',
    ],
  ])('%j is refused: %s', (claims, reason) => {
    expect(principalOf('x', claims, policy)).toEqual({ ok: false, reason });
  });

  it('takes exp and jti into the principal; a display token may live 90 days', () => {
    const checked = principalOf(
      'wall',
      { role: 'display', org: 'O1', iat: at - 60, exp: at + 90 * 86_400 - 60, jti: 'j1' },
      policy,
    );
    expect(checked).toEqual({
      ok: true,
      principal: {
        subject: 'wall',
        role: 'display',
        orgId: 'O1',
        teams: [],
        expiresAt: NOW + (90 * 86_400 - 60) * 1000,
        tokenId: 'j1',
      },
    });
    const short = { ...policy, maxLifetimes: { ...DEFAULT_MAX_LIFETIMES, display: 3600 } };
    expect(principalOf('wall', { role: 'display', org: 'O1', iat: at, exp: at + 7200 }, short)).toEqual({
      ok: false,
      reason: 'exp: a display token may live at most 1h, this one 2h',
    });
  });
});
