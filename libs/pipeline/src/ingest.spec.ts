import { describe, expect, it } from 'vitest';
import type { RosterSnapshot, UnknownMemberPolicy } from '#libs/access';
import type { DefinitionSet } from '#libs/definitions';
import type { AppendOutcome, LogRecord } from '#libs/event-log';
import { DEFAULT_INGEST_LIMITS, ingest, type IngestLimits, type Rejection, type UnknownMemberSighting } from './ingest';

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
function run(
  items: unknown[],
  policy: UnknownMemberPolicy,
  taken = new Set<string>(),
  limits: IngestLimits = DEFAULT_INGEST_LIMITS,
) {
  const dead: Rejection[] = [];
  const unknown: UnknownMemberSighting[] = [];
  // a log that takes each (source, id) once; the dead letters asked for once it answered
  const store = {
    commit: (records: readonly LogRecord[], deadLettersOf: (a: readonly AppendOutcome[]) => Rejection[]) => {
      const appended = records.map(({ event }, i): AppendOutcome => {
        const first = !taken.has(event.id);
        taken.add(event.id);
        return { status: first ? 'appended' : 'duplicate', offset: i };
      });
      dead.push(...deadLettersOf(appended));
      return Promise.resolve(appended);
    },
  };
  const outcomes = ingest(items, {
    store,
    definitions,
    source,
    time: { now: () => NOW, toleranceMs: 300_000 },
    limits,
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

describe('ingest within its bounds', () => {
  it('rejects an event over the bytes per event as too_large, its dead letter cut to the bound', async () => {
    const big = { ...solved('e1', 'T1', 'A1'), padding: 'x'.repeat(5000) };
    const { outcomes, dead } = run([big, solved('e2', 'T1', 'A1')], 'accept', new Set(), {
      maxEventBytes: 1000,
      maxDeadLetters: 10,
    });
    const [large, fine] = await outcomes;
    expect(large).toMatchObject({ status: 'rejected', field: 'event', code: 'too_large' });
    expect(large?.reason).toMatch(/^event: 52\d\d bytes, over the limit of 1000 bytes per event$/);
    expect(fine?.status).toBe('accepted');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.payload).toMatch(/^\{"specversion".{980,}… \[cut: 52\d\d characters in all\]$/);
  });

  it('keeps at most maxDeadLetters dead letters and one summary for the rest, and answers every outcome', async () => {
    const items = Array.from({ length: 25 }, () => 1);
    const { outcomes, dead } = run(items, 'accept', new Set(), { maxEventBytes: 1000, maxDeadLetters: 10 });
    const answered = await outcomes;
    expect(answered).toHaveLength(25);
    expect(answered.every((o) => o.status === 'rejected' && o.code === 'invalid_type')).toBe(true);
    expect(dead).toHaveLength(11);
    expect(dead[10]).toEqual({
      source: 'ticketing/zendesk',
      field: 'request',
      code: 'too_many_rejections',
      reason:
        'request: 15 more rejected events are not kept one by one (over 10 dead letters per request); their outcomes were answered',
      payload: '{"notKept":15,"byCode":{"invalid_type":15}}',
    });
  });

  it('keeps dead letters Postgres can store: NUL and lone surrogates escaped, the id echoed only when storable', async () => {
    const line = `{"id": "x\u0000", "bad": "\udc00"}\u0000`;
    const nul = { ...solved('e\u0000', 'T1', 'A1') };
    const { outcomes, dead } = run([line, nul], 'accept');
    const [first, second] = await outcomes;
    expect(first).toMatchObject({ status: 'rejected', field: 'event', code: 'invalid_json' });
    expect(second).toMatchObject({ status: 'rejected', field: 'id', code: 'nul_character' });
    expect(second?.id).toBeUndefined();
    for (const d of dead) {
      for (const text of [d.field, d.reason, d.payload, d.eventId ?? '']) {
        expect(text.includes('\u0000')).toBe(false);
        expect(/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))).toBe(false);
      }
    }
    expect(dead[0]?.payload).toBe('{"id": "x\\u0000", "bad": "\\udc00"}\\u0000');
  });
});
