import type { CanonicalEvent } from '#libs/events';
import { describe, expect, it } from 'vitest';
import { estimateTotal } from './estimate-total';
import { MISTAKES } from './invalid-event';
import type { SimulatedLine } from './simulate';
import { simulate } from './simulate';
import type { SimulationOptions } from './simulation-options';
import { SimulationOptionsError } from './simulation-options';

const base: SimulationOptions = { orgs: 1, teamsPerOrg: 2, agentsPerTeam: 3, days: 7, start: '2026-11-02', seed: 42 };

function take(options: SimulationOptions, limit = Number.POSITIVE_INFINITY): SimulatedLine[] {
  const lines: SimulatedLine[] = [];
  for (const line of simulate(options)) {
    lines.push(line);
    if (lines.length >= limit) break;
  }
  return lines;
}

function eventsOf(lines: readonly SimulatedLine[]): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  for (const line of lines) if (line.kind === 'valid' || line.kind === 'late') events.push(line.event);
  return events;
}

const messy: SimulationOptions = {
  ...base,
  duplicateRate: 0.02,
  lateRate: 0.02,
  outOfOrderRate: 0.05,
  invalidRate: 0.02,
};

describe('simulate', () => {
  it('is deterministic for a seed', () => {
    const first = JSON.stringify(take(messy, 1000));
    expect(JSON.stringify(take(messy, 1000))).toBe(first);
    expect(JSON.stringify(take({ ...messy, seed: 43 }, 1000))).not.toBe(first);
  });

  it('rejects bad options before the first event, naming the field', () => {
    expect(() => simulate({ ...base, days: 0 })).toThrow(SimulationOptionsError);
    expect(() => simulate({ ...base, days: 1.5 })).toThrow(/days: expected a positive integer/);
    expect(() => simulate({ ...base, start: '2026-02-30' })).toThrow(/start/);
    expect(() => simulate({ ...base, timeZone: 'Mars/Olympus' })).toThrow(/timeZone/);
    expect(() => simulate({ ...base, lateRate: 2 })).toThrow(/lateRate/);
  });

  it('puts an idPrefix before every event and record id: the same run under another prefix shares none', () => {
    const plain = eventsOf(take(base, 500));
    const prefixed = eventsOf(take({ ...base, idPrefix: 'history-' }, 500));
    expect(prefixed.map((e) => e.id)).toEqual(plain.map((e) => `history-${e.id}`));
    const tickets = prefixed.flatMap((e) => (typeof e.data.ticketId === 'string' ? [e.data.ticketId] : []));
    expect(tickets.length).toBeGreaterThan(0);
    expect(tickets.every((id) => id.startsWith('history-tk-'))).toBe(true);
  });

  it('uses the agreed ids and sources', () => {
    const events = eventsOf(take({ ...base, orgs: 2, manualIndicators: ['attitude'] }));
    const sources = new Set(events.map((event) => event.source));
    expect([...sources].sort()).toEqual([
      'crm/hubspot',
      'finance/stripe',
      'hr/reviews',
      'telephony/aircall',
      'ticketing/zendesk',
    ]);
    for (const event of events) {
      expect(event.specversion).toBe('1.0');
      expect(event.data.orgId).toMatch(/^O[12]$/);
      if (event.data.teamId !== undefined) expect(event.data.teamId).toMatch(/^O[12]-T[12]$/);
      if (event.data.agentId !== undefined) expect(event.data.agentId).toMatch(/^O[12]-T[12]-A[123]$/);
      if (event.type === 'call.ended') expect(event.source).toBe('telephony/aircall');
      if (event.type === 'kpi.manual_score') expect(event.source).toBe('hr/reviews');
    }
  });

  it('gives every event an id unique within its source; duplicates repeat an earlier event verbatim', () => {
    const lines = take(messy);
    const seen = new Map<string, string>();
    let duplicates = 0;
    for (const line of lines) {
      if (line.kind === 'invalid') {
        const event = line.event as { source: string; id: string };
        expect(seen.has(`${event.source} ${event.id}`)).toBe(false);
        seen.set(`${event.source} ${event.id}`, 'invalid');
        continue;
      }
      const key = `${line.event.source} ${line.event.id}`;
      if (line.kind === 'duplicate') {
        duplicates++;
        expect(seen.get(key)).toBe(JSON.stringify(line.event));
      } else {
        expect(seen.has(key)).toBe(false);
        seen.set(key, JSON.stringify(line.event));
      }
    }
    expect(duplicates).toBeGreaterThan(0);
  });

  it('keeps event times inside the period with the org offset, in time order except late and shuffled ones', () => {
    const lines = take({ ...base, outOfOrderRate: 0 });
    const from = Date.parse('2026-11-02T00:00:00+08:00');
    const to = Date.parse('2026-11-09T00:00:00+08:00');
    let previous = from;
    for (const event of eventsOf(lines)) {
      expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      const at = Date.parse(event.time);
      expect(at).toBeGreaterThanOrEqual(from);
      expect(at).toBeLessThan(to);
      expect(at).toBeGreaterThanOrEqual(previous);
      previous = at;
    }
  });

  it('writes correct New York offsets across the fall-back change', () => {
    const lines = take({ ...base, timeZone: 'America/New_York', start: '2026-10-30', days: 4, lateRate: 0.05 });
    const change = Date.parse('2026-11-01T06:00:00Z');
    const from = Date.parse('2026-10-30T00:00:00-04:00');
    const to = Date.parse('2026-11-03T00:00:00-05:00');
    const offsets = new Set<string>();
    for (const event of eventsOf(lines)) {
      const at = Date.parse(event.time);
      expect(at).toBeGreaterThanOrEqual(from);
      expect(at).toBeLessThan(to);
      const offset = event.time.slice(19);
      expect(offset).toBe(at < change ? '-04:00' : '-05:00');
      offsets.add(offset);
      // the wall-clock part is the instant shifted by the offset
      const wall = new Date(at + (offset === '-04:00' ? -4 : -5) * 3_600_000).toISOString().slice(0, 19);
      expect(event.time.slice(0, 19)).toBe(wall);
    }
    expect(offsets.size).toBe(2);
  });

  it('emits late events hours to days behind the stream position', () => {
    const lines = take({ ...base, lateRate: 0.02 });
    let position = 0;
    const lags: number[] = [];
    for (const line of lines) {
      if (line.kind === 'invalid' || line.kind === 'duplicate') continue;
      const at = Date.parse(line.event.time);
      if (line.kind === 'late') lags.push(position - at);
      else position = Math.max(position, at);
    }
    expect(lags.length).toBeGreaterThan(0);
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    // some are far beyond a typical allowed lateness of an hour
    expect(Math.max(...lags)).toBeGreaterThan(24 * 3_600_000);
  });

  it('keeps lifecycles consistent', () => {
    const events = eventsOf(take({ ...messy, days: 30 }));
    const created = new Map<string, number>();
    const invoices = new Map<string, { at: number; dueDate: string }>();
    const inquiries = new Map<string, number>();
    const firstReplies = new Map<string, number>();
    const dealsCreated = new Map<string, number>();
    let solved = 0;
    let payments = 0;
    let won = 0;
    let stageChanges = 0;
    for (const event of events) {
      const at = Date.parse(event.time);
      const data = event.data;
      switch (event.type) {
        case 'ticket.created':
          created.set(String(data.ticketId), at);
          break;
        case 'invoice.issued':
          invoices.set(String(data.invoiceId), { at, dueDate: String(data.dueDate) });
          break;
        case 'crm.inquiry.received':
          inquiries.set(String(data.visitorId), at);
          break;
        case 'crm.deal.created':
          dealsCreated.set(String(data.dealId), at);
          break;
        case 'ticket.replied':
          if (data.firstReply === true)
            firstReplies.set(String(data.ticketId), (firstReplies.get(String(data.ticketId)) ?? 0) + 1);
          break;
        default:
          break;
      }
    }
    for (const event of events) {
      const at = Date.parse(event.time);
      const data = event.data;
      if (event.type === 'ticket.solved' || event.type === 'ticket.replied' || event.type === 'ticket.rated') {
        const createdAt = created.get(String(data.ticketId));
        expect(createdAt).toBeDefined();
        expect(at).toBeGreaterThan(createdAt ?? Number.POSITIVE_INFINITY);
      }
      if (event.type === 'ticket.solved') {
        solved++;
        expect(data.contacts).toBeGreaterThanOrEqual(1);
        expect(data.resolutionSeconds).toBe((at - (created.get(String(data.ticketId)) ?? 0)) / 1000);
      }
      if (event.type === 'payment.received') {
        payments++;
        const invoice = invoices.get(String(data.invoiceId));
        expect(invoice).toBeDefined();
        expect(data.invoiceDueDate).toBe(invoice?.dueDate);
        expect(at).toBeGreaterThan(invoice?.at ?? Number.POSITIVE_INFINITY);
      }
      if (event.type === 'crm.order.paid') {
        expect(at).toBeGreaterThan(inquiries.get(String(data.visitorId)) ?? Number.POSITIVE_INFINITY);
      }
      if (event.type === 'crm.deal.won') {
        won++;
        expect(Date.parse(String(data.sqlAt))).toBeLessThan(at);
      }
      // v1.1: a deal is created before it moves stage, and before it is won or lost
      if (event.type === 'crm.deal.won' || event.type === 'crm.deal.lost' || event.type === 'crm.deal.stage_changed') {
        expect(at).toBeGreaterThan(dealsCreated.get(String(data.dealId)) ?? Number.POSITIVE_INFINITY);
        if (event.type === 'crm.deal.stage_changed') stageChanges++;
      }
    }
    for (const count of firstReplies.values()) expect(count).toBe(1);
    expect(solved).toBeGreaterThan(100);
    expect(payments).toBeGreaterThan(0);
    expect(won).toBeGreaterThan(0);
    expect(stageChanges).toBeGreaterThan(won);
  });

  it('is busier in working hours and on weekdays, with 100–300 events per agent-day', () => {
    const events = eventsOf(take({ ...base, days: 14 }));
    const perAgentDay = events.length / (6 * 14);
    expect(perAgentDay).toBeGreaterThan(100);
    expect(perAgentDay).toBeLessThan(300);
    const byHour = new Array<number>(24).fill(0);
    let weekday = 0;
    let weekend = 0;
    for (const event of events) {
      const hour = Number(event.time.slice(11, 13));
      byHour[hour] = (byHour[hour] ?? 0) + 1;
      const day = new Date(`${event.time.slice(0, 10)}T00:00:00Z`).getUTCDay();
      if (day === 0 || day === 6) weekend++;
      else weekday++;
    }
    expect(byHour[10] ?? 0).toBeGreaterThan(5 * (byHour[3] ?? 0));
    expect(weekday / 10).toBeGreaterThan(2 * (weekend / 4));
  });

  it('gives agents different skills', () => {
    const events = eventsOf(take({ ...base, agentsPerTeam: 10, days: 14 }));
    const fcr = new Map<string, { first: number; all: number }>();
    for (const event of events) {
      if (event.type !== 'ticket.solved') continue;
      const agent = String(event.data.agentId);
      const entry = fcr.get(agent) ?? { first: 0, all: 0 };
      entry.all++;
      if (event.data.contacts === 1) entry.first++;
      fcr.set(agent, entry);
    }
    const rates = [...fcr.values()].map((entry) => entry.first / entry.all);
    expect(Math.min(...rates)).toBeGreaterThan(0.45);
    expect(Math.max(...rates)).toBeLessThan(0.95);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.08);
  });

  it('scores manual indicators weekly for every agent and team', () => {
    const events = eventsOf(take({ ...base, days: 14, manualIndicators: ['attitude', 'teamwork'] }));
    const scores = events.filter((event) => event.type === 'kpi.manual_score');
    // two Fridays × two indicators × (6 agents + 2 teams)
    expect(scores).toHaveLength(2 * 2 * 8);
    for (const score of scores) {
      expect(score.data.reviewerId).toBe(`mgr-${String(score.data.teamId)}`);
      expect(score.data.value).toBeGreaterThanOrEqual(60);
      expect(score.data.value).toBeLessThanOrEqual(100);
      expect(['attitude', 'teamwork']).toContain(score.data.indicator);
    }
    expect(scores.filter((score) => score.data.agentId === undefined)).toHaveLength(8);
    const monthly = eventsOf(
      take({ ...base, days: 30, manualCadence: 'month', manualIndicators: ['attitude'], reviewers: ['boss'] }),
    );
    const monthlyScores = monthly.filter((event) => event.type === 'kpi.manual_score');
    // 2026-11-30 is the last weekday of November
    expect(monthlyScores).toHaveLength(8);
    expect(
      monthlyScores.every((score) => score.time.startsWith('2026-11-30') && score.data.reviewerId === 'boss'),
    ).toBe(true);
  });

  it('makes each invalid line with one of the listed mistakes', () => {
    const lines = take({ ...base, days: 21, invalidRate: 0.3 });
    const mistakes = new Set<string>();
    for (const line of lines) if (line.kind === 'invalid') mistakes.add(line.mistake);
    expect([...mistakes].sort()).toEqual([...MISTAKES].sort());
  });

  it('estimates the total within 15%', () => {
    const options: SimulationOptions = { ...messy, days: 28, manualIndicators: ['attitude'] };
    const actual = take(options).length;
    const estimate = estimateTotal(options);
    expect(Math.abs(estimate - actual) / actual).toBeLessThan(0.15);
  });
});
