// The roster of record: who works in which team, and from when to when. An org's admins import it (or
// an HR directory sends its moves); access decisions read it, never event payloads.

// A membership holds from `from` (a date, YYYY-MM-DD, in the org's time zone) until `to`, the first day
// no longer in the team (exclusive), or open (null). An agent is in at most one team on any day.
export interface Membership {
  agentId: string;
  teamId: string;
  from: string;
  to: string | null;
}

export interface RosterMember {
  agentId: string;
  name: string | null;
}

export interface RosterTeam {
  teamId: string;
  name: string | null;
  managers: string[]; // the subjects of the team's managers (informational: access follows the token's teams)
}

// A whole roster, as imported: it replaces the org's roster.
export interface RosterImport {
  members: RosterMember[];
  teams: RosterTeam[];
  memberships: Membership[];
}

// A move an HR directory announces: from that day the agent works in `teamId` (null: leaves the org's
// teams). It supersedes what the roster planned from that day on.
export interface RosterMove {
  agentId: string;
  teamId: string | null;
  from: string;
  name?: string;
}

// What an event may name that the roster does not know: accept it (counted, granting nobody anything) or
// reject it (code unknown_member).
export type UnknownMemberPolicy = 'accept' | 'reject';
export const UNKNOWN_MEMBER_POLICIES: readonly UnknownMemberPolicy[] = ['accept', 'reject'];

// What access and ingest need of an org's roster, read at once: each agent's team on the day, every
// agent and team the roster knows (any day), the unknown-member policy.
export interface RosterSnapshot {
  orgId: string;
  day: string; // the date the teams are of, in the org's zone
  teamOf: ReadonlyMap<string, string>;
  agents: ReadonlySet<string>;
  teams: ReadonlySet<string>;
  policy: UnknownMemberPolicy;
}

export type RosterErrorCode = 'missing' | 'invalid_id' | 'invalid_date' | 'invalid_range' | 'overlap' | 'invalid_value';

// A bad roster: the row (CSV: its line, the header being line 1; JSON: its index), the field, a code.
export class RosterError extends Error {
  constructor(
    readonly field: string,
    readonly code: RosterErrorCode,
    why: string,
    readonly row?: number,
  ) {
    super(`${row === undefined ? '' : `row ${row}: `}${field}: ${why}`);
  }
}

export const MAX_ROSTER_ROWS = 20_000; // memberships in one import
export const MAX_MOVES = 1_000; // moves in one directory sync call
const ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/; // no ':' (room names), no spaces
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRosterDate(text: string): boolean {
  const m = DATE.exec(text);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

// The roster of a CSV file: a header naming the columns agent, team, from, and optionally to and name
// (the agent's display name), in any order; a row per membership. Quoted fields ("…", "" for a quote)
// may hold commas.
export function parseRosterCsv(text: string): RosterImport {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '', 1).map((h) => h.trim().toLowerCase());
  const known = ['agent', 'team', 'from', 'to', 'name'];
  for (const h of header)
    if (!known.includes(h)) throw new RosterError(h, 'invalid_value', `not a column (${known.join(', ')})`, 1);
  for (const h of ['agent', 'team', 'from'])
    if (!header.includes(h)) throw new RosterError(h, 'missing', 'the header needs this column', 1);
  const rows: { line: number; cells: Record<string, string> }[] = [];
  lines.forEach((line, i) => {
    if (i === 0 || line.trim() === '') return;
    const values = splitCsvLine(line, i + 1);
    if (values.length !== header.length)
      throw new RosterError('row', 'invalid_value', `expected ${header.length} fields, got ${values.length}`, i + 1);
    rows.push({ line: i + 1, cells: Object.fromEntries(header.map((h, j) => [h, (values[j] ?? '').trim()])) });
  });
  if (rows.length > MAX_ROSTER_ROWS)
    throw new RosterError('rows', 'invalid_value', `at most ${MAX_ROSTER_ROWS} memberships per import`);
  const names = new Map<string, string>();
  const memberships = rows.map(({ line, cells }) => {
    const m = membershipOf(cells, line, (f) => f);
    const name = cells.name ?? '';
    if (name.length > 200) throw new RosterError('name', 'invalid_value', 'at most 200 characters', line);
    if (name !== '') names.set(m.agentId, name);
    return m;
  });
  return assemble(
    memberships,
    names,
    [],
    (i) => rows[i]?.line ?? i,
    (f) => f,
  );
}

// The roster of a JSON body: { memberships: [{ agent, team, from, to? }], members?: [{ agent, name? }],
// teams?: [{ team, name?, managers? }] }.
export function parseRosterJson(body: unknown): RosterImport {
  const b = objectOf(body, 'body');
  if (!Array.isArray(b.memberships)) throw new RosterError('memberships', 'missing', 'expected a list of memberships');
  if (b.memberships.length > MAX_ROSTER_ROWS)
    throw new RosterError('memberships', 'invalid_value', `at most ${MAX_ROSTER_ROWS} memberships per import`);
  const memberships = (b.memberships as unknown[]).map((m, i) =>
    membershipOf(objectOf(m, `memberships[${i}]`), i, (f) => `memberships[${i}].${f}`),
  );
  const names = new Map<string, string>();
  const listed: string[] = [];
  listOf(b.members, 'members').forEach((raw, i) => {
    const m = objectOf(raw, `members[${i}]`);
    const agentId = idOf(m.agent, `members[${i}].agent`);
    listed.push(agentId);
    if (m.name !== undefined && m.name !== null) names.set(agentId, nameOf(m.name, `members[${i}].name`));
  });
  const teams = listOf(b.teams, 'teams').map((raw, i): RosterTeam => {
    const t = objectOf(raw, `teams[${i}]`);
    const managers = listOf(t.managers, `teams[${i}].managers`).map((s, j) => {
      if (typeof s !== 'string' || s === '' || s.length > 200)
        throw new RosterError(
          `teams[${i}].managers[${j}]`,
          'invalid_value',
          'expected a subject of at most 200 characters',
        );
      return s;
    });
    const name = t.name === undefined || t.name === null ? null : nameOf(t.name, `teams[${i}].name`);
    return { teamId: idOf(t.team, `teams[${i}].team`), name, managers: [...new Set(managers)] };
  });
  return assemble(
    memberships,
    names,
    teams,
    (i) => i,
    (f) => f,
    listed,
  );
}

// The moves of a directory sync call: [{ agent, team, from, name? }] or { moves: [...] }; team null
// (or absent) means the agent leaves.
export function parseMoves(body: unknown): RosterMove[] {
  const list = Array.isArray(body) ? body : objectOf(body, 'body').moves;
  if (!Array.isArray(list) || list.length === 0)
    throw new RosterError('moves', 'missing', 'expected a non-empty list of moves');
  if (list.length > MAX_MOVES) throw new RosterError('moves', 'invalid_value', `at most ${MAX_MOVES} moves per call`);
  return (list as unknown[]).map((raw, i) => {
    const m = objectOf(raw, `moves[${i}]`);
    const move: RosterMove = {
      agentId: idOf(m.agent, `moves[${i}].agent`),
      teamId: m.team === undefined || m.team === null ? null : idOf(m.team, `moves[${i}].team`),
      from: dateOf(m.from, `moves[${i}].from`),
    };
    if (m.name !== undefined && m.name !== null) move.name = nameOf(m.name, `moves[${i}].name`);
    return move;
  });
}

// One agent's memberships after moves (in the order given): each cuts what held from its day on and,
// unless the agent leaves, opens a membership there (or keeps the one that already holds, same team).
export function applyMoves(current: readonly Membership[], moves: readonly RosterMove[]): Membership[] {
  let rows = current.map((r) => ({ ...r })); // copies: the caller's rows keep their ends
  for (const move of moves) {
    rows = rows.filter((r) => r.agentId !== move.agentId || r.from < move.from);
    const holding = rows.find((r) => r.agentId === move.agentId && (r.to === null || r.to > move.from));
    if (holding !== undefined && holding.teamId === move.teamId) {
      holding.to = null;
      continue;
    }
    if (holding !== undefined) holding.to = move.from;
    if (move.teamId !== null) rows.push({ agentId: move.agentId, teamId: move.teamId, from: move.from, to: null });
  }
  return rows.sort((a, b) => a.agentId.localeCompare(b.agentId) || a.from.localeCompare(b.from));
}

// The memberships holding on a day.
export function membershipsOn(memberships: readonly Membership[], day: string): Membership[] {
  return memberships.filter((m) => m.from <= day && (m.to === null || m.to > day));
}

// The agent and team ids an event names that the roster does not know.
export function unknownMembersOf(
  data: { agentId?: string; teamId?: string },
  roster: RosterSnapshot,
): { kind: 'agent' | 'team'; id: string; field: string }[] {
  const unknown: { kind: 'agent' | 'team'; id: string; field: string }[] = [];
  if (data.agentId !== undefined && !roster.agents.has(data.agentId))
    unknown.push({ kind: 'agent', id: data.agentId, field: 'data.agentId' });
  if (data.teamId !== undefined && !roster.teams.has(data.teamId))
    unknown.push({ kind: 'team', id: data.teamId, field: 'data.teamId' });
  return unknown;
}

function membershipOf(cells: Record<string, unknown>, row: number, field: (f: string) => string): Membership {
  const agentId = idOf(cells.agent, field('agent'), row);
  const teamId = idOf(cells.team, field('team'), row);
  const from = dateOf(cells.from, field('from'), row);
  const rawTo = cells.to;
  const to = rawTo === undefined || rawTo === null || rawTo === '' ? null : dateOf(rawTo, field('to'), row);
  if (to !== null && to <= from)
    throw new RosterError(field('to'), 'invalid_range', `${to} is not after from (${from}); to is exclusive`, row);
  return { agentId, teamId, from, to };
}

// The import's members and teams (every one a membership names, and those listed), after checking that
// no agent is in two teams on one day.
function assemble(
  memberships: Membership[],
  names: ReadonlyMap<string, string>,
  teams: RosterTeam[],
  rowOf: (index: number) => number,
  field: (f: string) => string,
  extraAgents: readonly string[] = [],
): RosterImport {
  const order = memberships
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.agentId.localeCompare(b.m.agentId) || a.m.from.localeCompare(b.m.from));
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1];
    const next = order[k];
    if (prev === undefined || next === undefined || prev.m.agentId !== next.m.agentId) continue;
    if (prev.m.to === null || prev.m.to > next.m.from)
      throw new RosterError(
        field('from'),
        'overlap',
        `${next.m.agentId} is already in ${prev.m.teamId} on ${next.m.from} (row ${rowOf(prev.i)})`,
        rowOf(next.i),
      );
  }
  const agentIds = new Set([...memberships.map((m) => m.agentId), ...extraAgents]);
  const members = [...agentIds].map((agentId) => ({ agentId, name: names.get(agentId) ?? null }));
  const listed = new Map(teams.map((t) => [t.teamId, t]));
  for (const m of memberships)
    if (!listed.has(m.teamId)) listed.set(m.teamId, { teamId: m.teamId, name: null, managers: [] });
  return { members, teams: [...listed.values()], memberships };
}

function splitCsvLine(line: string, row: number): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  if (quoted) throw new RosterError('row', 'invalid_value', 'a quoted field is not closed', row);
  out.push(cell);
  return out;
}

function objectOf(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new RosterError(field, 'invalid_value', 'expected an object');
  return value as Record<string, unknown>;
}

function listOf(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RosterError(field, 'invalid_value', 'expected a list');
  if (value.length > MAX_ROSTER_ROWS)
    throw new RosterError(field, 'invalid_value', `at most ${MAX_ROSTER_ROWS} entries`);
  return value;
}

function idOf(value: unknown, field: string, row?: number): string {
  if (value === undefined || value === null || value === '') throw new RosterError(field, 'missing', 'required', row);
  if (typeof value !== 'string' || !ID.test(value))
    throw new RosterError(
      field,
      'invalid_id',
      `expected an id of letters, digits, '.', '_', '@' or '-' (at most 100), got ${JSON.stringify(value)}`,
      row,
    );
  return value;
}

function dateOf(value: unknown, field: string, row?: number): string {
  if (value === undefined || value === null || value === '') throw new RosterError(field, 'missing', 'required', row);
  if (typeof value !== 'string' || !isRosterDate(value))
    throw new RosterError(field, 'invalid_date', `expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`, row);
  return value;
}

function nameOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 200)
    throw new RosterError(field, 'invalid_value', 'expected a name of at most 200 characters');
  return value;
}
