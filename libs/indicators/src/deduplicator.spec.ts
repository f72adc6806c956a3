import { describe, expect, it } from 'vitest';
import type { IndicatorDef, OrgSettings } from '#libs/definitions';
import type { CanonicalEvent } from '#libs/events';
import { Deduplicator } from './deduplicator';
import type { EngineSnapshotV2 } from './engine-snapshot';
import { IndicatorEngine } from './indicator-engine';

const DAY = 86_400_000;

const ORGS: OrgSettings[] = [{ id: 'O1', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: {} }];
const CONTACTS: IndicatorDef = {
  id: 'contacts',
  version: 1,
  name: { en: 'contacts', zh: 'contacts' },
  description: 'contacts until solved',
  unit: 'number',
  levels: ['org'],
  windows: ['month'],
  allowedLatenessMs: 0,
  measure: {
    kind: 'terms',
    numerator: {
      types: ['ticket.solved'],
      where: [],
      timeField: 'time',
      aggregation: { kind: 'sum', fields: ['data.contacts'] },
    },
    scale: 1,
  },
};

const solved = (contacts: number, time = '2026-11-02T10:00:00+08:00'): CanonicalEvent => ({
  specversion: '1.0',
  id: 'e1',
  source: 'ticketing/test',
  type: 'ticket.solved',
  time,
  data: { orgId: 'O1', ticketId: 'k1', contacts },
});

const total = (engine: IndicatorEngine) =>
  engine.value('contacts', { level: 'org', id: 'O1', orgId: 'O1' }, 'month')?.value;

describe('Deduplicator', () => {
  it('tells a new key, a repeat with the same fingerprint and one with another', () => {
    const d = new Deduplicator();
    expect(d.remember('O1', 'k', 7, 0)).toBe('new');
    expect(d.remember('O1', 'k', 7, 0)).toBe('duplicate');
    expect(d.remember('O1', 'k', 8, 0)).toBe('conflict');
    expect(d.remember('O2', 'k', 8, 0)).toBe('conflict'); // the key is (source, id), whatever the org
  });

  it('keeps fingerprints through a snapshot; keys of older snapshots without them repeat as duplicates', () => {
    const d = new Deduplicator();
    d.remember('O1', 'k', 7, 0);
    const restored = new Deduplicator();
    restored.restore('O1', d.snapshot('O1'));
    expect(restored.remember('O1', 'k', 8, 0)).toBe('conflict');
    const legacy = new Deduplicator();
    legacy.restore('O1', [[0, ['k']]]);
    expect(legacy.remember('O1', 'k', 8, 0)).toBe('duplicate');
  });
});

describe('the engine and repeated keys', () => {
  it('counts the first delivery; a repeat with other content is rejected as a conflict, one with the same is a duplicate', () => {
    const engine = new IndicatorEngine([CONTACTS], ORGS);
    expect(engine.fold(solved(1)).status).toBe('applied');
    // the same event with its time written in UTC and its keys in another order
    const same = { ...solved(1, '2026-11-02T02:00:00Z'), data: { contacts: 1, ticketId: 'k1', orgId: 'O1' } };
    expect(engine.fold(same).status).toBe('duplicate');
    expect(engine.fold(solved(3))).toMatchObject({
      status: 'rejected',
      field: 'id',
      code: 'conflict',
      reason: 'id: e1 of ticketing/test was counted with other content; this delivery is not counted',
    });
    expect(total(engine)).toBe(1);
    expect(engine.stats).toMatchObject({ applied: 1, duplicate: 1, rejected: 1 });
  });

  it('still tells a conflict after a snapshot and restore', () => {
    const engine = new IndicatorEngine([CONTACTS], ORGS);
    engine.fold(solved(1));
    const snapshot = JSON.parse(JSON.stringify(engine.snapshot())) as EngineSnapshotV2;
    const restored = IndicatorEngine.restore([CONTACTS], ORGS, snapshot);
    expect(restored.fold(solved(2)).code).toBe('conflict');
    expect(total(restored)).toBe(1);
  });
});

describe('the deduplicator by org and day', () => {
  it('remembers a key once, whatever the org, and forgets it by its own org clock only', () => {
    const d = new Deduplicator();
    expect(d.remember('O1', 'k1', 0, 10 * DAY + 5)).toBe('new');
    expect(d.remember('O2', 'k1', 0, 10 * DAY)).toBe('duplicate');
    expect(d.remember('O2', 'k2', 0, 10 * DAY)).toBe('new');
    d.forgetBefore('O2', 20 * DAY); // O2's clock never forgets O1's key
    expect([d.size, d.remember('O1', 'k1', 0, 0)]).toEqual([1, 'duplicate']);
    d.forgetBefore('O1', 10 * DAY + DAY - 1); // still day 10: kept
    expect(d.remember('O1', 'k1', 0, 0)).toBe('duplicate');
    d.forgetBefore('O1', 11 * DAY); // the day before the cutoff day: forgotten
    expect(d.size).toBe(0);
    expect(d.remember('O1', 'k1', 0, 11 * DAY)).toBe('new');
    d.forgetBefore('O3', 99 * DAY); // an org never seen: nothing to do
    expect(d.size).toBe(1);
  });

  it('snapshots per org by day, and restores without doubling keys already held', () => {
    const d = new Deduplicator();
    d.remember('O1', 'a', 0, 3 * DAY);
    d.remember('O1', 'b', 0, 3 * DAY + 1);
    d.remember('O1', 'c', 0, 5 * DAY);
    expect(d.snapshot('O1')).toEqual([
      [3, ['a', 'b'], [0, 0]],
      [5, ['c'], [0]],
    ]);
    expect(d.snapshot('O9')).toEqual([]);
    const copy = new Deduplicator();
    copy.remember('O2', 'a', 0, 0);
    copy.restore('O1', d.snapshot('O1'));
    copy.restore('O1', [[7, ['a']]]); // held already: not filed again
    expect(copy.size).toBe(3);
    expect(copy.snapshot('O1')).toEqual([
      [3, ['b'], [0]],
      [5, ['c'], [0]],
    ]);
    copy.forgetBefore('O1', 6 * DAY);
    expect([copy.size, copy.remember('O1', 'a', 0, 0)]).toEqual([1, 'duplicate']);
  });
});
