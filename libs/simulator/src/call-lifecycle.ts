import type { SimAgent, SimulationContext } from './simulation-context';
import { whole } from './simulation-context';
import { SOURCES } from './vocabulary';

// One offered call, ended at `endedAt`; a missed call stays attributed to the agent it was offered to.
export function startCall(ctx: SimulationContext, agent: SimAgent, endedAt: number): void {
  const { rng } = ctx;
  const profile = agent.profile;
  const callId = ctx.recordId('call');
  const answered = rng.chance(profile.answerRate);
  const aht = profile.ahtSeconds;
  // medians chosen so talk + hold + wrap averages about the agent's AHT
  const talkSeconds = answered ? whole(rng.logNormal(aht * 0.72, 0.35)) : 0;
  const holdSeconds = answered && rng.chance(0.3) ? whole(rng.logNormal(aht * 0.2, 0.5)) : 0;
  const wrapSeconds = answered ? whole(rng.logNormal(aht * 0.15, 0.4)) : 0;
  const waitSeconds = whole(rng.logNormal(answered ? 25 : 70, 0.8));
  ctx.schedule(endedAt, SOURCES.telephony, 'call.ended', callId, {
    orgId: agent.orgId,
    teamId: agent.teamId,
    agentId: agent.agentId,
    callId,
    answered,
    talkSeconds,
    holdSeconds,
    wrapSeconds,
    waitSeconds,
  });
}
