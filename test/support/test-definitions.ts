import type { Condition, IndicatorDef, OrgSettings, Term, WindowName } from '#libs/definitions';

// A small set of indicators that covers every measure the engine knows, for property tests.
export const TEST_ORGS: OrgSettings[] = [
  { id: 'O1', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: { USD: 7.1 } },
  { id: 'O2', timeZone: 'America/New_York', currency: 'USD', exchangeRates: {} },
];

const HOUR = 3_600_000;

function term(types: string[], aggregation: Term['aggregation'], where: Condition[] = [], timeField = 'time'): Term {
  return { types, where, timeField, aggregation };
}

function indicator(
  id: string,
  windows: WindowName[],
  latenessMs: number,
  measure: IndicatorDef['measure'],
): IndicatorDef {
  return {
    id,
    version: 1,
    name: { en: id, zh: id },
    description: id,
    unit: 'number',
    levels: ['agent', 'team', 'org'],
    windows,
    allowedLatenessMs: latenessMs,
    measure,
  };
}

export const TEST_INDICATORS: IndicatorDef[] = [
  indicator('t.solved', ['rolling:1h', 'rolling:24h', 'day', 'week', 'month'], HOUR, {
    kind: 'terms',
    numerator: term(['ticket.solved'], { kind: 'count' }),
    scale: 1,
  }),
  indicator('t.fcr', ['rolling:24h', 'month', 'quarter'], 2 * HOUR, {
    kind: 'terms',
    numerator: term(['ticket.solved'], { kind: 'count' }, [{ field: 'data.contacts', op: 'eq', value: 1 }]),
    denominator: term(['ticket.solved'], { kind: 'count' }),
    scale: 1,
  }),
  indicator('t.aht', ['rolling:7d', 'week'], HOUR, {
    kind: 'terms',
    numerator: term(
      ['call.ended'],
      { kind: 'sum', fields: ['data.talkSeconds', 'data.holdSeconds', 'data.wrapSeconds'] },
      [{ field: 'data.answered', op: 'eq', value: true }],
    ),
    denominator: term(['call.ended'], { kind: 'count' }, [{ field: 'data.answered', op: 'eq', value: true }]),
    scale: 1,
  }),
  indicator('t.conversion', ['rolling:1h', 'rolling:24h', 'day', 'month'], HOUR, {
    kind: 'terms',
    numerator: term(['crm.order.paid'], { kind: 'distinct', fields: ['data.visitorId'] }),
    denominator: term(['crm.inquiry.received'], { kind: 'distinct', fields: ['data.visitorId'] }),
    scale: 100,
  }),
  indicator('t.cycle', ['rolling:30d', 'month'], 6 * HOUR, {
    kind: 'terms',
    numerator: term(['crm.deal.won'], { kind: 'duration', from: 'data.sqlAt', to: 'time', unit: 'd' }),
    denominator: term(['crm.deal.won'], { kind: 'count' }),
    scale: 1,
  }),
  indicator('t.signed', ['rolling:24h', 'quarter', 'year'], HOUR, {
    kind: 'terms',
    numerator: term(['crm.deal.won'], { kind: 'sum', fields: ['data.amount'] }, [
      { field: 'data.amount', op: 'gte', value: 100 },
    ]),
    scale: 1,
  }),
  indicator('t.collection', ['month', 'quarter', 'year'], 10 * 24 * HOUR, {
    kind: 'terms',
    numerator: term(['payment.received'], { kind: 'sum', fields: ['data.amount'] }, [], 'data.invoiceDueDate'),
    denominator: term(['invoice.issued'], { kind: 'sum', fields: ['data.amount'] }, [], 'data.dueDate'),
    scale: 1,
  }),
  indicator('t.overdue', ['month'], HOUR, { kind: 'overdue-ratio', afterDays: 30 }),
  indicator('t.manual', ['week', 'month'], 3 * HOUR, { kind: 'manual', scale: [0, 100], reviewers: ['r1', 'r2'] }),
  indicator('t.agent_days', ['week'], HOUR, {
    kind: 'terms',
    numerator: term(['ticket.solved'], { kind: 'count' }),
    denominator: term(['ticket.solved'], { kind: 'distinct', fields: ['data.agentId', '$date'] }),
    scale: 1,
  }),
  {
    ...indicator('t.chat_first', ['rolling:1h', 'day'], HOUR, {
      kind: 'terms',
      numerator: term(['ticket.replied'], { kind: 'count' }, [
        { field: 'data.firstReply', op: 'eq', value: true },
        { field: 'data.channel', op: 'in', value: ['chat', 'web'] },
        { field: 'data.responseSeconds', op: 'lte', value: 30 },
      ]),
      denominator: term(['ticket.replied'], { kind: 'count' }, [{ field: 'data.firstReply', op: 'eq', value: true }]),
      scale: 1,
    }),
    levels: ['team', 'org'],
  },
];
