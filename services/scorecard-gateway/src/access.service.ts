import { Inject, Injectable } from '@nestjs/common';
import { mayRead, type Principal, type Scope } from '#libs/access';
import type { RevokedTokensRepository, RosterRepository } from '#libs/postgres';
import type { RuntimeConfig } from '#runtime/config';
import { TokenVerifier } from '#runtime/auth';
import { CONFIG, REVOKED_TOKENS, ROSTER } from '#runtime/tokens';

const ROSTER_TTL_MS = 5_000; // a change of team shows on managers' pages within this
const RELOAD_MS = 500; // a pushed card of an agent not in the roster yet: read it again, at most this often

// Tokens and the roster (agent → team, learned from the events): who may read which room or entity.
@Injectable()
export class AccessService {
  readonly verifier: TokenVerifier;
  private readonly rosters = new Map<string, { loadedAt: number; teams: Map<string, string> }>();
  private readonly loading = new Map<string, Promise<Map<string, string>>>();

  constructor(
    @Inject(CONFIG) config: RuntimeConfig,
    @Inject(ROSTER) private readonly rosterStore: RosterRepository,
    @Inject(REVOKED_TOKENS) revoked: RevokedTokensRepository,
  ) {
    this.verifier = TokenVerifier.fromConfig(config, revoked);
  }

  async mayRead(principal: Principal, scope: Scope): Promise<boolean> {
    if (principal.orgId !== scope.orgId) return false;
    let roster: Map<string, string> | undefined;
    if (scope.kind === 'agent' && principal.role === 'manager') {
      roster = await this.roster(scope.orgId);
      if (!roster.has(scope.agentId)) roster = await this.roster(scope.orgId, 0); // a join: read it afresh
    }
    return mayRead(principal, scope, (agentId) => roster?.get(agentId));
  }

  // (for a join, a snapshot: read afresh)
  async agentsOf(orgId: string, teamId: string): Promise<string[]> {
    return [...(await this.roster(orgId, 0))].filter(([, team]) => team === teamId).map(([agent]) => agent);
  }

  // Without waiting (for a push): the team as last loaded; an unknown agent or a stale roster reloads
  // in the background.
  teamOfNow(orgId: string, agentId: string): string | undefined {
    const held = this.rosters.get(orgId);
    const team = held?.teams.get(agentId);
    if (held === undefined || team === undefined || Date.now() - held.loadedAt > ROSTER_TTL_MS)
      void this.roster(orgId, team === undefined ? RELOAD_MS : ROSTER_TTL_MS).catch(() => undefined);
    return team;
  }

  private async roster(orgId: string, maxAgeMs = ROSTER_TTL_MS): Promise<Map<string, string>> {
    const held = this.rosters.get(orgId);
    if (held !== undefined && Date.now() - held.loadedAt <= maxAgeMs) return held.teams;
    let load = this.loading.get(orgId);
    if (load === undefined) {
      load = this.rosterStore.teamsOf(orgId).finally(() => this.loading.delete(orgId));
      this.loading.set(orgId, load);
    }
    const teams = await load;
    this.rosters.set(orgId, { loadedAt: Date.now(), teams });
    return teams;
  }
}
