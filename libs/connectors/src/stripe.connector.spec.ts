import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { context, delivery, eventsOf, NOW, request } from './connector-test-support';
import { stripe } from './stripe.connector';

// Shaped like Stripe's documented event objects (https://docs.stripe.com/api/events/object and the
// invoice and charge objects), with the fields the mapping reads.
const invoice = (type: string, fields: Record<string, unknown>) =>
  JSON.stringify({
    id: 'evt_1QbX9aLkdIwHu7ixF0Zq3B2p',
    object: 'event',
    api_version: '2024-06-20',
    created: 1764583200, // 2025-12-01T10:00:00Z
    livemode: false,
    type,
    data: {
      object: {
        id: 'in_1QbX9ZLkdIwHu7ixsQz1L0fA',
        object: 'invoice',
        amount_due: 420050,
        amount_paid: 0,
        currency: 'usd',
        customer: 'cus_R4bX9yq2M7c1Zz',
        due_date: 1767225600, // 2026-01-01T00:00:00Z: 08:00 in Shanghai
        payment_intent: 'pi_3QbXA1LkdIwHu7ix0d6bA1Ke',
        status_transitions: { finalized_at: 1764583100, paid_at: null },
        metadata: { kpi_team_id: 'O1-T1' },
        ...fields,
      },
    },
  });

const sign = (body: string, secret: string, t: number) =>
  `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;

const SECRET = 'whsec_test_6b0d3c1f2e';
const T = Math.floor(NOW / 1000);

describe('stripe: Stripe-Signature', () => {
  const body = invoice('invoice.finalized', {});
  const verify = (header: string | undefined, b = body, secrets = [SECRET], now = NOW) =>
    stripe.verify(request({ body: b, headers: { 'stripe-signature': header } }), secrets, now);

  it('takes a v1 signature of "<t>.<body>" by the endpoint secret, any of several v1 and either active secret', () => {
    expect(verify(sign(body, SECRET, T))).toEqual({ ok: true });
    const other = createHmac('sha256', 'whsec_other').update(`${T}.${body}`).digest('hex');
    expect(verify(`t=${T},v1=${other},${sign(body, SECRET, T).split(',')[1]},v0=abc`)).toEqual({ ok: true });
    expect(verify(sign(body, 'whsec_next', T), body, [SECRET, 'whsec_next'])).toEqual({ ok: true });
  });

  it('refuses a tampered body, a wrong secret, a stale or future timestamp, and what is not a signature', () => {
    expect(verify(sign(body, SECRET, T), body.replace('420050', '1'))).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(verify(sign(body, 'whsec_wrong', T))).toEqual({ ok: false, refusal: 'bad_signature' });
    expect(verify(sign(body, SECRET, T - 301))).toEqual({ ok: false, refusal: 'stale_timestamp' });
    expect(verify(sign(body, SECRET, T + 301))).toEqual({ ok: false, refusal: 'stale_timestamp' });
    expect(verify(sign(body, SECRET, T - 300))).toEqual({ ok: true });
    expect(verify(undefined)).toEqual({ ok: false, refusal: 'missing_signature' });
    expect(verify(`t=${T}`)).toEqual({ ok: false, refusal: 'malformed_signature' });
    expect(verify(`t=soon,v1=00`)).toEqual({ ok: false, refusal: 'malformed_signature' });
  });
});

describe('stripe: mapping', () => {
  it('invoice.finalized → invoice.issued in major units, due on the org’s date, the Stripe event id as id', () => {
    const [event] = eventsOf(stripe.map(delivery(invoice('invoice.finalized', {})), context()));
    expect(event).toEqual({
      specversion: '1.0',
      id: 'evt_1QbX9aLkdIwHu7ixF0Zq3B2p',
      source: 'test/src_000000000001',
      type: 'invoice.issued',
      time: '2025-12-01T09:58:20.000Z',
      subject: 'in_1QbX9ZLkdIwHu7ixsQz1L0fA',
      data: {
        orgId: 'O1',
        teamId: 'O1-T1',
        invoiceId: 'in_1QbX9ZLkdIwHu7ixsQz1L0fA',
        amount: 4200.5,
        currency: 'USD',
        dueDate: '2026-01-01',
      },
    });
  });

  it('zero-decimal and three-decimal currencies: yen are yen, fils are thousandths', () => {
    const amountIn = (currency: string, amount_due: number) =>
      eventsOf(stripe.map(delivery(invoice('invoice.finalized', { currency, amount_due })), context()))[0]?.data.amount;
    expect(amountIn('jpy', 5000)).toBe(5000);
    expect(amountIn('krw', 12000)).toBe(12000);
    expect(amountIn('bhd', 12345)).toBe(12.345);
    expect(amountIn('eur', 199)).toBe(1.99);
  });

  it('an invoice charged automatically, without a due date, is due the day it was finalized (org time zone)', () => {
    const [event] = eventsOf(
      stripe.map(
        delivery(invoice('invoice.finalized', { due_date: null, status_transitions: { finalized_at: 1764608400 } })),
        context(),
      ),
    );
    expect(event?.data.dueDate).toBe('2025-12-02'); // 17:00Z is 01:00 the next day in Shanghai
  });

  it('invoice.paid → payment.received with the payment intent and the invoice’s due date', () => {
    const body = invoice('invoice.paid', { amount_paid: 420050, status_transitions: { paid_at: 1764590000 } });
    expect(eventsOf(stripe.map(delivery(body), context()))[0]).toMatchObject({
      type: 'payment.received',
      time: '2025-12-01T11:53:20.000Z',
      data: {
        paymentId: 'pi_3QbXA1LkdIwHu7ix0d6bA1Ke',
        invoiceId: 'in_1QbX9ZLkdIwHu7ixsQz1L0fA',
        amount: 4200.5,
        invoiceDueDate: '2026-01-01',
      },
    });
  });

  it('charge.refunded → refund.issued of what this refund added to the charge’s running total', () => {
    const body = JSON.stringify({
      id: 'evt_3QbXC2LkdIwHu7ix1k4Lx9Qa',
      object: 'event',
      created: 1764583200,
      type: 'charge.refunded',
      data: {
        object: {
          id: 'ch_3QbXA1LkdIwHu7ix0u8Yw2Lm',
          object: 'charge',
          amount: 10000,
          amount_refunded: 7500,
          currency: 'cny',
          payment_intent: 'pi_1',
        },
        previous_attributes: { amount_refunded: 5000, refunded: false },
      },
    });
    expect(eventsOf(stripe.map(delivery(body), context()))[0]?.data).toEqual({
      orgId: 'O1',
      amount: 25,
      currency: 'CNY',
      orderId: 'pi_1',
    });
  });

  it('invoice.marked_uncollectible → invoice.written_off of what was still owed (Stripe’s documented example)', () => {
    // the invoice of Stripe's "Mark an invoice as uncollectible" example
    // (https://docs.stripe.com/api/invoices/mark_uncollectible), in the event that announces it
    const body = JSON.stringify({
      id: 'evt_1MtG3sLkdIwHu7ixT1YqfQ2m',
      object: 'event',
      api_version: '2022-11-15',
      created: 1680638500,
      type: 'invoice.marked_uncollectible',
      data: {
        object: {
          id: 'in_1MtG0nLkdIwHu7ixAaUw3Cb4',
          object: 'invoice',
          account_country: 'US',
          account_name: 'Stripe Docs',
          amount_due: 599,
          amount_paid: 0,
          amount_overpaid: 0,
          amount_remaining: 599,
          attempted: false,
          collection_method: 'charge_automatically',
          created: 1680638365,
          currency: 'usd',
          customer: 'cus_NeZw0zvTyquTfF',
          customer_email: 'jennyrosen@example.com',
          due_date: null,
          metadata: {},
          status: 'uncollectible',
          status_transitions: {
            finalized_at: 1680638365,
            marked_uncollectible_at: 1680638490,
            paid_at: null,
            voided_at: null,
          },
        },
        previous_attributes: { status: 'open', status_transitions: { marked_uncollectible_at: null } },
      },
    });
    expect(eventsOf(stripe.map(delivery(body), context()))).toEqual([
      {
        specversion: '1.0',
        id: 'evt_1MtG3sLkdIwHu7ixT1YqfQ2m',
        source: 'test/src_000000000001',
        type: 'invoice.written_off',
        time: '2023-04-04T20:01:30.000Z',
        subject: 'in_1MtG0nLkdIwHu7ixAaUw3Cb4',
        data: { orgId: 'O1', invoiceId: 'in_1MtG0nLkdIwHu7ixAaUw3Cb4', amount: 5.99, currency: 'USD' },
      },
    ]);
    // partly paid: only the rest is written off, in the currency's own minor unit
    const partly = body
      .replace('"amount_paid":0', '"amount_paid":200')
      .replace('"amount_remaining":599', '"amount_remaining":399');
    expect(eventsOf(stripe.map(delivery(partly.replace(/"usd"/, '"jpy"')), context()))[0]?.data.amount).toBe(399);
    expect(
      stripe.map(delivery(body.replace('"amount_remaining":599', '"amount_remaining":null')), context()),
    ).toMatchObject([{ kind: 'unmappable', code: 'malformed_payload', field: 'data.object.amount_remaining' }]);
  });

  it('real payloads: JPY refunds in yen, nulls and newer API versions’ missing fields, extra fields ignored', () => {
    const refund = JSON.stringify({
      id: 'evt_jpy',
      object: 'event',
      created: 1764583200,
      type: 'charge.refunded',
      data: {
        object: {
          id: 'ch_jpy',
          object: 'charge',
          amount: 5000,
          amount_refunded: 5000,
          currency: 'jpy',
          payment_intent: null,
        },
        previous_attributes: { amount_refunded: 1500 },
      },
    });
    expect(eventsOf(stripe.map(delivery(refund), context()))[0]?.data).toEqual({
      orgId: 'O1',
      amount: 3500,
      currency: 'JPY',
      orderId: 'ch_jpy',
    });
    // an invoice of API version 2025-03-31 has no payment_intent or charge; nulls where Stripe sends them
    const paid = invoice('invoice.paid', {
      amount_paid: 120000,
      currency: 'jpy',
      payment_intent: undefined,
      charge: null,
      metadata: null,
      status_transitions: null,
      due_date: null,
      created: 1764583000,
      payments: { object: 'list', data: [{ id: 'inpay_1' }] },
      brand_new_field: { anything: [1, 'x'] },
    });
    expect(eventsOf(stripe.map(delivery(paid), context()))[0]?.data).toEqual({
      orgId: 'O1',
      paymentId: 'in_1QbX9ZLkdIwHu7ixsQz1L0fA',
      invoiceId: 'in_1QbX9ZLkdIwHu7ixsQz1L0fA',
      amount: 120000,
      currency: 'JPY',
      invoiceDueDate: '2025-12-01',
    });
    // an instant beyond any calendar is malformed, not a crash
    expect(
      stripe.map(
        delivery(invoice('invoice.finalized', { due_date: 1e20, status_transitions: null, created: 1e20 })),
        context(),
      ),
    ).toMatchObject([{ kind: 'unmappable', code: 'malformed_payload', field: 'data.object.due_date' }]);
  });

  it('acknowledges events without KPI meaning, and names what is malformed', () => {
    expect(stripe.map(delivery(invoice('customer.created', {})), context())).toEqual([
      { kind: 'ignored', reason: 'customer.created: no KPI meaning' },
    ]);
    expect(stripe.map(delivery('{"object":"list"}'), context())).toMatchObject([
      { kind: 'unmappable', code: 'malformed_payload', field: 'body' },
    ]);
    expect(stripe.map(delivery(invoice('invoice.finalized', { amount_due: 'lots' })), context())).toMatchObject([
      {
        kind: 'unmappable',
        code: 'malformed_payload',
        field: 'data.object.amount_due',
        id: 'evt_1QbX9aLkdIwHu7ixF0Zq3B2p',
      },
    ]);
  });

  it('the same Stripe event delivered twice maps to the same event (the idempotency key counts it once)', () => {
    const body = invoice('invoice.finalized', {});
    expect(stripe.map(delivery(body, NOW), context())).toEqual(stripe.map(delivery(body, NOW + 3_600_000), context()));
  });
});
