import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from './canonical-event';
import { normalizeAmounts, type CurrencySettings } from './normalize-amounts';

const ORG: CurrencySettings = { id: 'acme', currency: 'CNY', exchangeRates: { USD: 7.1 } };

function invoice(amount: number, currency: string): CanonicalEvent {
  return {
    specversion: '1.0',
    id: 'inv-1',
    source: 'finance/stripe',
    type: 'invoice.issued',
    time: '2026-11-01T10:00:00+08:00',
    data: { orgId: 'acme', invoiceId: 'I-1', amount, currency, dueDate: '2026-12-01' },
  };
}

describe('normalizeAmounts', () => {
  it('returns an event in the reporting currency as it is', () => {
    const event = invoice(100, 'CNY');
    const result = normalizeAmounts(event, ORG);
    expect(result.ok && result.event).toBe(event);
  });

  it('returns an event without a currency as it is', () => {
    const event: CanonicalEvent = {
      ...invoice(1, 'CNY'),
      type: 'ticket.reopened',
      data: { orgId: 'acme', ticketId: 'T' },
    };
    const result = normalizeAmounts(event, ORG);
    expect(result.ok && result.event).toBe(event);
  });

  it('converts into the reporting currency, keeps the original and leaves the input untouched', () => {
    const event = invoice(1234.5, 'USD');
    const result = normalizeAmounts(event, ORG);
    expect(result).toEqual({
      ok: true,
      event: {
        ...event,
        data: { ...event.data, amount: 8764.95, currency: 'CNY', originalAmount: 1234.5, originalCurrency: 'USD' },
      },
    });
    expect(event.data).toMatchObject({ amount: 1234.5, currency: 'USD' });
    expect(event.data).not.toHaveProperty('originalAmount');
  });

  it('rounds the converted amount to a millionth', () => {
    const result = normalizeAmounts(invoice(0.1, 'USD'), { ...ORG, exchangeRates: { USD: 0.3 } });
    expect(result.ok && result.event.data.amount).toBe(0.03);
  });

  it('rejects a currency the org has no rate for, naming both currencies', () => {
    expect(normalizeAmounts(invoice(10, 'EUR'), ORG)).toEqual({
      ok: false,
      errors: [
        {
          field: 'data.currency',
          code: 'no_exchange_rate',
          reason: "EUR differs from the org's reporting currency CNY and no exchange rate is configured",
        },
      ],
    });
  });

  it('does not take a rate from Object.prototype', () => {
    expect(normalizeAmounts(invoice(10, 'constructor'), ORG).ok).toBe(false);
  });

  it('rejects a rate that is not a positive number', () => {
    const result = normalizeAmounts(invoice(10, 'USD'), { ...ORG, exchangeRates: { USD: 0 } });
    expect(result).toEqual({
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

  it('converts the optional amount of a v1.1 deal event like any other', () => {
    const deal: CanonicalEvent = {
      ...invoice(1, 'CNY'),
      type: 'crm.deal.stage_changed',
      data: { orgId: 'acme', dealId: 'D-1', stage: 'proposal', amount: 1000, currency: 'USD' },
    };
    const result = normalizeAmounts(deal, ORG);
    expect(result.ok && result.event.data).toEqual({
      orgId: 'acme',
      dealId: 'D-1',
      stage: 'proposal',
      amount: 7100,
      currency: 'CNY',
      originalAmount: 1000,
      originalCurrency: 'USD',
    });
  });
});
