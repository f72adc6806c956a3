import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LIFETIMES, formatSpan, principalOf } from './principal';

// The claims of a sign-in token (docs/security.md, "Tokens and sockets"): each wrong claim is refused
// with the claim's name and why, and a lifetime is spelt as the CLI's --expires spells it.
const NOW = Date.UTC(2026, 11, 1, 8);
const at = NOW / 1000;
const policy = { now: NOW, maxLifetimes: DEFAULT_MAX_LIFETIMES };
const admin = { role: 'admin', org: 'O1', iat: at, exp: at + 3600 };

describe('principalOf: one wrong claim', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ exp: Number.POSITIVE_INFINITY }, 'exp: a token needs an expiry time (exp)'],
    [{ exp: at }, 'exp: the token has expired'],
    [{ iat: String(at) }, 'iat: expected a time in seconds'],
    [{ iat: Number.NaN }, 'iat: expected a time in seconds'],
    [{ jti: 7 }, 'jti: expected a token id of 1 to 200 characters'],
    [{ jti: 'j'.repeat(201) }, 'jti: expected a token id of 1 to 200 characters'],
    [{ org: '' }, 'org: expected the org id'],
    [{ org: 7 }, 'org: expected the org id'],
    [{ teams: ['T1', ''] }, 'teams: expected a list of team ids'],
    [{ teams: ['T1', 2] }, 'teams: expected a list of team ids'],
    [{ agent: '' }, 'agent: expected the agent id'],
    [{ agent: 7 }, 'agent: expected the agent id'],
    [{ role: 'platform', agent: 'A1' }, 'a platform token reads no org: it takes no teams and no agent'],
    [{ role: 'agent', agent: 'A1', teams: ['T1', 'T2'] }, 'an agent token needs agent and exactly one team'],
  ])('%j', (change, reason) => {
    expect(principalOf('x', { ...admin, ...change }, policy)).toEqual({ ok: false, reason });
  });
});

describe('principalOf: what it keeps', () => {
  it('takes a jti of 200 characters, the agent and a subject from the agent when the token has none', () => {
    const checked = principalOf(
      undefined,
      { role: 'agent', org: 'O1', teams: ['T1'], agent: 'A1', iat: at, exp: at + 3600, jti: 'j'.repeat(200) },
      policy,
    );
    expect(checked).toEqual({
      ok: true,
      principal: {
        subject: 'A1',
        role: 'agent',
        orgId: 'O1',
        teams: ['T1'],
        agentId: 'A1',
        tokenId: 'j'.repeat(200),
        expiresAt: (at + 3600) * 1000,
      },
    });
  });

  it('accepts a token that lives exactly its role longest, an org display and a platform token', () => {
    expect(principalOf('a', { ...admin, exp: at + 12 * 3600 }, policy).ok).toBe(true);
    // toStrictEqual: no agentId or tokenId key when the token has no agent or jti
    expect(principalOf('wall', { role: 'display', org: 'O1', exp: at + 60 }, policy)).toStrictEqual({
      ok: true,
      principal: { subject: 'wall', role: 'display', orgId: 'O1', teams: [], expiresAt: (at + 60) * 1000 },
    });
    expect(principalOf(undefined, { role: 'platform', org: 'ops', exp: at + 60 }, policy)).toStrictEqual({
      ok: true,
      principal: { subject: 'platform', role: 'platform', orgId: 'ops', teams: [], expiresAt: (at + 60) * 1000 },
    });
  });

  it('accepts a manager of one or more teams and a display of one team', () => {
    const manager = principalOf('m', { ...admin, role: 'manager', teams: ['T1', 'T2'] }, policy);
    expect(manager).toStrictEqual({
      ok: true,
      principal: { subject: 'm', role: 'manager', orgId: 'O1', teams: ['T1', 'T2'], expiresAt: (at + 3600) * 1000 },
    });
    expect(principalOf('m', { ...admin, role: 'manager', teams: ['T1'] }, policy).ok).toBe(true);
    expect(principalOf('wall', { ...admin, role: 'display', teams: ['T2'] }, policy)).toStrictEqual({
      ok: true,
      principal: { subject: 'wall', role: 'display', orgId: 'O1', teams: ['T2'], expiresAt: (at + 3600) * 1000 },
    });
  });
});

describe('formatSpan', () => {
  it.each([
    [7_776_000, '90d'],
    [86_400, '1d'],
    [43_200, '12h'],
    [3600, '1h'],
    [5400, '90m'],
    [60, '1m'],
    [90, '90s'],
    [59.2, '1m'],
    [61.5, '62s'],
    [1, '1s'],
  ])('%d s → %s', (seconds, text) => {
    expect(formatSpan(seconds)).toBe(text);
  });
});
