import type { IndicatorDef, OrgSettings, Term, WindowName } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import type { EntityRef } from '#libs/indicators';
import {
  converted,
  dayIndex,
  eventKey,
  inRollingWindow,
  localDate,
  longestSpanMs,
  orgOf,
  periodOfTime,
  rollingSpan,
  rollingWindow,
  startOfDate,
} from './oracle-calendar';

// The test oracle: every indicator value recomputed from the raw events by the definition, with no
// incremental state. Slow on purpose: it rescans all events for every (indicator, entity, window).
// It imports only types from libs/: windows, periods, keys and fields are its own (oracle-calendar.ts).
export interface BruteValue {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  periodStart: number;
  periodEnd: number;
}

interface Accepted {
  e: CanonicalEvent;
  t: number;
  org: OrgSettings;
  key: string;
  // (indicator id, side, window) the event came too late for
  late: Set<string>;
}

export interface BruteForceOptions {
  ignoreLateness: boolean;
  // the roster's team of an agent on a local day: an event naming an agent counts for it (else the payload's)
  teamOf?: (orgId: string, agentId: string, localDay: string) => string | undefined;
}

// the event as it counts: with the team the roster holds its agent in on its local day, if any
function attributed(e: CanonicalEvent, t: number, tz: string, options: BruteForceOptions): CanonicalEvent {
  const { agentId } = e.data;
  if (options.teamOf === undefined || typeof agentId !== 'string') return e;
  const team = options.teamOf(e.data.orgId, agentId, localDate(tz, t));
  return team === undefined ? e : { ...e, data: { ...e.data, teamId: team } };
}

// A field of the event: `time`, `$date` (its local date), an envelope field or a `data.` path.
function fieldOf(path: string, e: CanonicalEvent, t: number, tz: string): unknown {
  if (path === 'time') return t;
  if (path === '$date') return localDate(tz, t);
  if (path === 'subject' || path === 'source' || path === 'type' || path === 'id') return e[path];
  let v: unknown = e;
  for (const part of ['data', ...path.slice('data.'.length).split('.')]) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

// The instant that places the event: its time, or the local midnight of a valid date field.
function termTime(term: Term, e: CanonicalEvent, t: number, tz: string): number {
  if (term.timeField === 'time') return t;
  const v = fieldOf(term.timeField, e, t, tz);
  return typeof v === 'string' && !Number.isNaN(dayIndex(v)) ? startOfDate(tz, v) : Number.NaN;
}

function manualProblem(defs: readonly IndicatorDef[], e: CanonicalEvent): boolean {
  const def = defs.find((d) => d.id === e.data.indicator && d.measure.kind === 'manual');
  if (def === undefined || def.measure.kind !== 'manual') return true;
  const v = e.data.value;
  if (typeof v !== 'number' || v < def.measure.scale[0] || v > def.measure.scale[1]) return true;
  return def.measure.reviewers !== undefined && !def.measure.reviewers.includes(String(e.data.reviewerId));
}

export function acceptEvents(
  defs: readonly IndicatorDef[],
  orgs: readonly OrgSettings[],
  arrivals: readonly CanonicalEvent[],
  options: BruteForceOptions,
): Accepted[] {
  const horizon = Math.max(0, ...defs.map((d) => Math.max(...d.windows.map(longestSpanMs)) + d.allowedLatenessMs));
  // each org's own watermark: another org's events never make an org's late
  const watermarks = new Map<string, number>();
  const seen = new Set<string>();
  const accepted: Accepted[] = [];
  for (const raw of arrivals) {
    const org = orgOf(orgs, raw.data.orgId);
    if (org === undefined) continue;
    let e = raw;
    const { currency } = raw.data;
    if (typeof currency === 'string' && currency !== org.currency) {
      const amount = converted(raw.data.amount, currency, org);
      if (amount === undefined) continue;
      e = { ...raw, data: { ...raw.data, amount, currency: org.currency } };
    }
    if (e.type === 'kpi.manual_score' && manualProblem(defs, e)) continue;
    const t = Date.parse(e.time);
    const orgId = e.data.orgId;
    if (!options.ignoreLateness && t < (watermarks.get(orgId) ?? Number.NEGATIVE_INFINITY) - horizon) continue;
    const key = eventKey(e); // (source, id) counts once, whatever the org
    if (seen.has(key)) continue;
    seen.add(key);
    const watermark = Math.max(watermarks.get(orgId) ?? Number.NEGATIVE_INFINITY, t);
    watermarks.set(orgId, watermark);
    const late = new Set<string>();
    if (!options.ignoreLateness) {
      for (const d of defs) {
        const m = d.measure;
        const terms: [number, Term | null][] =
          m.kind === 'terms'
            ? [
                [0, m.numerator],
                [1, m.denominator ?? null],
              ]
            : m.kind === 'manual'
              ? [[0, null]]
              : [];
        for (const [side, term] of terms) {
          if (term !== null && !term.types.includes(e.type)) continue;
          for (const w of d.windows) {
            if (rollingWindow(w) !== undefined) continue;
            const at = term === null ? t : termTime(term, e, t, org.timeZone);
            if (Number.isNaN(at)) continue;
            const p = periodOfTime(w, org.timeZone, at);
            if (p.end + d.allowedLatenessMs <= watermark) late.add(`${d.id}|${side}|${w}`);
          }
        }
      }
    }
    accepted.push({ e: attributed(e, t, org.timeZone, options), t, org, key, late });
  }
  return accepted;
}

function belongs(a: Accepted, entity: EntityRef): boolean {
  if (a.e.data.orgId !== entity.orgId) return false;
  if (entity.level === 'org') return true;
  return (entity.level === 'team' ? a.e.data.teamId : a.e.data.agentId) === entity.id;
}

function matches(term: Term, a: Accepted): boolean {
  if (!term.types.includes(a.e.type)) return false;
  return term.where.every((c) => {
    const v = fieldOf(c.field, a.e, a.t, a.org.timeZone);
    const x = c.value;
    switch (c.op) {
      case 'eq':
        return v === x;
      case 'ne':
        return v !== x;
      case 'in':
        return (x as readonly unknown[]).includes(v);
      case 'notIn':
        return !(x as readonly unknown[]).includes(v);
      case 'gt':
        return (v as number) > (x as number);
      case 'gte':
        return (v as number) >= (x as number);
      case 'lt':
        return (v as number) < (x as number);
      case 'lte':
        return (v as number) <= (x as number);
      case 'exists':
        return (v !== undefined) === x;
    }
  });
}

// The term over the selected events: a sum, or a count of distinct keys.
function termTotal(term: Term, events: readonly Accepted[]): number {
  const agg = term.aggregation;
  const distinct = new Set<string>();
  let total = 0;
  for (const a of events) {
    const get = (f: string) => fieldOf(f, a.e, a.t, a.org.timeZone);
    switch (agg.kind) {
      case 'count':
        total += 1;
        break;
      case 'sum': {
        const vs = agg.fields.map(get);
        if (vs.every((v) => typeof v === 'number')) total += vs.reduce((x, y) => x + y, 0);
        break;
      }
      case 'duration': {
        const unit = { s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 }[agg.unit];
        const at = (v: unknown) => (typeof v === 'number' ? v : Date.parse(String(v)));
        const d = (at(get(agg.to)) - at(get(agg.from))) / unit;
        if (!Number.isNaN(d)) total += d;
        break;
      }
      case 'distinct': {
        const vs = agg.fields.map(get);
        if (vs.every((v) => v !== undefined && v !== null)) distinct.add(vs.map(String).join('\u0001'));
        break;
      }
    }
  }
  return agg.kind === 'distinct' ? distinct.size : total;
}

function inWindow(term: Term, a: Accepted, window: WindowName, asOf: number, tz: string, periodStart: number): boolean {
  const at = termTime(term, a.e, a.t, tz);
  if (Number.isNaN(at)) return false;
  if (rollingWindow(window) !== undefined) return inRollingWindow(window, at, asOf);
  return periodOfTime(window, tz, at).start === periodStart;
}

export function bruteForceValue(
  def: IndicatorDef,
  accepted: readonly Accepted[],
  entity: EntityRef,
  window: WindowName,
  asOf: number,
  tz: string,
): BruteValue {
  const mine = accepted.filter((a) => belongs(a, entity));
  const period = rollingWindow(window) !== undefined ? rollingSpan(window, asOf) : periodOfTime(window, tz, asOf);
  const m = def.measure;
  switch (m.kind) {
    case 'terms': {
      const pick = (term: Term, side: number) =>
        mine.filter(
          (a) =>
            matches(term, a) &&
            !a.late.has(`${def.id}|${side}|${window}`) &&
            inWindow(term, a, window, asOf, tz, period.start),
        );
      const num = termTotal(m.numerator, pick(m.numerator, 0));
      if (m.denominator === undefined)
        return {
          value: num * m.scale,
          numerator: num,
          denominator: null,
          periodStart: period.start,
          periodEnd: period.end,
        };
      const den = termTotal(m.denominator, pick(m.denominator, 1));
      return {
        value: den === 0 ? null : (num / den) * m.scale,
        numerator: num,
        denominator: den,
        periodStart: period.start,
        periodEnd: period.end,
      };
    }
    case 'manual': {
      let best: Accepted | undefined;
      for (const a of mine) {
        if (a.e.type !== 'kpi.manual_score' || a.e.data.indicator !== def.id) continue;
        const deepest = a.e.data.agentId !== undefined ? 'agent' : a.e.data.teamId !== undefined ? 'team' : 'org';
        if (deepest !== entity.level || a.late.has(`${def.id}|0|${window}`)) continue;
        if (periodOfTime(window, tz, a.t).start !== period.start) continue;
        if (best === undefined || a.t > best.t || (a.t === best.t && a.key > best.key)) best = a;
      }
      const value = best === undefined ? null : (best.e.data.value as number);
      return { value, numerator: value, denominator: null, periodStart: period.start, periodEnd: period.end };
    }
    case 'overdue-ratio': {
      // The org's invoices by id, rebuilt from every accepted event: an invoice is its invoice.issued
      // (the latest in time, ties: the larger idempotency key), less every payment and write-off naming
      // it, whoever sent them and in whatever order; it counts for its invoice.issued's entities only.
      const invoices = new Map<string, { issue: Accepted | undefined; paid: number; writtenOff: number }>();
      for (const a of accepted) {
        const { orgId, invoiceId, amount } = a.e.data;
        if (orgId !== entity.orgId || typeof invoiceId !== 'string' || typeof amount !== 'number') continue;
        const invoice = invoices.get(invoiceId) ?? { issue: undefined, paid: 0, writtenOff: 0 };
        invoices.set(invoiceId, invoice);
        if (a.e.type === 'invoice.issued') {
          if (Number.isNaN(dayIndex(String(a.e.data.dueDate)))) continue;
          const last = invoice.issue;
          if (last === undefined || a.t > last.t || (a.t === last.t && a.key > last.key)) invoice.issue = a;
        } else if (a.e.type === 'payment.received') invoice.paid += amount;
        else if (a.e.type === 'invoice.written_off') invoice.writtenOff += amount;
      }
      const cutoff = dayIndex(localDate(tz, asOf)) - m.afterDays;
      let open = 0;
      let overdue = 0;
      for (const { issue, paid, writtenOff } of invoices.values()) {
        if (issue === undefined || !belongs(issue, entity)) continue;
        const balance = Math.max(0, (issue.e.data.amount as number) - paid - writtenOff);
        open += balance;
        if (dayIndex(String(issue.e.data.dueDate)) < cutoff) overdue += balance;
      }
      const has = Math.abs(open) > 1e-9;
      return {
        value: has ? overdue / open : null,
        numerator: overdue,
        denominator: open,
        periodStart: period.start,
        periodEnd: period.end,
      };
    }
    case 'lifecycle':
    case 'conversion':
      throw new Error('joined measures have their own oracle: test/property/lifecycle.property.spec.ts');
  }
}

export function entitiesOf(accepted: readonly Accepted[]): EntityRef[] {
  const out = new Map<string, EntityRef>();
  for (const { e } of accepted) {
    const orgId = e.data.orgId;
    out.set(`org|${orgId}`, { level: 'org', id: orgId, orgId });
    if (typeof e.data.teamId === 'string')
      out.set(`team|${orgId}|${e.data.teamId}`, { level: 'team', id: e.data.teamId, orgId });
    if (typeof e.data.agentId === 'string')
      out.set(`agent|${orgId}|${e.data.agentId}`, { level: 'agent', id: e.data.agentId, orgId });
  }
  return [...out.values()];
}
