import { BadRequestException, ForbiddenException } from '@nestjs/common';
import type { Principal } from '#libs/access';
import { AlertInputError, type SubscriptionOwner } from '#libs/alerting';
import type { RosterCache } from '#libs/pipeline';

// The caller as the owner of what they subscribe to or silence (the controllers admit only these roles).
export function ownerOf(p: Principal): SubscriptionOwner {
  if (p.role !== 'admin' && p.role !== 'manager' && p.role !== 'agent')
    throw new ForbiddenException('forbidden: this needs the role admin, manager or agent');
  return { subject: p.subject, role: p.role, orgId: p.orgId, teams: p.teams, agentId: p.agentId ?? null };
}

// An input refused by field and code: 400, or 403 when it reaches beyond the caller's scope.
export function checkedInput<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof AlertInputError)) throw err;
    const forbidden = err.code === 'forbidden';
    const body = {
      statusCode: forbidden ? 403 : 400,
      error: forbidden ? 'Forbidden' : 'Bad Request',
      message: err.message,
      field: err.field,
      code: err.code,
    };
    throw forbidden ? new ForbiddenException(body) : new BadRequestException(body);
  }
}

// the teams of the org's agents today (the roster of record), for a manager naming agents
export async function teamsOf(rosters: RosterCache, orgId: string): Promise<(agentId: string) => string | undefined> {
  const { teamOf } = await rosters.of(orgId);
  return (agentId) => teamOf.get(agentId);
}
