import { describe, expect, it } from 'vitest';
import {
  applyMoves,
  membershipsOn,
  parseMoves,
  parseRosterCsv,
  parseRosterJson,
  RosterError,
  unknownMembersOf,
  type Membership,
  type RosterSnapshot,
} from './roster';

const errorOf = (f: () => unknown): RosterError => {
  try {
    f();
  } catch (err) {
    if (err instanceof RosterError) return err;
    throw err;
  }
  throw new Error('no RosterError');
};

describe('the roster of record', () => {
  it('reads a CSV roster: columns in any order, quoted names, open and closed memberships', () => {
    const roster = parseRosterCsv(
      'team,agent,from,to,name\r\nT1,A1,2026-01-01,2026-12-01,"Li, Na"\nT2,A1,2026-12-01,,\n\nT1,A2,2026-01-01,,Wang Wei\n',
    );
    expect(roster.memberships).toEqual([
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-12-01' },
      { agentId: 'A1', teamId: 'T2', from: '2026-12-01', to: null },
      { agentId: 'A2', teamId: 'T1', from: '2026-01-01', to: null },
    ]);
    expect(roster.members).toEqual([
      { agentId: 'A1', name: 'Li, Na' },
      { agentId: 'A2', name: 'Wang Wei' },
    ]);
    expect(roster.teams.map((t) => t.teamId)).toEqual(['T1', 'T2']);
  });

  it('names the bad CSV row (its line) and field', () => {
    const csv = 'agent,team,from,to\nA1,T1,2026-01-01,\nA2,T1,2026-13-01,\n';
    expect(errorOf(() => parseRosterCsv(csv))).toMatchObject({
      row: 3,
      field: 'from',
      code: 'invalid_date',
      message: 'row 3: from: expected a date YYYY-MM-DD, got "2026-13-01"',
    });
    expect(errorOf(() => parseRosterCsv('agent,team,from\nA1,,2026-01-01\n'))).toMatchObject({
      row: 2,
      field: 'team',
      code: 'missing',
    });
    expect(errorOf(() => parseRosterCsv('agent,team,from\nA:1,T1,2026-01-01\n'))).toMatchObject({
      field: 'agent',
      code: 'invalid_id',
    });
    expect(errorOf(() => parseRosterCsv('agent,team,from,to\nA1,T1,2026-02-01,2026-02-01\n'))).toMatchObject({
      field: 'to',
      code: 'invalid_range',
    });
    expect(errorOf(() => parseRosterCsv('agent,team\nA1,T1\n'))).toMatchObject({
      row: 1,
      field: 'from',
      code: 'missing',
    });
    expect(errorOf(() => parseRosterCsv('agent,team,from,boss\n'))).toMatchObject({ field: 'boss' });
  });

  it('refuses an agent in two teams on one day, naming the later row', () => {
    const csv = 'agent,team,from,to\nA1,T1,2026-01-01,2026-06-01\nA1,T2,2026-05-01,\n';
    expect(errorOf(() => parseRosterCsv(csv))).toMatchObject({ row: 3, field: 'from', code: 'overlap' });
    expect(() => parseRosterCsv('agent,team,from,to\nA1,T1,2026-01-01,2026-05-01\nA1,T2,2026-05-01,\n')).not.toThrow();
  });

  it('reads a JSON roster with teams, managers and members without a membership', () => {
    const roster = parseRosterJson({
      memberships: [{ agent: 'A1', team: 'T1', from: '2026-01-01' }],
      members: [{ agent: 'A9', name: 'Zhao Lei' }],
      teams: [{ team: 'T1', name: 'Support', managers: ['m@T1', 'm@T1'] }],
    });
    expect(roster.teams).toEqual([{ teamId: 'T1', name: 'Support', managers: ['m@T1'] }]);
    expect(roster.members).toEqual([
      { agentId: 'A1', name: null },
      { agentId: 'A9', name: 'Zhao Lei' },
    ]);
    expect(errorOf(() => parseRosterJson({ memberships: [{ agent: 'A1', team: 'T1', from: 'soon' }] }))).toMatchObject({
      row: 0,
      field: 'memberships[0].from',
      code: 'invalid_date',
    });
    expect(errorOf(() => parseRosterJson([]))).toMatchObject({ field: 'body' });
  });

  it('applies moves: the open membership ends on the move day, later plans are superseded', () => {
    const current: Membership[] = [
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: null },
      { agentId: 'A2', teamId: 'T1', from: '2026-01-01', to: '2026-06-01' },
      { agentId: 'A2', teamId: 'T3', from: '2026-06-01', to: null },
    ];
    const moves = parseMoves({
      moves: [
        { agent: 'A1', team: 'T2', from: '2026-12-15' },
        { agent: 'A2', team: 'T2', from: '2026-03-01' },
        { agent: 'A3', team: 'T1', from: '2026-12-01', name: 'New' },
      ],
    });
    expect(applyMoves(current, moves)).toEqual([
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-12-15' },
      { agentId: 'A1', teamId: 'T2', from: '2026-12-15', to: null },
      { agentId: 'A2', teamId: 'T1', from: '2026-01-01', to: '2026-03-01' },
      { agentId: 'A2', teamId: 'T2', from: '2026-03-01', to: null },
      { agentId: 'A3', teamId: 'T1', from: '2026-12-01', to: null },
    ]);
    // leaving, and a move into the team already held
    expect(applyMoves(current, parseMoves([{ agent: 'A1', team: null, from: '2026-02-01' }]))).toContainEqual({
      agentId: 'A1',
      teamId: 'T1',
      from: '2026-01-01',
      to: '2026-02-01',
    });
    expect(
      applyMoves(current, parseMoves([{ agent: 'A2', team: 'T1', from: '2026-02-01' }])).filter(
        (m) => m.agentId === 'A2',
      ),
    ).toEqual([{ agentId: 'A2', teamId: 'T1', from: '2026-01-01', to: null }]);
    expect(errorOf(() => parseMoves({ moves: [{ agent: 'A1', team: 'T1' }] }))).toMatchObject({
      field: 'moves[0].from',
      code: 'missing',
    });
  });

  it('holds a membership from its first day until the day before `to`', () => {
    const rows: Membership[] = [
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-12-15' },
      { agentId: 'A1', teamId: 'T2', from: '2026-12-15', to: null },
    ];
    expect(membershipsOn(rows, '2025-12-31')).toEqual([]);
    expect(membershipsOn(rows, '2026-12-14').map((m) => m.teamId)).toEqual(['T1']);
    expect(membershipsOn(rows, '2026-12-15').map((m) => m.teamId)).toEqual(['T2']);
  });

  it('finds the agents and teams an event names that the roster does not know', () => {
    const roster: RosterSnapshot = {
      orgId: 'O1',
      day: '2026-12-01',
      teamOf: new Map([['A1', 'T1']]),
      agents: new Set(['A1']),
      teams: new Set(['T1']),
      policy: 'accept',
    };
    expect(unknownMembersOf({ agentId: 'A1', teamId: 'T1' }, roster)).toEqual([]);
    expect(unknownMembersOf({ agentId: 'A9', teamId: 'T9' }, roster)).toEqual([
      { kind: 'agent', id: 'A9', field: 'data.agentId' },
      { kind: 'team', id: 'T9', field: 'data.teamId' },
    ]);
    expect(unknownMembersOf({}, roster)).toEqual([]);
  });
});
