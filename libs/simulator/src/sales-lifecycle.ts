import type { CanonicalEvent } from '#libs/events';
import type { SimAgent, SimulationContext } from './simulation-context';
import { money } from './simulation-context';
import { CNY_PER_USD, FOREIGN_CURRENCY, INDUSTRIES, REPORTING_CURRENCY, SOURCES } from './vocabulary';

const DAY_SECONDS = 86_400;

// the stages a deal moves through before it is won or lost, at these shares of its time open
const STAGES = [
  { stage: 'proposal', at: 0.4 },
  { stage: 'negotiation', at: 0.75 },
] as const;
const OPEN_DEAL_STAGE_DAYS = 3;

// lead created → MQL → SQL (crm.deal.created, v1.1) → stage changes → won or lost; the won deal carries
// sqlAt.
export function startLead(ctx: SimulationContext, agent: SimAgent, createdAt: number): void {
  const { rng, clock } = ctx;
  const { orgId, teamId, agentId } = agent;
  const source = SOURCES.crm;
  const leadId = ctx.recordId('lead');
  ctx.schedule(createdAt, source, 'crm.lead.created', leadId, { orgId, teamId, agentId, leadId });
  if (!rng.chance(0.55)) return;

  const mqlAt = ctx.later(createdAt, rng.logNormal(DAY_SECONDS, 0.8));
  ctx.schedule(mqlAt, source, 'crm.lead.qualified', leadId, { orgId, teamId, agentId, leadId, stage: 'MQL' });
  if (!rng.chance(0.5)) return;

  const sqlMs = ctx.later(mqlAt, rng.logNormal(2.5 * DAY_SECONDS, 0.7));
  ctx.schedule(sqlMs, source, 'crm.lead.qualified', leadId, { orgId, teamId, agentId, leadId, stage: 'SQL' });
  const dealId = ctx.recordId('deal');
  const sqlAt = clock.formatTime(sqlMs);
  // the deal opens at the SQL with its expected value, which a win later signs
  const amountCny = rng.logNormal(80_000, 0.9);
  const dealOpenedAt = sqlMs + 60_000;
  ctx.schedule(dealOpenedAt, source, 'crm.deal.created', dealId, {
    orgId,
    teamId,
    agentId,
    dealId,
    leadId,
    stage: 'qualification',
    amount: money(amountCny),
    currency: REPORTING_CURRENCY,
  });
  const moveStage = (movedAt: number, stage: string, previousStage: string): void =>
    ctx.schedule(movedAt, source, 'crm.deal.stage_changed', dealId, {
      orgId,
      teamId,
      agentId,
      dealId,
      stage,
      previousStage,
    });
  // the stages from qualification up to the close, spread over the time the deal is open
  const moveStages = (closedAt: number, stages: readonly (typeof STAGES)[number][]): void => {
    let previousStage = 'qualification';
    for (const { stage, at } of stages) {
      moveStage(dealOpenedAt + Math.round((closedAt - dealOpenedAt) * at), stage, previousStage);
      previousStage = stage;
    }
  };

  if (rng.chance(agent.profile.winRate)) {
    const wonAt = ctx.later(sqlMs, rng.logNormal(9 * DAY_SECONDS, 0.6));
    const foreign = rng.chance(0.08);
    moveStages(wonAt, STAGES);
    const data: CanonicalEvent['data'] = {
      orgId,
      teamId,
      agentId,
      dealId,
      amount: money(foreign ? amountCny / CNY_PER_USD : amountCny),
      currency: foreign ? FOREIGN_CURRENCY : REPORTING_CURRENCY,
      sqlAt,
    };
    if (rng.chance(0.6)) data.industry = rng.pick(INDUSTRIES);
    ctx.schedule(wonAt, source, 'crm.deal.won', dealId, data);
  } else if (rng.chance(0.85)) {
    const lostAt = ctx.later(sqlMs, rng.logNormal(8 * DAY_SECONDS, 0.7));
    moveStages(lostAt, STAGES.slice(0, 1));
    ctx.schedule(lostAt, source, 'crm.deal.lost', dealId, { orgId, teamId, agentId, dealId, sqlAt });
  } else {
    // the rest stay open past the simulated period, most of them with a proposal out
    moveStage(ctx.later(dealOpenedAt, OPEN_DEAL_STAGE_DAYS * DAY_SECONDS), 'proposal', 'qualification');
  }
}
