// Stripe gives amounts in the currency's smallest unit (https://docs.stripe.com/currencies, "Minor units
// in API amounts"): cents for USD, but yen for JPY (zero-decimal) and fils for BHD (three-decimal). ISK,
// HUF and TWD are two-decimal in Stripe's API whatever ISO says, so they divide by 100 like the rest.
const ZERO_DECIMAL = new Set([
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);

// Major units (1234.5 for 123450 cents), rounded to the currency's decimals so no float noise is kept.
export function majorUnits(minor: number, currency: string): number {
  const code = currency.toUpperCase();
  const decimals = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  return Number((minor / 10 ** decimals).toFixed(decimals));
}
