import { describe, expect, it } from 'vitest';
import { AlertInputError, checkScope, parseRoutingFields, parseSilence } from './alert-input';
import type { SubscriptionOwner } from './subscription';

const NOW = Date.parse('2026-12-01T10:00:00+08:00');
const manager: SubscriptionOwner = { subject: 'm', role: 'manager', orgId: 'O1', teams: ['T1', 'T2'], agentId: null };
const agent: SubscriptionOwner = { subject: 'a', role: 'agent', orgId: 'O1', teams: ['T1'], agentId: 'A1' };
const admin: SubscriptionOwner = { subject: 'x', role: 'admin', orgId: 'O1', teams: [], agentId: null };

// the field and code a read refuses with
function refusal(read: () => unknown): [string, string] | null {
  try {
    read();
    return null;
  } catch (err) {
    if (err instanceof AlertInputError) return [err.field, err.code];
    throw err;
  }
}

describe('subscription and silence input', () => {
  it('fills the Alertmanager defaults and keeps a PATCH’s untouched fields', () => {
    const fields = parseRoutingFields({ language: 'zh', matchers: { team: ['T1'], severity: 'critical' } });
    expect(fields).toEqual({
      matchers: { team: ['T1'], severity: 'critical' },
      language: 'zh',
      groupBy: ['team'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      quietHours: null,
    });
    const patched = parseRoutingFields({ quietHours: { from: '22:00', to: '08:00' } }, fields);
    expect(patched).toEqual({ ...fields, quietHours: { from: '22:00', to: '08:00' } });
  });

  it('names the field at fault', () => {
    expect(refusal(() => parseRoutingFields({}))).toEqual(['language', 'missing']);
    expect(refusal(() => parseRoutingFields({ language: 'en', matchers: { kind: 'loud' } }))).toEqual([
      'matchers.kind',
      'invalid',
    ]);
    expect(refusal(() => parseRoutingFields({ language: 'en', matchers: { team: [] } }))).toEqual([
      'matchers.team',
      'invalid',
    ]);
    expect(refusal(() => parseRoutingFields({ language: 'en', groupBy: ['team', 'team'] }))).toEqual([
      'groupBy',
      'invalid',
    ]);
    expect(refusal(() => parseRoutingFields({ language: 'en', groupIntervalMs: 1.5 }))).toEqual([
      'groupIntervalMs',
      'invalid',
    ]);
    expect(refusal(() => parseRoutingFields({ language: 'en', quietHours: { from: '7:00', to: '08:00' } }))).toEqual([
      'quietHours.from',
      'invalid',
    ]);
  });

  it('keeps each role to its scope, and everyone to their org', () => {
    expect(refusal(() => checkScope(manager, { team: ['T1', 'T2'], severity: 'critical' }))).toBeNull();
    expect(refusal(() => checkScope(manager, { team: ['T1', 'T3'] }))).toEqual(['matchers.team', 'forbidden']);
    expect(refusal(() => checkScope(manager, { kpi: 'csat' }))).toEqual(['matchers.team', 'forbidden']);
    // an agent matcher: the roster says whose team they are in
    const roster = new Map([
      ['A1', 'T1'],
      ['A9', 'T9'],
    ]);
    const teamOf = (a: string) => roster.get(a);
    expect(refusal(() => checkScope(manager, { agent: 'A1' }, teamOf))).toBeNull();
    expect(refusal(() => checkScope(manager, { agent: ['A1', 'A9'] }, teamOf))).toEqual([
      'matchers.agent',
      'forbidden',
    ]);
    expect(refusal(() => checkScope(manager, { agent: 'A7' }, teamOf))).toEqual(['matchers.agent', 'forbidden']);
    expect(refusal(() => checkScope(agent, { agent: 'A1', kpi: 'csat' }))).toBeNull();
    expect(refusal(() => checkScope(agent, { agent: ['A1', 'A2'] }))).toEqual(['matchers.agent', 'forbidden']);
    expect(refusal(() => checkScope(agent, { team: 'T1' }))).toEqual(['matchers.agent', 'forbidden']);
    expect(refusal(() => checkScope(admin, {}))).toBeNull();
    expect(refusal(() => checkScope(admin, { org: ['O1', 'O2'] }))).toEqual(['matchers.org', 'forbidden']);
  });

  it('a silence needs a matcher, an end after now within a year, and a reason', () => {
    const ok = parseSilence({ matchers: { team: 'T1' }, endsAt: '2026-12-01T12:00:00+08:00', comment: ' drill ' }, NOW);
    expect(ok).toEqual({ matchers: { team: 'T1' }, startsAt: NOW, endsAt: NOW + 2 * 3_600_000, comment: 'drill' });
    const end = '2026-12-01T12:00:00Z';
    expect(refusal(() => parseSilence({ matchers: {}, endsAt: end, comment: 'x' }, NOW))).toEqual([
      'matchers',
      'invalid',
    ]);
    expect(refusal(() => parseSilence({ matchers: { team: 'T1' }, endsAt: '2026-12-01', comment: 'x' }, NOW))).toEqual([
      'endsAt',
      'invalid',
    ]);
    expect(
      refusal(() => parseSilence({ matchers: { team: 'T1' }, endsAt: '2028-01-01T00:00:00Z', comment: 'x' }, NOW)),
    ).toEqual(['endsAt', 'out_of_range']);
    expect(refusal(() => parseSilence({ matchers: { team: 'T1' }, endsAt: end, comment: '  ' }, NOW))).toEqual([
      'comment',
      'invalid',
    ]);
    expect(refusal(() => parseSilence({ matchers: { team: 'T1' }, endsAt: end, comment: 'x', by: 'me' }, NOW))).toEqual(
      ['by', 'unknown_field'],
    );
  });
});
