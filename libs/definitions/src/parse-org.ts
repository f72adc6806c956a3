import { dayNumberOfDate, WEEKDAYS, type Weekday, type WorkingCalendar } from '#libs/time';
import type { OrgSettings } from './model';
import {
  childPath,
  expected,
  isMapping,
  itemPath,
  oneOfMessage,
  readList,
  readMapping,
  readNumber,
  readString,
  report,
  type Mapping,
  type ParseContext,
} from './parse-context';

// `workingDays: [mon, …]` and `holidays: [2026-10-01, …]`, strictly: known weekdays and real dates, each
// once; holidays only with working days.
function parseCalendar(ctx: ParseContext, map: Mapping, path: string): WorkingCalendar | undefined {
  const days = map['workingDays'];
  const dates = map['holidays'];
  if (days === undefined) {
    if (dates !== undefined)
      report(ctx, childPath(path, 'holidays'), 'holidays need workingDays (e.g. [mon, tue, wed, thu, fri])');
    return undefined;
  }
  const daysPath = childPath(path, 'workingDays');
  const workingDays: Weekday[] = [];
  let ok = true;
  const dayList = readList(ctx, days, daysPath);
  if (dayList === undefined) return undefined;
  if (dayList.length === 0) {
    report(ctx, daysPath, 'expected at least one working day');
    ok = false;
  }
  dayList.forEach((item, i) => {
    const day = WEEKDAYS.find((w) => w === item);
    if (day === undefined) report(ctx, itemPath(daysPath, i), oneOfMessage(item, WEEKDAYS));
    else if (workingDays.includes(day)) report(ctx, itemPath(daysPath, i), `${day} is listed twice`);
    else {
      workingDays.push(day);
      return;
    }
    ok = false;
  });
  const holidays: string[] = [];
  if (dates !== undefined) {
    const datesPath = childPath(path, 'holidays');
    const dateList = readList(ctx, dates, datesPath) ?? [];
    dateList.forEach((item, i) => {
      // a YAML 1.1 reader turns 2026-10-01 into a Date; take its calendar date back
      const date = item instanceof Date && !Number.isNaN(item.getTime()) ? item.toISOString().slice(0, 10) : item;
      if (typeof date !== 'string' || Number.isNaN(dayNumberOfDate(date)))
        expected(ctx, itemPath(datesPath, i), 'a date YYYY-MM-DD', item);
      else if (holidays.includes(date)) report(ctx, itemPath(datesPath, i), `${date} is listed twice`);
      else {
        holidays.push(date);
        return;
      }
      ok = false;
    });
  }
  return ok ? { workingDays, holidays } : undefined;
}

// One entry of `orgs:`; the zone and currency are checked by validateDefinitions.
export function parseOrg(ctx: ParseContext, value: unknown, path: string): OrgSettings | undefined {
  const map = readMapping(ctx, value, path, ['id', 'timeZone', 'currency', 'exchangeRates', 'workingDays', 'holidays']);
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
  const calendar = parseCalendar(ctx, map, path);
  if (id === undefined) return undefined;
  if (id !== '*' && id.includes('*')) expected(ctx, childPath(path, 'id'), 'an org id or "*"', id);
  return calendar === undefined
    ? { id, timeZone, currency, exchangeRates }
    : { id, timeZone, currency, exchangeRates, calendar };
}
