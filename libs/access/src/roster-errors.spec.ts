import { describe, expect, it } from 'vitest';
import {
  applyMoves,
  isRosterDate,
  MAX_MOVES,
  MAX_ROSTER_ROWS,
  parseMoves,
  parseRosterCsv,
  parseRosterJson,
  RosterError,
  type Membership,
} from './roster';

// What an admin reads when a roster is refused (docs/security.md, "The roster of record"): the row (a
// CSV line, the header being line 1; a JSON index), the field, a code and why, all in the message.
const errorOf = (f: () => unknown): RosterError => {
  try {
    f();
  } catch (err) {
    if (err instanceof RosterError) return err;
    throw err;
  }
  throw new Error('no RosterError');
};
const refusal = (f: () => unknown) => {
  const { row, field, code, message } = errorOf(f);
  return { row, field, code, message };
};
const ID_RULE = `expected an id of letters, digits, '.', '_', '@' or '-' (at most 100)`;

describe('roster dates', () => {
  it.each(['2026-01-01', '2026-12-31', '2024-02-29', '9999-12-31'])('%s is a date', (text) => {
    expect(isRosterDate(text)).toBe(true);
  });
  it.each(['2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '2026-01-1', '26-01-01'])(
    '%s is not',
    (text) => expect(isRosterDate(text)).toBe(false),
  );
  it.each(['x2026-01-01', '2026-01-01x', ' 2026-01-01', '2026-01-01\n', '2026/01/01', '2026-01-0a'])(
    '%j is not',
    (text) => expect(isRosterDate(text)).toBe(false),
  );
});

describe('a CSV roster', () => {
  it('reads a header in any case with spaces, LF lines, cells trimmed, blank lines skipped', () => {
    const roster = parseRosterCsv(' Agent , TEAM,From \n A1 , T1 , 2026-01-01 \n   \nA2,T1,2026-01-01\n');
    expect(roster.memberships).toEqual([
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: null },
      { agentId: 'A2', teamId: 'T1', from: '2026-01-01', to: null },
    ]);
    expect(roster.members).toEqual([
      { agentId: 'A1', name: null },
      { agentId: 'A2', name: null },
    ]);
    expect(roster.teams).toEqual([{ teamId: 'T1', name: null, managers: [] }]);
  });

  it('reads quoted cells: commas, doubled quotes, spaces before the quote, quotes inside a plain cell', () => {
    const roster = parseRosterCsv(
      [
        'agent,name,team,from',
        'A1,"He said ""yes"", twice",T1,2026-01-01',
        'A2,  "Li, Na",T1,2026-01-01',
        'A3,Say "hi",T1,2026-01-01',
        'A4,"Wang" Wei,T1,2026-01-01',
        'A5,"",T1,2026-01-01',
      ].join('\n'),
    );
    expect(roster.members).toEqual([
      { agentId: 'A1', name: 'He said "yes", twice' },
      { agentId: 'A2', name: 'Li, Na' },
      { agentId: 'A3', name: 'Say "hi"' },
      { agentId: 'A4', name: 'Wang Wei' },
      { agentId: 'A5', name: null },
    ]);
  });

  it("keeps an agent's name from the row that has one", () => {
    const roster = parseRosterCsv('agent,team,from,to,name\nA1,T1,2026-01-01,2026-02-01,Li Na\nA1,T2,2026-02-01,,\n');
    expect(roster.members).toEqual([{ agentId: 'A1', name: 'Li Na' }]);
  });

  it.each([
    ['agent,team,from,boss\n', 1, 'boss', 'invalid_value', 'row 1: boss: not a column (agent, team, from, to, name)'],
    ['team,from\n', 1, 'agent', 'missing', 'row 1: agent: the header needs this column'],
    ['agent,from,to\n', 1, 'team', 'missing', 'row 1: team: the header needs this column'],
    ['agent,team,to,name\n', 1, 'from', 'missing', 'row 1: from: the header needs this column'],
    ['', 1, '', 'invalid_value', 'row 1: : not a column (agent, team, from, to, name)'],
    ['agent,"team,from\n', 1, 'row', 'invalid_value', 'row 1: row: a quoted field is not closed'],
    ['agent,team,from\nA1,"T1,2026-01-01\n', 2, 'row', 'invalid_value', 'row 2: row: a quoted field is not closed'],
    ['agent,team,from\nA1,T1\n', 2, 'row', 'invalid_value', 'row 2: row: expected 3 fields, got 2'],
    ['agent,team,from\n\nA1,T1,2026-01-01,x\n', 3, 'row', 'invalid_value', 'row 3: row: expected 3 fields, got 4'],
    ['agent,team,from\n,T1,2026-01-01\n', 2, 'agent', 'missing', 'row 2: agent: required'],
    ['agent,team,from\nA1,T1, \n', 2, 'from', 'missing', 'row 2: from: required'],
    ['agent,team,from\nA1,T 1,2026-01-01\n', 2, 'team', 'invalid_id', `row 2: team: ${ID_RULE}, got "T 1"`],
    [
      'agent,team,from,to\nA1,T1,2026-02-01,2026-01-31\n',
      2,
      'to',
      'invalid_range',
      'row 2: to: 2026-01-31 is not after from (2026-02-01); to is exclusive',
    ],
    [
      'agent,team,from,to\nA1,T1,2026-02-01,2026-02-30\n',
      2,
      'to',
      'invalid_date',
      'row 2: to: expected a date YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      `agent,team,from,name\nA1,T1,2026-01-01,${'n'.repeat(201)}\n`,
      2,
      'name',
      'invalid_value',
      'row 2: name: at most 200 characters',
    ],
  ])('%j is refused at row %i, field %j (%s)', (csv, row, field, code, message) => {
    expect(refusal(() => parseRosterCsv(csv))).toEqual({ row, field, code, message });
  });

  it('takes a name of exactly 200 characters', () => {
    const name = 'n'.repeat(200);
    expect(parseRosterCsv(`agent,team,from,name\nA1,T1,2026-01-01,${name}\n`).members).toEqual([
      { agentId: 'A1', name },
    ]);
  });

  it('names the overlapping row by its line, blank lines counted, and the row it overlaps', () => {
    const csv = 'agent,team,from,to\nA1,T1,2026-01-01,\n\nB1,T1,2026-01-01,\nA1,T2,2026-05-01,\n';
    expect(refusal(() => parseRosterCsv(csv))).toEqual({
      row: 5,
      field: 'from',
      code: 'overlap',
      message: 'row 5: from: A1 is already in T1 on 2026-05-01 (row 2)',
    });
    // a later membership listed first: the one starting earlier is the one overlapped
    const reversed = 'agent,team,from,to\nA1,T2,2026-05-01,\nA1,T1,2026-01-01,2026-05-02\n';
    expect(refusal(() => parseRosterCsv(reversed))).toEqual({
      row: 2,
      field: 'from',
      code: 'overlap',
      message: 'row 2: from: A1 is already in T1 on 2026-05-01 (row 3)',
    });
  });

  it(`takes at most ${MAX_ROSTER_ROWS} memberships`, () => {
    const rows = (n: number) =>
      ['agent,team,from', ...Array.from({ length: n }, (_, i) => `A${i},T1,2026-01-01`)].join('\n');
    expect(parseRosterCsv(rows(MAX_ROSTER_ROWS)).memberships).toHaveLength(MAX_ROSTER_ROWS);
    expect(refusal(() => parseRosterCsv(rows(MAX_ROSTER_ROWS + 1)))).toEqual({
      row: undefined,
      field: 'rows',
      code: 'invalid_value',
      message: 'rows: at most 20000 memberships per import',
    });
  });
});

describe('ids', () => {
  const agentOf = (agent: unknown) => parseRosterJson({ memberships: [{ agent, team: 'T1', from: '2026-01-01' }] });

  it.each(['A', 'z9', '0', 'a.b_c@d-e', 'A'.repeat(100), 'Zz09'])('%s is an id', (id) => {
    expect(agentOf(id).memberships[0]?.agentId).toBe(id);
  });

  it.each(['.A1', '_A1', '@A1', '-A1', 'A:1', 'A 1', 'A1 ', 'A/1', 'Ä1', 'A'.repeat(101)])('%j is not', (id) => {
    expect(refusal(() => agentOf(id))).toEqual({
      row: 0,
      field: 'memberships[0].agent',
      code: 'invalid_id',
      message: `row 0: memberships[0].agent: ${ID_RULE}, got ${JSON.stringify(id)}`,
    });
  });

  it.each([7, true, ['A1']])('%j is not a string', (id) => {
    expect(refusal(() => agentOf(id)).code).toBe('invalid_id');
  });

  it.each([undefined, null, ''])('%j is missing', (id) => {
    expect(refusal(() => agentOf(id))).toEqual({
      row: 0,
      field: 'memberships[0].agent',
      code: 'missing',
      message: 'row 0: memberships[0].agent: required',
    });
  });
});

describe('a JSON roster', () => {
  const one = { agent: 'A1', team: 'T1', from: '2026-01-01' };

  it('reads open memberships (to absent, null or empty), listed teams first, then those only memberships name', () => {
    const roster = parseRosterJson({
      memberships: [
        { ...one, to: '2026-02-01' },
        { agent: 'A1', team: 'T3', from: '2026-02-01', to: null },
        { agent: 'A2', team: 'T2', from: '2026-01-01', to: '' },
        { agent: 'A3', team: 'T2', from: '2026-01-01' },
      ],
      members: [{ agent: 'A3', name: null }, { agent: 'A4' }],
      teams: [
        { team: 'T2', name: null },
        { team: 'T9', name: 'Night', managers: null },
      ],
    });
    expect(roster.memberships.map((m) => m.to)).toEqual(['2026-02-01', null, null, null]);
    expect(roster.teams).toEqual([
      { teamId: 'T2', name: null, managers: [] },
      { teamId: 'T9', name: 'Night', managers: [] },
      { teamId: 'T1', name: null, managers: [] },
      { teamId: 'T3', name: null, managers: [] },
    ]);
    expect(roster.members).toEqual([
      { agentId: 'A1', name: null },
      { agentId: 'A2', name: null },
      { agentId: 'A3', name: null },
      { agentId: 'A4', name: null },
    ]);
  });

  it('takes names and manager subjects of exactly 200 characters, and an empty roster', () => {
    const long = 'm'.repeat(200);
    const roster = parseRosterJson({
      memberships: [one],
      members: [{ agent: 'A1', name: long }],
      teams: [{ team: 'T1', name: long, managers: [long, 'm@T1', long] }],
    });
    expect(roster.members).toEqual([{ agentId: 'A1', name: long }]);
    expect(roster.teams).toEqual([{ teamId: 'T1', name: long, managers: [long, 'm@T1'] }]);
    expect(parseRosterJson({ memberships: [] })).toEqual({ members: [], teams: [], memberships: [] });
  });

  it.each<[unknown, number | undefined, string, string, string]>([
    [null, undefined, 'body', 'invalid_value', 'body: expected an object'],
    ['roster', undefined, 'body', 'invalid_value', 'body: expected an object'],
    [[one], undefined, 'body', 'invalid_value', 'body: expected an object'],
    [{}, undefined, 'memberships', 'missing', 'memberships: expected a list of memberships'],
    [{ memberships: one }, undefined, 'memberships', 'missing', 'memberships: expected a list of memberships'],
    [{ memberships: [one, null] }, undefined, 'memberships[1]', 'invalid_value', 'memberships[1]: expected an object'],
    [{ memberships: [one, []] }, undefined, 'memberships[1]', 'invalid_value', 'memberships[1]: expected an object'],
    [
      { memberships: [one, { ...one, agent: 'A2', team: undefined }] },
      1,
      'memberships[1].team',
      'missing',
      'row 1: memberships[1].team: required',
    ],
    [
      { memberships: [{ ...one, from: 20260101 }] },
      0,
      'memberships[0].from',
      'invalid_date',
      'row 0: memberships[0].from: expected a date YYYY-MM-DD, got 20260101',
    ],
    [
      { memberships: [{ ...one, from: ['2026-01-01'] }] },
      0,
      'memberships[0].from',
      'invalid_date',
      'row 0: memberships[0].from: expected a date YYYY-MM-DD, got ["2026-01-01"]',
    ],
    [
      { memberships: [{ ...one, from: null }] },
      0,
      'memberships[0].from',
      'missing',
      'row 0: memberships[0].from: required',
    ],
    [
      { memberships: [{ ...one, to: '2026-01-01' }] },
      0,
      'memberships[0].to',
      'invalid_range',
      'row 0: memberships[0].to: 2026-01-01 is not after from (2026-01-01); to is exclusive',
    ],
    [
      { memberships: [one, { ...one, team: 'T2', from: '2026-03-01' }] },
      1,
      'from',
      'overlap',
      'row 1: from: A1 is already in T1 on 2026-03-01 (row 0)',
    ],
    [{ memberships: [one], members: {} }, undefined, 'members', 'invalid_value', 'members: expected a list'],
    [
      { memberships: [one], members: ['A1'] },
      undefined,
      'members[0]',
      'invalid_value',
      'members[0]: expected an object',
    ],
    [
      { memberships: [one], members: [{ name: 'X' }] },
      undefined,
      'members[0].agent',
      'missing',
      'members[0].agent: required',
    ],
    [
      { memberships: [one], members: [{ agent: 'A1', name: 7 }] },
      undefined,
      'members[0].name',
      'invalid_value',
      'members[0].name: expected a name of at most 200 characters',
    ],
    [
      { memberships: [one], members: [{ agent: 'A1', name: 'n'.repeat(201) }] },
      undefined,
      'members[0].name',
      'invalid_value',
      'members[0].name: expected a name of at most 200 characters',
    ],
    [{ memberships: [one], teams: 'T1' }, undefined, 'teams', 'invalid_value', 'teams: expected a list'],
    [{ memberships: [one], teams: [7] }, undefined, 'teams[0]', 'invalid_value', 'teams[0]: expected an object'],
    [{ memberships: [one], teams: [{ name: 'X' }] }, undefined, 'teams[0].team', 'missing', 'teams[0].team: required'],
    [
      { memberships: [one], teams: [{ team: 'T1', name: ['X'] }] },
      undefined,
      'teams[0].name',
      'invalid_value',
      'teams[0].name: expected a name of at most 200 characters',
    ],
    [
      { memberships: [one], teams: [{ team: 'T1', managers: 'm@T1' }] },
      undefined,
      'teams[0].managers',
      'invalid_value',
      'teams[0].managers: expected a list',
    ],
    ...[7, '', 'm'.repeat(201)].map((manager): [unknown, undefined, string, string, string] => [
      { memberships: [one], teams: [{ team: 'T0' }, { team: 'T1', managers: ['m@T1', manager] }] },
      undefined,
      'teams[1].managers[1]',
      'invalid_value',
      'teams[1].managers[1]: expected a subject of at most 200 characters',
    ]),
  ])('%j is refused', (body, row, field, code, message) => {
    expect(refusal(() => parseRosterJson(body))).toEqual({ row, field, code, message });
  });

  it(`takes at most ${MAX_ROSTER_ROWS} memberships, members and teams`, () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ agent: `A${i}`, team: `T${i}`, from: '2026-01-01' }));
    expect(parseRosterJson({ memberships: many(MAX_ROSTER_ROWS) }).memberships).toHaveLength(MAX_ROSTER_ROWS);
    expect(refusal(() => parseRosterJson({ memberships: many(MAX_ROSTER_ROWS + 1) }))).toEqual({
      row: undefined,
      field: 'memberships',
      code: 'invalid_value',
      message: 'memberships: at most 20000 memberships per import',
    });
    const members = many(MAX_ROSTER_ROWS);
    const teams = members.map(({ team }) => ({ team }));
    const full = parseRosterJson({ memberships: [], members, teams });
    expect([full.members.length, full.teams.length]).toEqual([MAX_ROSTER_ROWS, MAX_ROSTER_ROWS]);
    expect(refusal(() => parseRosterJson({ memberships: [], members: many(MAX_ROSTER_ROWS + 1) }))).toEqual({
      row: undefined,
      field: 'members',
      code: 'invalid_value',
      message: 'members: at most 20000 entries',
    });
  });
});

describe('directory moves', () => {
  it('reads a list or { moves }, a team null or absent as leaving, names when given', () => {
    const moves = [
      { agent: 'A1', team: 'T2', from: '2026-03-01', name: 'Li Na' },
      { agent: 'A2', team: null, from: '2026-03-01', name: null },
      { agent: 'A3', from: '2026-03-01' },
    ];
    const expected = [
      { agentId: 'A1', teamId: 'T2', from: '2026-03-01', name: 'Li Na' },
      { agentId: 'A2', teamId: null, from: '2026-03-01' },
      { agentId: 'A3', teamId: null, from: '2026-03-01' },
    ];
    expect(parseMoves(moves)).toStrictEqual(expected);
    expect(parseMoves({ moves })).toStrictEqual(expected);
  });

  it.each<[unknown, string, string, string]>([
    [null, 'body', 'invalid_value', 'body: expected an object'],
    [{}, 'moves', 'missing', 'moves: expected a non-empty list of moves'],
    [[], 'moves', 'missing', 'moves: expected a non-empty list of moves'],
    [{ moves: [] }, 'moves', 'missing', 'moves: expected a non-empty list of moves'],
    [{ moves: 'A1' }, 'moves', 'missing', 'moves: expected a non-empty list of moves'],
    [['A1'], 'moves[0]', 'invalid_value', 'moves[0]: expected an object'],
    [[{ team: 'T1', from: '2026-03-01' }], 'moves[0].agent', 'missing', 'moves[0].agent: required'],
    [
      [{ agent: 'A1', team: 'T:1', from: '2026-03-01' }],
      'moves[0].team',
      'invalid_id',
      `moves[0].team: ${ID_RULE}, got "T:1"`,
    ],
    [[{ agent: 'A1', team: '', from: '2026-03-01' }], 'moves[0].team', 'missing', 'moves[0].team: required'],
    [
      [
        { agent: 'A1', team: 'T1', from: '2026-03-01' },
        { agent: 'A1', team: 'T1', from: 'today' },
      ],
      'moves[1].from',
      'invalid_date',
      'moves[1].from: expected a date YYYY-MM-DD, got "today"',
    ],
    [
      [{ agent: 'A1', team: 'T1', from: '2026-03-01', name: 7 }],
      'moves[0].name',
      'invalid_value',
      'moves[0].name: expected a name of at most 200 characters',
    ],
  ])('%j is refused', (body, field, code, message) => {
    expect(refusal(() => parseMoves(body))).toEqual({ row: undefined, field, code, message });
  });

  it(`takes at most ${MAX_MOVES} moves in one call`, () => {
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ agent: `A${i}`, team: 'T1', from: '2026-03-01' }));
    expect(parseMoves(many(MAX_MOVES))).toHaveLength(MAX_MOVES);
    expect(refusal(() => parseMoves(many(MAX_MOVES + 1)))).toEqual({
      row: undefined,
      field: 'moves',
      code: 'invalid_value',
      message: 'moves: at most 1000 moves per call',
    });
  });

  it('supersedes a membership starting on the move day, keeps one ending on it, sorts by agent then day', () => {
    const current: Membership[] = [
      { agentId: 'B1', teamId: 'T1', from: '2026-01-01', to: '2026-06-01' },
      { agentId: 'B1', teamId: 'T2', from: '2026-06-01', to: null },
      { agentId: 'A1', teamId: 'T1', from: '2026-06-01', to: null },
      { agentId: 'A1', teamId: 'T5', from: '2026-01-01', to: '2026-06-01' },
    ];
    expect(applyMoves(current, parseMoves([{ agent: 'B1', team: 'T3', from: '2026-06-01' }]))).toEqual([
      { agentId: 'A1', teamId: 'T5', from: '2026-01-01', to: '2026-06-01' },
      { agentId: 'A1', teamId: 'T1', from: '2026-06-01', to: null },
      { agentId: 'B1', teamId: 'T1', from: '2026-01-01', to: '2026-06-01' },
      { agentId: 'B1', teamId: 'T3', from: '2026-06-01', to: null },
    ]);
  });

  it('ends the membership that holds on the move day, not an earlier one that has ended', () => {
    const current: Membership[] = [
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-03-01' },
      { agentId: 'A1', teamId: 'T2', from: '2026-03-01', to: null },
    ];
    expect(applyMoves(current, parseMoves([{ agent: 'A1', team: 'T3', from: '2026-06-01' }]))).toEqual([
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-03-01' },
      { agentId: 'A1', teamId: 'T2', from: '2026-03-01', to: '2026-06-01' },
      { agentId: 'A1', teamId: 'T3', from: '2026-06-01', to: null },
    ]);
    // leaving: the open membership ends, and nothing opens
    expect(applyMoves(current, parseMoves([{ agent: 'A1', team: null, from: '2026-06-01' }]))).toEqual([
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-03-01' },
      { agentId: 'A1', teamId: 'T2', from: '2026-03-01', to: '2026-06-01' },
    ]);
  });

  it('leaves the memberships it was given as they were', () => {
    const current: Membership[] = [{ agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: null }];
    const next = applyMoves(current, parseMoves([{ agent: 'A1', team: 'T2', from: '2026-03-01' }]));
    expect(next).toEqual([
      { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-03-01' },
      { agentId: 'A1', teamId: 'T2', from: '2026-03-01', to: null },
    ]);
    expect(current).toEqual([{ agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: null }]);
  });
});
