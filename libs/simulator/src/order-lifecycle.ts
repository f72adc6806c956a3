import type { SimAgent, SimulationContext } from './simulation-context';
import { money, whole } from './simulation-context';
import { CNY_PER_USD, FOREIGN_CURRENCY, INQUIRY_CHANNELS, REPORTING_CURRENCY, SOURCES } from './vocabulary';

const REFUND_SHARE = 0.04;

// A pre-sales inquiry; some visitors pay an order (same visitorId) minutes to days later; a few
// orders are refunded.
export function startInquiry(ctx: SimulationContext, agent: SimAgent, receivedAt: number): void {
  const { rng } = ctx;
  const { orgId, teamId, agentId } = agent;
  const visitorId = ctx.recordId('vis');
  const channel = rng.pick(INQUIRY_CHANNELS);
  ctx.schedule(receivedAt, SOURCES.crm, 'crm.inquiry.received', visitorId, {
    orgId,
    teamId,
    agentId,
    visitorId,
    channel,
  });
  if (!rng.chance(agent.profile.conversion)) return;

  const paidAt = receivedAt + whole(rng.logNormal(3 * 3600, 1.5)) * 1000;
  const orderId = ctx.recordId('ord');
  const foreign = rng.chance(0.05);
  const amountCny = rng.logNormal(800, 0.8);
  const amount = money(foreign ? amountCny / CNY_PER_USD : amountCny);
  const currency = foreign ? FOREIGN_CURRENCY : REPORTING_CURRENCY;
  ctx.schedule(paidAt, SOURCES.crm, 'crm.order.paid', orderId, {
    orgId,
    teamId,
    agentId,
    orderId,
    visitorId,
    amount,
    currency,
  });
  if (!rng.chance(REFUND_SHARE)) return;

  const refundedAt = ctx.later(paidAt, rng.logNormal(4 * 86_400, 0.8));
  const refund = rng.chance(0.6) ? amount : money(amount * (0.2 + 0.6 * rng.next()));
  ctx.schedule(refundedAt, SOURCES.finance, 'refund.issued', orderId, {
    orgId,
    teamId,
    agentId,
    amount: refund,
    currency,
    orderId,
  });
}
