import { describe, expect, it } from 'vitest';
import type { ScoredCard } from './rescore';
import { RoomLedger } from './room-updates';

const card = (level: 'team' | 'agent', id: string, periodStart: number, total: number): ScoredCard => ({
  entity: { level, id, orgId: 'O1' },
  periodStart,
  periodEnd: periodStart + 1,
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  window: 'month',
  scoredAt: periodStart,
  closed: false,
  scorecardName: { en: 'CS', zh: '客服' },
  grades: [],
  score: { scorecard: 'cs', total } as ScoredCard['score'],
});

describe('RoomLedger', () => {
  const ledger = () => new RoomLedger((_org, agent) => (agent === 'A1' ? 'T1' : undefined));

  it("numbers each room's updates in order, and sends an agent's card only to their rooms", () => {
    const l = ledger();
    const updates = l.record([card('team', 'T1', 0, 80), card('agent', 'A1', 0, 70)], 9);
    expect(updates.map((u) => `${u.room}#${u.seq}`)).toEqual([
      'team:O1:T1#1',
      'org:O1#1',
      'agent:O1:A1#1',
      'team-agents:O1:T1#1',
    ]);
    expect(l.record([card('team', 'T1', 0, 81)], 10).map((u) => `${u.room}#${u.seq}@${u.offset}`)).toEqual([
      'team:O1:T1#2@10',
      'org:O1#2@10',
    ]);
  });

  it('overlays the newest pushed card on a stored snapshot that lags, never an older period', () => {
    const l = ledger();
    l.record([card('team', 'T1', 100, 85)], 1);
    const fresh = l.snapshot('team:O1:T1', [card('team', 'T1', 100, 80)]);
    expect(fresh.seq).toBe(1);
    expect(fresh.cards.map((c) => c.score.total)).toEqual([85]);
    const newerStored = l.snapshot('team:O1:T1', [card('team', 'T1', 200, 60)]);
    expect(newerStored.cards.map((c) => c.score.total)).toEqual([60]);
  });
});
