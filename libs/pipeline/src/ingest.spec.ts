import { describe, expect, it } from 'vitest';
import type { RosterSnapshot, UnknownMemberPolicy } from '#libs/access';
import type { DefinitionSet } from '#libs/definitions';
import type { AppendOutcome, LogRecord } from '#libs/event-log';
import { ingest, type Rejection, type UnknownMemberSighting } from './ingest';

const definitions: DefinitionSet = {
  orgs: [{ id: '*', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} }],
  indicators: [],
  scorecards: [],
};
const source = { id: 's1', orgId: 'O1', uri: 'ticketing/zendesk', name: 'Zendesk', eventTypes: ['ticket.solved'] };
const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const solved = (id: string, teamId: string, agentId: string) => ({
  specversion: '1.0',
  id,
  source: 'ticketing/zendesk',
  type: 'ticket.solved',
  time: '2026-12-01T09:00:00+08:00',
  data: { orgId: 'O1', teamId, agentId, ticketId: `k-${id}`, contacts: 1, handleSeconds: 60, resolutionSeconds: 90 },
});
const rosterOf = (policy: UnknownMemberPolicy): RosterSnapshot => ({
  orgId: 'O1',
  day: '2026-12-01',
  teamOf: new Map([['A1', 'T1']]),
  agents: new Set(['A1']),
  teams: new Set(['T1']),
  policy,
});

// ingest with a log that takes each (source, id) once, and the sinks it writes to
function run(items: unknown[], policy: UnknownMemberPolicy, taken = new Set<string>()) {
  const dead: Rejection[] = [];
  const unknown: UnknownMemberSighting[] = [];
  const log = {
    append: (records: readonly LogRecord[]): Promise<AppendOutcome[]> =>
      Promise.resolve(
        records.map(({ event }, i) => {
          const first = !taken.has(event.id);
          taken.add(event.id);
          return { status: first ? 'appended' : 'duplicate', offset: i };
        }),
      ),
  };
  const outcomes = ingest(items, {
    log,
    rejections: { record: (r) => Promise.resolve(void dead.push(...r)) },
    definitions,
    source,
    time: { now: () => NOW, toleranceMs: 300_000 },
    roster: {
      snapshot: rosterOf(policy),
      unknown: { record: (_org, seen) => Promise.resolve(void unknown.push(...seen)) },
    },
  });
  return { outcomes, dead, unknown };
}

describe('ingest and the roster of record', () => {
  it("accepts unknown members under 'accept' and counts each once, a repeat not again", async () => {
    const taken = new Set<string>();
    const first = run([solved('e1', 'T1', 'A1'), solved('e2', 'T9', 'A9'), solved('e3', 'T1', 'A9')], 'accept', taken);
    expect((await first.outcomes).map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(first.unknown).toEqual([
      { kind: 'agent', id: 'A9', events: 2 },
      { kind: 'team', id: 'T9', events: 1 },
    ]);
    const again = run([solved('e2', 'T9', 'A9')], 'accept', taken);
    expect((await again.outcomes)[0]?.status).toBe('duplicate');
    expect(again.unknown).toEqual([]);
  });

  it("refuses unknown members under 'reject' with code unknown_member, naming the field", async () => {
    const { outcomes, dead, unknown } = run(
      [solved('e1', 'T1', 'A1'), solved('e2', 'T1', 'A9'), solved('e3', 'T9', 'A1')],
      'reject',
    );
    expect(await outcomes).toMatchObject([
      { status: 'accepted' },
      {
        status: 'rejected',
        field: 'data.agentId',
        code: 'unknown_member',
        reason: 'data.agentId: agent A9 is not in the roster of O1',
      },
      { status: 'rejected', field: 'data.teamId', code: 'unknown_member' },
    ]);
    expect(dead.map((d) => d.code)).toEqual(['unknown_member', 'unknown_member']);
    expect(unknown).toEqual([]);
  });

  it("a source's refusal comes first", async () => {
    const other = { ...solved('e1', 'T9', 'A9'), source: 'crm/hubspot' };
    const [outcome] = await run([other], 'reject').outcomes;
    expect(outcome).toMatchObject({ status: 'rejected', code: 'source_mismatch' });
  });
});
