import { BadRequestException, ForbiddenException } from '@nestjs/common';
import type { Principal } from '#libs/access';
import { ReviewInputError } from '#libs/review';
import type { AccessService } from '#runtime/access.service';

// An input refused by field and code: 400 with `{ field, code, message }`.
export function reviewInput<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ReviewInputError)) throw err;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: err.message,
      field: err.field,
      code: err.code,
    });
  }
}

// a team id as the roster and the events name it: bounded, printable
export function teamParam(team: unknown, field = 'team'): string {
  return reviewInput(() => {
    if (typeof team !== 'string' || team === '') throw new ReviewInputError(field, 'required', 'is required');
    // eslint-disable-next-line no-control-regex
    if (team.length > 200 || /[\u0000-\u001f\u007f]/.test(team))
      throw new ReviewInputError(field, 'invalid_value', 'must be a team id: up to 200 printable characters');
    return team;
  });
}

// Reading a team's pack: whoever may read the team's scorecard (libs/access), in the caller's own org.
export async function assertMayRead(access: AccessService, p: Principal, teamId: string): Promise<void> {
  if (!(await access.mayRead(p, { kind: 'team', orgId: p.orgId, teamId })))
    throw new ForbiddenException(`forbidden: team ${teamId} is not in your scope`);
}

// Making packs, action items and subscriptions: an admin of the org, or a manager of the team.
export function assertMayWrite(p: Principal, teamId: string): void {
  if (p.role === 'admin' || (p.role === 'manager' && p.teams.includes(teamId))) return;
  throw new ForbiddenException(`forbidden: only an admin or a manager of team ${teamId} may change its review`);
}
