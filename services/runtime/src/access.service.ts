import { Inject, Injectable } from '@nestjs/common';
import { mayRead, type Principal, type Scope } from '#libs/access';
import type { RosterCache } from '#libs/pipeline';
import type { RevokedTokensRepository } from '#libs/postgres';
import type { RuntimeConfig } from './config';
import { TokenVerifier } from './auth';
import { CONFIG, REVOKED_TOKENS, ROSTER_CACHE } from './tokens';

const RELOAD_MS = 500; // a pushed card of an agent not in the roster: read it again, at most this often

// Tokens and the roster of record as of today (never event payloads): who may read which room or entity.
@Injectable()
export class AccessService {
  readonly verifier: TokenVerifier;

  constructor(
    @Inject(CONFIG) config: RuntimeConfig,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
    @Inject(REVOKED_TOKENS) revoked: RevokedTokensRepository,
  ) {
    this.verifier = TokenVerifier.fromConfig(config, revoked);
  }

  async mayRead(principal: Principal, scope: Scope): Promise<boolean> {
    if (principal.orgId !== scope.orgId) return false;
    let teamOf: ReadonlyMap<string, string> | undefined;
    if (scope.kind === 'agent' && principal.role === 'manager') {
      teamOf = (await this.rosters.of(scope.orgId)).teamOf;
      if (!teamOf.has(scope.agentId)) teamOf = (await this.rosters.of(scope.orgId, 0)).teamOf; // a join: read it afresh
    }
    return mayRead(principal, scope, (agentId) => teamOf?.get(agentId));
  }

  // a team's agents today (for a join, a snapshot: read afresh)
  async agentsOf(orgId: string, teamId: string): Promise<string[]> {
    const { teamOf } = await this.rosters.of(orgId, 0);
    return [...teamOf].filter(([, team]) => team === teamId).map(([agent]) => agent);
  }

  // Without waiting (for a push): the agent's team today as last read; an agent not in it, or a stale
  // copy, is read again in the background.
  teamOfNow(orgId: string, agentId: string): string | undefined {
    const team = this.rosters.peek(orgId)?.teamOf.get(agentId);
    if (team === undefined) this.rosters.peek(orgId, RELOAD_MS);
    return team;
  }
}
