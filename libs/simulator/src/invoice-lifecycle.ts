import type { SimAgent, SimulationContext } from './simulation-context';
import { money } from './simulation-context';
import { CNY_PER_USD, FOREIGN_CURRENCY, REPORTING_CURRENCY, SOURCES } from './vocabulary';
import { formatLocalDate } from './zone-clock';

const PAYMENT_TERMS_DAYS: readonly number[] = [30, 30, 30, 15, 45, 60];

// invoice issued with a due date → paid on time, paid 10–60 days late, or never paid (and sometimes
// written off months after the due date).
export function startInvoice(ctx: SimulationContext, agent: SimAgent, issuedAt: number): void {
  const { rng, clock } = ctx;
  const { orgId, teamId, agentId } = agent;
  const source = SOURCES.finance;
  const invoiceId = ctx.recordId('inv');
  const foreign = rng.chance(0.05);
  const amountCny = rng.logNormal(20_000, 0.8);
  const amount = money(foreign ? amountCny / CNY_PER_USD : amountCny);
  const currency = foreign ? FOREIGN_CURRENCY : REPORTING_CURRENCY;
  const issuedDay = clock.localDay(issuedAt);
  const terms = rng.pick(PAYMENT_TERMS_DAYS);
  const dueDay = issuedDay + terms;
  const dueDate = formatLocalDate(dueDay);
  ctx.schedule(issuedAt, source, 'invoice.issued', invoiceId, {
    orgId,
    teamId,
    agentId,
    invoiceId,
    amount,
    currency,
    dueDate,
  });

  let paidDay: number | undefined;
  if (rng.chance(agent.profile.onTimePayment)) paidDay = issuedDay + rng.int(1, terms);
  else if (rng.chance(0.75)) paidDay = dueDay + rng.int(10, 60);

  if (paidDay === undefined) {
    if (rng.chance(0.5)) {
      const writtenOffAt = ctx.workingTimeOn(dueDay + rng.int(90, 150));
      ctx.schedule(writtenOffAt, source, 'invoice.written_off', invoiceId, {
        orgId,
        teamId,
        agentId,
        invoiceId,
        amount,
        currency,
      });
    }
    return;
  }
  const paidAt = Math.max(ctx.workingTimeOn(paidDay), issuedAt + 60_000);
  const paymentId = ctx.recordId('pay');
  ctx.schedule(paidAt, source, 'payment.received', invoiceId, {
    orgId,
    teamId,
    agentId,
    paymentId,
    invoiceId,
    amount,
    currency,
    invoiceDueDate: dueDate,
  });
}
