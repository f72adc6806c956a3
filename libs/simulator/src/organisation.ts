import { createAgentProfile } from './agent-profile';
import type { SimTeam } from './manual-scores';
import { createRng, mixSeed } from './prng';
import type { ResolvedOptions } from './simulation-options';
import type { SimAgent } from './simulation-context';

export function orgIdOf(org: number): string {
  return `O${org}`;
}
export function teamIdOf(org: number, team: number): string {
  return `O${org}-T${team}`;
}
export function agentIdOf(org: number, team: number, agent: number): string {
  return `O${org}-T${team}-A${agent}`;
}

// The seed split into 32-bit words so every safe integer seeds a different run.
export function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

// Orgs O1.., teams O1-T1.., agents O1-T1-A1..; each agent's profile depends only on the seed and
// its own position, so growing the organisation does not change the existing agents.
export function buildTeams(options: ResolvedOptions): SimTeam[] {
  const [low, high] = seedWords(options.seed);
  const teams: SimTeam[] = [];
  let teamIndex = 0;
  for (let org = 1; org <= options.orgs; org++) {
    for (let team = 1; team <= options.teamsPerOrg; team++) {
      const teamId = teamIdOf(org, team);
      const teamSkill = 0.6 * createRng(mixSeed(low, high, org, team, 0x7ea3)).normal();
      const agents: SimAgent[] = [];
      for (let agent = 1; agent <= options.agentsPerTeam; agent++) {
        const rng = createRng(mixSeed(low, high, org, team, agent));
        agents.push({
          orgId: orgIdOf(org),
          teamId,
          agentId: agentIdOf(org, team, agent),
          profile: createAgentProfile(rng, teamSkill),
        });
      }
      const reviewerId = options.reviewers[teamIndex % Math.max(1, options.reviewers.length)] ?? `mgr-${teamId}`;
      teams.push({ orgId: orgIdOf(org), teamId, agents, reviewerId });
      teamIndex++;
    }
  }
  return teams;
}
