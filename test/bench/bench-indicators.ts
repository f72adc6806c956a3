import type { Condition, IndicatorDef, Term } from '#libs/definitions';

// 30 indicators over the simulator's event mix, each in a rolling 24 h and a month window:
// the benchmark's workload (counts, sums, averages, ratios, distinct counts, durations).
function term(types: string | string[], aggregation: Term['aggregation'], where: Condition[] = []): Term {
  return { types: Array.isArray(types) ? types : [types], where, timeField: 'time', aggregation };
}
const count = { kind: 'count' } as const;
const sum = (...fields: string[]) => ({ kind: 'sum', fields }) as const;
const distinct = (...fields: string[]) => ({ kind: 'distinct', fields }) as const;
const eq = (field: string, value: string | number | boolean): Condition => ({ field, op: 'eq', value });
const lte = (field: string, value: number): Condition => ({ field, op: 'lte', value });

function ind(id: string, numerator: Term, denominator?: Term): IndicatorDef {
  return {
    id,
    version: 1,
    name: { en: id, zh: id },
    description: id,
    unit: 'number',
    levels: ['agent', 'team', 'org'],
    windows: ['rolling:24h', 'month'],
    allowedLatenessMs: 2 * 3_600_000,
    measure:
      denominator === undefined
        ? { kind: 'terms', numerator, scale: 1 }
        : { kind: 'terms', numerator, denominator, scale: 1 },
  };
}

const solved = (where: Condition[] = []) => term('ticket.solved', count, where);
const firstReplies = (where: Condition[] = []) =>
  term('ticket.replied', count, [eq('data.firstReply', true), ...where]);
const answered = [eq('data.answered', true)];

export const BENCH_INDICATORS: IndicatorDef[] = [
  ind('tickets.created', term('ticket.created', count)),
  ind('tickets.solved', solved()),
  ind('support.fcr', solved([eq('data.contacts', 1)]), solved()),
  ind('support.reopen_rate', term('ticket.reopened', count), solved()),
  ind('support.resolved_24h', solved([lte('data.resolutionSeconds', 86_400)]), solved()),
  ind('support.avg_handle_ticket', term('ticket.solved', sum('data.handleSeconds')), solved()),
  ind('support.avg_resolution', term('ticket.solved', sum('data.resolutionSeconds')), solved()),
  ind('support.first_response_sla', firstReplies([lte('data.responseSeconds', 30)]), firstReplies()),
  ind(
    'support.chat_sla',
    firstReplies([eq('data.channel', 'chat'), lte('data.responseSeconds', 30)]),
    firstReplies([eq('data.channel', 'chat')]),
  ),
  ind(
    'support.email_sla',
    firstReplies([eq('data.channel', 'email'), lte('data.responseSeconds', 7200)]),
    firstReplies([eq('data.channel', 'email')]),
  ),
  ind(
    'support.avg_first_response',
    term('ticket.replied', sum('data.responseSeconds'), [eq('data.firstReply', true)]),
    firstReplies(),
  ),
  ind('support.replies', term('ticket.replied', count)),
  ind('support.csat', term('ticket.rated', count, [eq('data.satisfied', true)]), term('ticket.rated', count)),
  ind('support.avg_rating', term('ticket.rated', sum('data.score')), term('ticket.rated', count)),
  ind('support.solved_per_agent_day', solved(), term('ticket.solved', distinct('data.agentId', '$date'))),
  ind('calls.answer_rate', term('call.ended', count, answered), term('call.ended', count)),
  ind(
    'calls.aht',
    term('call.ended', sum('data.talkSeconds', 'data.holdSeconds', 'data.wrapSeconds'), answered),
    term('call.ended', count, answered),
  ),
  ind('calls.avg_wait', term('call.ended', sum('data.waitSeconds')), term('call.ended', count)),
  ind('calls.talk_time', term('call.ended', sum('data.talkSeconds'), answered)),
  ind('sales.leads', term('crm.lead.created', count)),
  ind('sales.sql', term('crm.lead.qualified', count, [eq('data.stage', 'SQL')])),
  ind('sales.win_rate', term('crm.deal.won', count), term('crm.lead.qualified', count, [eq('data.stage', 'SQL')])),
  ind('sales.signed_amount', term('crm.deal.won', sum('data.amount'))),
  ind(
    'sales.cycle_days',
    term('crm.deal.won', { kind: 'duration', from: 'data.sqlAt', to: 'time', unit: 'd' }),
    term('crm.deal.won', count),
  ),
  ind('sales.lost', term('crm.deal.lost', count)),
  ind(
    'presales.conversion',
    term('crm.order.paid', distinct('data.visitorId')),
    term('crm.inquiry.received', distinct('data.visitorId')),
  ),
  ind(
    'presales.avg_order_value',
    term('crm.order.paid', sum('data.amount')),
    term('crm.order.paid', distinct('data.visitorId')),
  ),
  ind('presales.refund_ratio', term('refund.issued', sum('data.amount')), term('crm.order.paid', sum('data.amount'))),
  ind('finance.invoiced', term('invoice.issued', sum('data.amount'))),
  ind('finance.collected', term('payment.received', sum('data.amount'))),
];
