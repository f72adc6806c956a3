import type { CanonicalEvent } from '#libs/events';
import type { SimAgent, SimulationContext } from './simulation-context';
import { whole } from './simulation-context';
import type { TicketChannel } from './vocabulary';
import { SOURCES, TICKET_PRIORITIES } from './vocabulary';

const RATED_SHARE = 0.35;

function pickChannel(draw: number): TicketChannel {
  if (draw < 0.35) return 'email';
  if (draw < 0.65) return 'chat';
  if (draw < 0.85) return 'web';
  return 'phone';
}

// created → replied per customer contact (firstReply once) → solved → sometimes reopened and solved
// again → sometimes rated.
// first-response median per channel, as a multiple of the agent's own (60–900 s) median
const CHANNEL_RESPONSE_FACTOR: Readonly<Record<TicketChannel, number>> = {
  chat: 0.03,
  phone: 0.02,
  web: 0.5,
  email: 2.5,
};

export function startTicket(ctx: SimulationContext, agent: SimAgent, createdAt: number): void {
  const { rng } = ctx;
  const profile = agent.profile;
  const { orgId, teamId, agentId } = agent;
  const source = SOURCES.ticketing;
  const ticketId = ctx.recordId('tk');
  const channel = pickChannel(rng.next());
  const created: CanonicalEvent['data'] = { orgId, teamId, agentId, ticketId, channel };
  if (rng.chance(0.6)) created.priority = rng.pick(TICKET_PRIORITIES);
  ctx.schedule(createdAt, source, 'ticket.created', ticketId, created);

  let contacts = 1;
  if (!rng.chance(profile.fcr)) contacts = 2 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.2) ? 1 : 0);

  let at = createdAt;
  let handleSeconds = 0;
  const reply = (first: boolean): void => {
    // first responses have a long tail (a slow queue, a weekend); later ones come quicker
    // live channels answer in seconds, email in minutes to hours (seed 000: chat ≤ 30 s, email ≤ 2 h)
    const median = profile.responseMedianSeconds * CHANNEL_RESPONSE_FACTOR[channel];
    const responseSeconds = first ? whole(rng.logNormal(median, 1.1)) : whole(rng.logNormal(median * 0.5, 0.9));
    at += responseSeconds * 1000;
    ctx.schedule(at, source, 'ticket.replied', ticketId, {
      orgId,
      teamId,
      agentId,
      ticketId,
      firstReply: first,
      responseSeconds,
      channel,
    });
    handleSeconds += whole(rng.logNormal(300, 0.5));
  };
  const solve = (): void => {
    at += whole(rng.logNormal(900, 1)) * 1000;
    ctx.schedule(at, source, 'ticket.solved', ticketId, {
      orgId,
      teamId,
      agentId,
      ticketId,
      contacts,
      handleSeconds,
      resolutionSeconds: (at - createdAt) / 1000,
    });
  };

  for (let contact = 0; contact < contacts; contact++) {
    // the customer writes again some hours after the previous answer
    if (contact > 0) at += whole(rng.logNormal(4 * 3600, 1)) * 1000;
    reply(contact === 0);
  }
  solve();

  if (rng.chance(profile.reopenRate)) {
    at = ctx.later(at, rng.logNormal(86_400, 0.8));
    ctx.schedule(at, source, 'ticket.reopened', ticketId, { orgId, teamId, agentId, ticketId });
    contacts += 1;
    reply(false);
    solve();
  }

  if (rng.chance(RATED_SHARE)) {
    at += whole(rng.logNormal(7200, 1.2)) * 1000;
    const satisfied = rng.chance(profile.csat);
    const score = satisfied ? (rng.chance(0.7) ? 5 : 4) : rng.pick([1, 2, 2, 3, 3, 3]);
    ctx.schedule(at, source, 'ticket.rated', ticketId, { orgId, teamId, agentId, ticketId, score, satisfied });
  }
}
