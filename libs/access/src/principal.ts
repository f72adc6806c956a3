// Who is asking, as a verified token says. Roles:
// - admin: everything, and publishing definitions;
// - manager: the teams listed, their agents, the team aggregates;
// - agent: their own individual scores and their team's aggregates;
// - display: read-only team aggregates of one org (every team) or one team, for a wall screen;
// - platform: the installation's operators: publishing default definitions for every org without its
//   own version; no org's scores (`org`: the operators' own org, whose admins may revoke the token).
export const ROLES = ['admin', 'manager', 'agent', 'display', 'platform'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  subject: string;
  role: Role;
  orgId: string;
  teams: readonly string[]; // manager: theirs; agent, team display: theirs (one); org display, admin, platform: none
  agentId?: string; // agent: who they are
  expiresAt: number; // the token's exp, epoch ms: a socket is closed then
  tokenId?: string; // the token's jti: what an admin revokes
}

// The claims a KPI Pulse token carries, next to the standard ones (sub, iat, exp, iss, aud).
export interface AccessClaims {
  role: Role;
  org: string;
  teams?: string[];
  agent?: string;
}

export type ClaimsCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

// The longest a token of each role may live, in seconds: a stolen token is worth little for long. A wall
// screen's display token lives longer (it is read-only and typed in once); it can be revoked by its jti.
export type Lifetimes = Readonly<Record<Role, number>>;
export const DEFAULT_MAX_LIFETIMES: Lifetimes = {
  admin: 12 * 3600,
  manager: 12 * 3600,
  agent: 12 * 3600,
  display: 90 * 86_400,
  platform: 12 * 3600,
};

export interface TokenPolicy {
  now: number; // epoch ms
  maxLifetimes: Lifetimes;
}

// A token's claims as a principal, or why not: the claim that is wrong and how.
export function principalOf(
  subject: string | undefined,
  claims: Record<string, unknown>,
  policy: TokenPolicy,
): ClaimsCheck {
  const { role, org, teams, agent, exp, iat, jti } = claims;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    return { ok: false, reason: `role: expected one of ${ROLES.join(', ')}` };
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    return { ok: false, reason: 'exp: a token needs an expiry time (exp)' };
  if (exp * 1000 <= policy.now) return { ok: false, reason: 'exp: the token has expired' };
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat)))
    return { ok: false, reason: 'iat: expected a time in seconds' };
  // exp − iat, or exp − now without iat; an iat in the future counts from now, so it cannot shorten
  // the lifetime seen here
  const lifetime = exp - Math.min(iat ?? Infinity, policy.now / 1000);
  const max = policy.maxLifetimes[role as Role];
  if (lifetime > max)
    return {
      ok: false,
      reason: `exp: a ${role} token may live at most ${formatSpan(max)}, this one ${formatSpan(lifetime)}`,
    };
  if (jti !== undefined && (typeof jti !== 'string' || jti === '' || jti.length > 200))
    return { ok: false, reason: 'jti: expected a token id of 1 to 200 characters' };
  if (typeof org !== 'string' || org === '') return { ok: false, reason: 'org: expected the org id' };
  const list = teams ?? [];
  if (!Array.isArray(list) || !list.every((t): t is string => typeof t === 'string' && t !== ''))
    return { ok: false, reason: 'teams: expected a list of team ids' };
  if (agent !== undefined && (typeof agent !== 'string' || agent === ''))
    return { ok: false, reason: 'agent: expected the agent id' };
  const principal: Principal = {
    subject: subject ?? String(agent ?? role),
    role: role as Role,
    orgId: org,
    teams: list,
    expiresAt: exp * 1000,
  };
  if (typeof agent === 'string') principal.agentId = agent;
  if (typeof jti === 'string') principal.tokenId = jti;
  if (role === 'manager' && list.length === 0) return { ok: false, reason: 'teams: a manager needs at least one team' };
  if (role === 'agent' && (principal.agentId === undefined || list.length !== 1))
    return { ok: false, reason: 'an agent token needs agent and exactly one team' };
  if (role === 'display' && list.length > 1) return { ok: false, reason: 'teams: a display shows one team or the org' };
  if (role === 'platform' && (list.length > 0 || principal.agentId !== undefined))
    return { ok: false, reason: 'a platform token reads no org: it takes no teams and no agent' };
  return { ok: true, principal };
}

// 43200 → "12h", 7776000 → "90d": a lifetime as the CLI's --expires spells it
export function formatSpan(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s % 86_400 === 0) return `${s / 86_400}d`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}
