import { describe, expect, it } from 'vitest';
import type { Membership } from '#libs/access';
import { RosterHistory, type MembershipStore } from './roster-history';

function storeOf(rosters: Map<string, Membership[]>): MembershipStore & { reads: string[][] } {
  const reads: string[][] = [];
  return {
    reads,
    memberships(orgIds) {
      reads.push([...orgIds]);
      return Promise.resolve(new Map(orgIds.map((o) => [o, [...(rosters.get(o) ?? [])]])));
    },
  };
}

describe('RosterHistory', () => {
  it("answers the agent's team on a day: from inclusive, to exclusive; none outside or for strangers", async () => {
    const rosters = new Map([
      [
        'O1',
        [
          { agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: '2026-03-02' },
          { agentId: 'A1', teamId: 'T2', from: '2026-03-02', to: null },
          { agentId: 'A2', teamId: 'T1', from: '2026-02-01', to: '2026-02-10' },
        ],
      ],
    ]);
    const history = new RosterHistory(storeOf(rosters));
    await history.prepare(['O1', 'O2']);
    const { teamOf } = history;
    expect(teamOf('O1', 'A1', '2025-12-31')).toBeUndefined();
    expect(teamOf('O1', 'A1', '2026-01-01')).toBe('T1');
    expect(teamOf('O1', 'A1', '2026-03-01')).toBe('T1');
    expect(teamOf('O1', 'A1', '2026-03-02')).toBe('T2');
    expect(teamOf('O1', 'A1', '2030-01-01')).toBe('T2');
    expect(teamOf('O1', 'A2', '2026-02-10')).toBeUndefined();
    expect(teamOf('O1', 'A9', '2026-02-05')).toBeUndefined();
    expect(teamOf('O2', 'A1', '2026-03-05')).toBeUndefined();
  });

  it('reads each org once per TTL, only those asked for, and keeps the copy held until then', async () => {
    const rosters = new Map([['O1', [{ agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: null }]]]);
    const store = storeOf(rosters);
    let now = 0;
    const history = new RosterHistory(store, () => now, 5_000);
    await history.prepare(['O1', 'O1']);
    rosters.set('O1', [{ agentId: 'A1', teamId: 'T2', from: '2026-01-01', to: null }]);
    now = 5_000;
    await history.prepare(['O1', 'O2']);
    expect(store.reads).toEqual([['O1'], ['O2']]);
    expect(history.teamOf('O1', 'A1', '2026-03-01')).toBe('T1'); // not retroactive within the TTL
    now = 5_001;
    await history.prepare(['O1']);
    expect(store.reads).toEqual([['O1'], ['O2'], ['O1']]);
    expect(history.teamOf('O1', 'A1', '2026-03-01')).toBe('T2');
  });

  it('a failed read fails the prepare and keeps what was held', async () => {
    let fail = false;
    const store: MembershipStore = {
      memberships: (orgIds) =>
        fail
          ? Promise.reject(new Error('connection lost'))
          : Promise.resolve(
              new Map(orgIds.map((o) => [o, [{ agentId: 'A1', teamId: 'T1', from: '2026-01-01', to: null }]])),
            ),
    };
    let now = 0;
    const history = new RosterHistory(store, () => now, 5_000);
    await history.prepare(['O1']);
    fail = true;
    now = 10_000;
    await expect(history.prepare(['O1'])).rejects.toThrow('connection lost');
    expect(history.teamOf('O1', 'A1', '2026-03-01')).toBe('T1');
  });
});
