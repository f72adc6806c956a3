import { describe, expect, it } from 'vitest';
import type { RosterSnapshot } from '#libs/access';
import { RosterCache } from './roster-cache';

const snapshotOf = (orgId: string, day: string, n: number): RosterSnapshot => ({
  orgId,
  day,
  teamOf: new Map([[`A${n}`, 'T1']]),
  agents: new Set([`A${n}`]),
  teams: new Set(['T1']),
  policy: 'accept',
});

describe('the roster cache', () => {
  const setup = () => {
    let now = Date.parse('2026-12-01T15:00:00Z');
    const reads: string[] = [];
    const cache = new RosterCache(
      {
        snapshot: (orgId, day) => {
          reads.push(`${orgId}@${day}`);
          return Promise.resolve(snapshotOf(orgId, day, reads.length));
        },
      },
      (_org, at) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10), // UTC+8
      () => now,
    );
    return { cache, reads, move: (ms: number) => (now += ms) };
  };

  it('reads an org once per TTL, of its own day, and again after a change', async () => {
    const { cache, reads, move } = setup();
    const [a, b] = await Promise.all([cache.of('O1'), cache.of('O1')]);
    expect(a).toBe(b);
    expect(reads).toEqual(['O1@2026-12-01']);
    move(1_000);
    await cache.of('O1');
    expect(reads).toHaveLength(1);
    cache.forget('O1');
    expect((await cache.of('O1')).agents.has('A2')).toBe(true);
    move(9 * 3_600_000); // past midnight in UTC+8
    expect((await cache.of('O1')).day).toBe('2026-12-02');
    expect(cache.today('O1')).toBe('2026-12-02');
  });

  it('peeks without waiting, reading in the background', async () => {
    const { cache, reads } = setup();
    expect(cache.peek('O1')).toBeUndefined();
    await Promise.resolve();
    await Promise.resolve();
    expect(reads).toEqual(['O1@2026-12-01']);
    expect(cache.peek('O1')?.teamOf.get('A1')).toBe('T1');
    expect(reads).toHaveLength(1);
  });
});
