// Who is asking, as a verified token says. Roles:
// - admin: everything, and publishing definitions;
// - manager: the teams listed, their agents, the team aggregates;
// - agent: their own individual scores and their team's aggregates;
// - display: read-only team aggregates of one org (every team) or one team, for a wall screen.
export const ROLES = ['admin', 'manager', 'agent', 'display'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  subject: string;
  role: Role;
  orgId: string;
  teams: readonly string[]; // manager: theirs; agent, team display: theirs (one); org display, admin: none
  agentId?: string; // agent: who they are
}

// The claims a KPI Pulse token carries, next to the standard ones (sub, iat, exp, iss, aud).
export interface AccessClaims {
  role: Role;
  org: string;
  teams?: string[];
  agent?: string;
}

export type ClaimsCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

// A token's claims as a principal, or why not: the claim that is wrong and how.
export function principalOf(subject: string | undefined, claims: Record<string, unknown>): ClaimsCheck {
  const { role, org, teams, agent } = claims;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role))
    return { ok: false, reason: `role: expected one of ${ROLES.join(', ')}` };
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
  };
  if (typeof agent === 'string') principal.agentId = agent;
  if (role === 'manager' && list.length === 0) return { ok: false, reason: 'teams: a manager needs at least one team' };
  if (role === 'agent' && (principal.agentId === undefined || list.length !== 1))
    return { ok: false, reason: 'an agent token needs agent and exactly one team' };
  if (role === 'display' && list.length > 1) return { ok: false, reason: 'teams: a display shows one team or the org' };
  return { ok: true, principal };
}
