import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { IndicatorEngine, type TeamOf } from './indicator-engine';
import type { EntityRef } from './indicator-value';

const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} }];
const SOLVED: IndicatorDef = {
  id: 'solved',
  version: 1,
  name: { en: 'solved', zh: 'solved' },
  description: 'solved',
  unit: 'number',
  levels: ['agent', 'team', 'org'],
  windows: ['month'],
  allowedLatenessMs: 0,
  measure: {
    kind: 'terms',
    numerator: { types: ['ticket.solved'], where: [], timeField: 'time', aggregation: { kind: 'count' } },
    scale: 1,
  },
};

let n = 0;
const solved = (time: string, data: Record<string, string>): CanonicalEvent => ({
  specversion: '1.0',
  id: `e${++n}`,
  source: 'ticketing/test',
  type: 'ticket.solved',
  time,
  data: { orgId: 'O1', ...data },
});

const entity = (level: EntityRef['level'], id: string): EntityRef => ({ level, id, orgId: 'O1' });
const count = (engine: IndicatorEngine, level: EntityRef['level'], id: string) =>
  engine.value('solved', entity(level, id), 'month')?.value;

// A9 in T1 until 2026-03-02 (Shanghai), in T2 from then on; nobody else on the roster.
const roster: TeamOf = (orgId, agentId, day) => {
  if (orgId !== 'O1' || agentId !== 'A9') return undefined;
  return day < '2026-03-02' ? 'T1' : 'T2';
};

describe('team attribution by the roster of record (teamOf)', () => {
  it('counts an event for the team the roster holds its agent in, not the one its payload names', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS, { teamOf: roster });
    engine.fold(solved('2026-03-05T10:00:00+08:00', { teamId: 'T1', agentId: 'A9' }));
    expect(count(engine, 'team', 'T2')).toBe(1);
    expect(count(engine, 'team', 'T1')).toBe(0);
    expect(engine.entities('team', 'O1').map((e) => e.id)).toEqual(['T2']);
    expect(count(engine, 'agent', 'A9')).toBe(1);
    expect(count(engine, 'org', 'O1')).toBe(1);
  });

  it('a move effective from a date: events before it count for the old team, from it for the new one', () => {
    const engine = new IndicatorEngine([SOLVED], ORGS, { teamOf: roster });
    // the org's day, not UTC's: 00:30 in Shanghai on the 2nd is still the 1st in UTC
    engine.fold(solved('2026-03-01T23:30:00+08:00', { teamId: 'T2', agentId: 'A9' }));
    engine.fold(solved('2026-03-02T00:30:00+08:00', { teamId: 'T1', agentId: 'A9' }));
    engine.fold(solved('2026-03-03T12:00:00+08:00', { agentId: 'A9' }));
    expect(count(engine, 'team', 'T1')).toBe(1);
    expect(count(engine, 'team', 'T2')).toBe(2);
    expect(count(engine, 'agent', 'A9')).toBe(3);
  });

  it("an agent the roster does not hold that day counts for the payload's team; no agent, no lookup", () => {
    const engine = new IndicatorEngine([SOLVED], ORGS, { teamOf: roster });
    engine.fold(solved('2026-03-05T10:00:00+08:00', { teamId: 'T7', agentId: 'A1' }));
    engine.fold(solved('2026-03-05T11:00:00+08:00', { teamId: 'T7' }));
    expect(count(engine, 'team', 'T7')).toBe(2);
  });

  it("without teamOf, the payload's team, as before", () => {
    const engine = new IndicatorEngine([SOLVED], ORGS);
    engine.fold(solved('2026-03-05T10:00:00+08:00', { teamId: 'T1', agentId: 'A9' }));
    expect(count(engine, 'team', 'T1')).toBe(1);
    expect(count(engine, 'team', 'T2')).toBe(0);
  });
});
