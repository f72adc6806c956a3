import type { CanonicalEvent } from './canonical-event';
import type { FieldError } from './field-error';

// What conversion needs to know of an org (the definitions' OrgSettings carries these and more).
export interface CurrencySettings {
  id: string;
  currency: string; // ISO 4217 reporting currency
  exchangeRates: Readonly<Record<string, number>>; // 1 unit of key currency = rate units of reporting currency
}

export type NormalizedAmounts = { ok: true; event: CanonicalEvent } | { ok: false; errors: FieldError[] };

const MICRO = 1e6;

// Puts `data.amount` into the org's reporting currency. Events without a currency, or already in the
// reporting currency, come back as they are; others are converted with the org's exchange rate into a
// copy that keeps `originalAmount` / `originalCurrency`, or rejected when the org has no rate.
export function normalizeAmounts(event: CanonicalEvent, org: CurrencySettings): NormalizedAmounts {
  const { currency, amount } = event.data;
  if (currency === undefined || currency === org.currency) return { ok: true, event };
  if (typeof currency !== 'string') {
    return {
      ok: false,
      errors: [{ field: 'data.currency', code: 'invalid_type', reason: 'expected an ISO 4217 currency code' }],
    };
  }
  // Own keys only: a currency named "constructor" must not find Object.prototype.
  const rate = Object.hasOwn(org.exchangeRates, currency) ? org.exchangeRates[currency] : undefined;
  if (rate === undefined) {
    const reason = `${currency} differs from the org's reporting currency ${org.currency} and no exchange rate is configured`;
    return { ok: false, errors: [{ field: 'data.currency', code: 'no_exchange_rate', reason }] };
  }
  if (!(Number.isFinite(rate) && rate > 0)) {
    const reason = `the exchange rate for ${currency} in org ${org.id} is not a positive number`;
    return { ok: false, errors: [{ field: 'data.currency', code: 'invalid_exchange_rate', reason }] };
  }
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    return {
      ok: false,
      errors: [{ field: 'data.amount', code: 'invalid_type', reason: 'expected a finite number to convert' }],
    };
  }
  // Rounded to a millionth of the reporting unit so that sums do not carry binary noise like 7.1000000001.
  const converted = Math.round(amount * rate * MICRO) / MICRO;
  const data = {
    ...event.data,
    amount: converted,
    currency: org.currency,
    originalAmount: amount,
    originalCurrency: currency,
  };
  return { ok: true, event: { ...event, data } };
}
