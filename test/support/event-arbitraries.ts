import fc from 'fast-check';
import type { CanonicalEvent } from '#libs/events';

// Random canonical events around the hard edges: DST changes in New York, month / quarter / year ends
// in Shanghai, with small worlds (2 orgs, 2 teams, 3 agents) so that entities and values collide.
const ANCHORS = [
  Date.parse('2026-03-08T07:00:00Z'), // New York springs forward
  Date.parse('2026-11-01T06:00:00Z'), // New York falls back
  Date.parse('2026-03-31T16:00:00Z'), // Shanghai: end of March and of Q1
  Date.parse('2026-12-31T16:00:00Z'), // Shanghai: end of the year
];
const HOUR = 3_600_000;
const INVOICE_DUE_DAYS: Record<string, number> = { i1: -40, i2: -31, i3: 5 };

function iso(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function date(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

// near the anchor: most events within hours of each other (so windows and values collide), some days away
const deltaArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -3 * HOUR, max: 3 * HOUR }) },
  { weight: 1, arbitrary: fc.integer({ min: -80 * HOUR, max: 80 * HOUR }) },
);
const timeArb = (anchor: number) =>
  fc
    .tuple(deltaArb, fc.constantFrom(0, 480, -300, 330))
    .map(([delta, offset]) => ({ ms: anchor + delta - (delta % 1000), offset }));

const who = fc.record({
  orgId: fc.constantFrom('O1', 'O2'),
  teamId: fc.constantFrom('T1', 'T2', undefined),
  agentId: fc.constantFrom('A1', 'A2', 'A3', undefined),
});

// Finance: invoices i1–i3 (each with one due date), payments and write-offs of them and of invoices
// never issued (i8, i9). Arrival orders put payments before their invoice; a payment names whoever sent it
// (often no agent, or another agent than the invoice's); payments up to 1200 overpay an invoice.
const financeArbs = [
  fc.record({
    type: fc.constant('invoice.issued'),
    invoiceId: fc.constantFrom('i1', 'i2', 'i3'),
    amount: fc.integer({ min: 1, max: 1000 }),
    currency: fc.constantFrom('CNY', 'USD'),
    dueDays: fc.integer({ min: -70, max: 40 }),
  }),
  fc.record({
    type: fc.constant('payment.received'),
    paymentId: fc.constant('p'),
    invoiceId: fc.constantFrom('i1', 'i2', 'i3', 'i8'),
    amount: fc.integer({ min: 1, max: 1200 }),
    currency: fc.constantFrom('CNY', 'USD'),
    dueDays: fc.integer({ min: -70, max: 40 }),
  }),
  fc.record({
    type: fc.constant('invoice.written_off'),
    invoiceId: fc.constantFrom('i1', 'i2', 'i3', 'i9'),
    amount: fc.integer({ min: 1, max: 300 }),
    currency: fc.constantFrom('CNY', 'USD'),
  }),
];

const dataArb = fc.oneof(
  fc.record({
    type: fc.constant('ticket.solved'),
    contacts: fc.integer({ min: 1, max: 3 }),
    handleSeconds: fc.integer({ min: 0, max: 900 }),
    resolutionSeconds: fc.integer({ min: 0, max: 90000 }),
    ticketId: fc.constantFrom('k1', 'k2'),
  }),
  fc.record({
    type: fc.constant('ticket.replied'),
    ticketId: fc.constantFrom('k1', 'k2'),
    firstReply: fc.boolean(),
    responseSeconds: fc.integer({ min: 0, max: 60 }),
    channel: fc.constantFrom('chat', 'email', 'web', undefined),
  }),
  fc.record({
    type: fc.constant('call.ended'),
    callId: fc.constant('c'),
    answered: fc.boolean(),
    talkSeconds: fc.integer({ min: 0, max: 600 }),
    holdSeconds: fc.double({ min: 0, max: 60, noNaN: true }),
    wrapSeconds: fc.integer({ min: 0, max: 60 }),
    waitSeconds: fc.integer({ min: 0, max: 60 }),
  }),
  fc.record({
    type: fc.constant('crm.inquiry.received'),
    visitorId: fc.constantFrom('v1', 'v2', 'v3', 'v4'),
    channel: fc.constant('chat'),
  }),
  fc.record({
    type: fc.constant('crm.order.paid'),
    orderId: fc.constant('o'),
    visitorId: fc.constantFrom('v1', 'v2', 'v3', 'v4'),
    amount: fc.integer({ min: 1, max: 500 }),
    currency: fc.constantFrom('CNY', 'USD'),
  }),
  fc.record({
    type: fc.constant('crm.deal.won'),
    dealId: fc.constant('d'),
    amount: fc.integer({ min: 0, max: 1000 }),
    currency: fc.constantFrom('CNY', 'USD'),
    sqlDaysBefore: fc.integer({ min: 0, max: 90 }),
  }),
  ...financeArbs,
  fc.record({
    type: fc.constant('kpi.manual_score'),
    indicator: fc.constantFrom('t.manual', 't.manual', 't.fcr'),
    value: fc.integer({ min: -5, max: 105 }),
    reviewerId: fc.constantFrom('r1', 'r2', 'r3'),
  }),
);

export const eventArb = (anchor: number, data: fc.Arbitrary<Record<string, unknown>> = dataArb) =>
  fc
    .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 40 }), timeArb(anchor), who, data)
    .map(([src, n, time, w, d]): CanonicalEvent => {
      const { type, sqlDaysBefore, dueDays, ...rest } = d as Record<string, unknown> & {
        type: string;
        sqlDaysBefore?: number;
        dueDays?: number;
      };
      const data: Record<string, unknown> = { orgId: w.orgId, ...rest };
      if (w.teamId !== undefined) data.teamId = w.teamId;
      if (w.agentId !== undefined) data.agentId = w.agentId;
      for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
      if (sqlDaysBefore !== undefined) data.sqlAt = iso(time.ms - sqlDaysBefore * 24 * HOUR - 12345_000, time.offset);
      if (dueDays !== undefined) {
        // an invoice has one due date: payments quote the same one (a free day for the payments of unknown invoices)
        const due = INVOICE_DUE_DAYS[String(rest.invoiceId)] ?? dueDays;
        data[type === 'payment.received' ? 'invoiceDueDate' : 'dueDate'] = date(anchor + due * 24 * HOUR);
      }
      return {
        specversion: '1.0',
        id: `e${n}`,
        source: `src/${src}`,
        type,
        time: iso(time.ms, time.offset),
        data: data as CanonicalEvent['data'],
      };
    });

// Arrival orders: fully shuffled, or nearly in time order with some stragglers; with duplicates.
const arrivalsOf = (data: fc.Arbitrary<Record<string, unknown>>) =>
  fc
    .constantFrom(...ANCHORS)
    .chain((anchor) =>
      fc.tuple(
        fc.array(fc.tuple(eventArb(anchor, data), fc.integer(), fc.integer({ min: 0, max: 9 })), {
          maxLength: 120,
          size: 'max',
        }),
        fc.boolean(),
      ),
    )
    .map(([items, shuffled]) => {
      const keyed = items.flatMap(([e, k, dup]) => {
        const key = shuffled ? k : Date.parse(e.time) + (k % 7 === 0 ? -Math.abs(k) * 1000 : 0);
        const copies = [{ e, key }];
        if (dup === 0) copies.push({ e: { ...e }, key: key + 1 });
        return copies;
      });
      keyed.sort((a, b) => a.key - b.key);
      return keyed.map((x) => x.e);
    });

export const arrivalsArb = arrivalsOf(dataArb);

// finance events only: many payments, write-offs and re-issues per invoice
export const financeArrivalsArb = arrivalsOf(fc.oneof(...financeArbs));
