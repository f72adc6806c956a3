import type { OrgSettings } from './model';
import {
  childPath,
  expected,
  isMapping,
  readMapping,
  readNumber,
  readString,
  type ParseContext,
} from './parse-context';

// One entry of `orgs:`; the zone and currency are checked by validateDefinitions.
export function parseOrg(ctx: ParseContext, value: unknown, path: string): OrgSettings | undefined {
  const map = readMapping(ctx, value, path, ['id', 'timeZone', 'currency', 'exchangeRates']);
  if (map === undefined) return undefined;
  const id = readString(ctx, map, 'id', path, true);
  const timeZone = readString(ctx, map, 'timeZone', path, true) ?? 'UTC';
  const currency = readString(ctx, map, 'currency', path, true) ?? '';
  const exchangeRates: Record<string, number> = {};
  const rates = map['exchangeRates'];
  if (rates !== undefined) {
    const at = childPath(path, 'exchangeRates');
    if (!isMapping(rates)) expected(ctx, at, 'a mapping of currency → rate', rates);
    else {
      for (const code of Object.keys(rates)) {
        const rate = readNumber(ctx, rates, code, at, 'positive', true);
        if (rate !== undefined) exchangeRates[code] = rate;
      }
    }
  }
  if (id === undefined) return undefined;
  if (id !== '*' && id.includes('*')) expected(ctx, childPath(path, 'id'), 'an org id or "*"', id);
  return { id, timeZone, currency, exchangeRates };
}
