import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from './canonical-event';
import { normalizeAmounts, type CurrencySettings } from './normalize-amounts';

// normalizeAmounts is given what the contract has checked, but it answers an error rather than a wrong
// number for whatever reaches it: a currency that is not a string, an amount that is not a finite number,
// a rate that is not a positive number (docs/events.md, "Currency rule" and "Errors").
const ORG: CurrencySettings = { id: 'acme', currency: 'CNY', exchangeRates: { USD: 7.1 } };

function refund(amount: unknown, currency: unknown): CanonicalEvent {
  return {
    specversion: '1.0',
    id: 'rf-1',
    source: 'finance/stripe',
    type: 'refund.issued',
    time: '2026-11-01T10:00:00+08:00',
    data: { orgId: 'acme', amount, currency },
  };
}

describe('normalizeAmounts: what it cannot convert', () => {
  it.each([42, null, ['USD'], { code: 'USD' }])('rejects the currency %j as a wrong type', (currency) => {
    expect(normalizeAmounts(refund(10, currency), ORG)).toEqual({
      ok: false,
      errors: [{ field: 'data.currency', code: 'invalid_type', reason: 'expected an ISO 4217 currency code' }],
    });
  });

  it.each(['10', null, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined])(
    'rejects the amount %j in a currency to convert',
    (amount) => {
      expect(normalizeAmounts(refund(amount, 'USD'), ORG)).toEqual({
        ok: false,
        errors: [{ field: 'data.amount', code: 'invalid_type', reason: 'expected a finite number to convert' }],
      });
    },
  );

  it('leaves a wrong amount in the reporting currency to the contract, which has rejected it already', () => {
    const event = refund('10', 'CNY');
    const result = normalizeAmounts(event, ORG);
    expect(result.ok && result.event).toBe(event);
  });

  it.each([-7.1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the rate %j', (rate) => {
    expect(normalizeAmounts(refund(10, 'USD'), { ...ORG, exchangeRates: { USD: rate } })).toEqual({
      ok: false,
      errors: [
        {
          field: 'data.currency',
          code: 'invalid_exchange_rate',
          reason: 'the exchange rate for USD in org acme is not a positive number',
        },
      ],
    });
  });

  it('converts with a rate just above zero and an amount of zero', () => {
    const tiny = normalizeAmounts(refund(1_000_000, 'USD'), { ...ORG, exchangeRates: { USD: 1e-6 } });
    expect(tiny.ok && tiny.event.data.amount).toBe(1);
    const zero = normalizeAmounts(refund(0, 'USD'), ORG);
    expect(zero.ok && zero.event.data).toEqual({
      orgId: 'acme',
      amount: 0,
      currency: 'CNY',
      originalAmount: 0,
      originalCurrency: 'USD',
    });
  });
});
