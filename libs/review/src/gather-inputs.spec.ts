import { describe, expect, it } from 'vitest';
import type { ActionItem } from './action-item';
import type { DealRecord } from './deal-funnel';
import { FUNNEL_INDICATORS, makeReviewPack, type ReviewSources } from './gather-inputs';
import type { FiredAlert, RedLineEvent, TeamRef } from './period-results';
import { card, item, kpi, redLine, WEEK } from './review-pack.fixture';
import type { ReviewWeek } from './review-week';

const DAY = 86_400_000;
const team: TeamRef = { orgId: 'O1', teamId: 'T1' };
const agents = ['A1', 'A2'];

// the ports as fakes answering by week label, recording what they were asked
function sources() {
  const asked: string[] = [];
  const ask = (what: string) => asked.push(what);
  const alert: FiredAlert = {
    scorecard: 'sales-manager',
    rule: 'r1',
    kpi: 'signed',
    name: { en: 'Low', zh: '低' },
    severity: 'warning',
    level: 'team',
    entityId: 'T1',
    at: WEEK.start + DAY,
    value: 1,
  };
  const breach: RedLineEvent = redLine({ kpi: 'signed', openedAt: WEEK.start + 2 * DAY });
  const values: Record<string, number> = {
    [`${FUNNEL_INDICATORS.newSqls} 2026-W48`]: 30,
    [`${FUNNEL_INDICATORS.newSqls} 2026-W47`]: 25,
    [`${FUNNEL_INDICATORS.conversion} 2026-W48`]: 0.3,
    [`${FUNNEL_INDICATORS.conversion} 2026-W47`]: 0.25,
  };
  const stuck: DealRecord = { dealId: 'D1', owner: 'A2', openedAt: WEEK.end - 20 * DAY, closedAt: null, changes: [] };
  const moving: DealRecord = { ...stuck, dealId: 'D2', openedAt: WEEK.end - 3 * DAY };
  const items: ActionItem[] = [item({ id: '1' })];
  const ports: ReviewSources = {
    results: {
      teamCards: (t: TeamRef, week: ReviewWeek) => {
        ask(`cards ${t.teamId} ${week.label}`);
        return Promise.resolve([card({ total: week.label === WEEK.label ? 80 : 70, kpis: [kpi({ kpi: 'signed' })] })]);
      },
      redLines: (t, a, week) => {
        ask(`red lines ${t.teamId} ${a.join(',')} ${week.label}`);
        return Promise.resolve([breach]);
      },
      alertsFired: (t, a, week) => {
        ask(`alerts ${t.teamId} ${a.join(',')} ${week.label}`);
        return Promise.resolve([alert]);
      },
      weekValue: (t, indicator, week) => Promise.resolve(values[`${indicator} ${week.label}`] ?? null),
    },
    deals: {
      openAt: (orgId, teamId, a, asOf) => {
        ask(`deals ${orgId} ${teamId} ${a.join(',')} ${asOf === WEEK.end ? 'week end' : asOf}`);
        return Promise.resolve([moving, stuck]);
      },
    },
    actionItems: {
      actionItems: (orgId, teamId) => {
        ask(`items ${orgId} ${teamId}`);
        return Promise.resolve(items);
      },
    },
  };
  return { ports, asked, alert, breach, items };
}

describe('makeReviewPack', () => {
  it('reads the team’s week and the week before through the ports and builds the pack from them', async () => {
    const { ports, asked, alert, breach, items } = sources();
    const pack = await makeReviewPack(ports, team, agents, WEEK, 14);
    expect(asked.sort()).toEqual([
      'alerts T1 A1,A2 2026-W48',
      'cards T1 2026-W47',
      'cards T1 2026-W48',
      'deals O1 T1 A1,A2 week end',
      'items O1 T1',
      'red lines T1 A1,A2 2026-W48',
    ]);
    expect(pack.team).toEqual(team);
    expect(pack.week.label).toBe('2026-W48');
    expect(pack.scorecards.map((c) => [c.total, c.previousTotal])).toEqual([[80, 70]]);
    expect(pack.redLines.opened).toEqual([breach]);
    expect(pack.alerts).toEqual([alert]);
    expect(pack.actionItems).toEqual(items);
  });

  it('fills the funnel: SQLs and conversion of the week and the week before, deals stalled N days at the week’s end', async () => {
    const { ports } = sources();
    const pack = await makeReviewPack(ports, team, agents, WEEK, 14);
    expect(pack.funnel).toEqual({
      newSqls: 30,
      previousSqls: 25,
      conversion: 0.3,
      previousConversion: 0.25,
      stalledDays: 14,
      stalled: [{ dealId: 'D1', owner: 'A2', stage: null, lastMoveAt: WEEK.end - 20 * DAY, ageDays: 20 }],
    });
    expect((await makeReviewPack(ports, team, agents, WEEK, 2)).funnel.stalled.map((d) => d.dealId)).toEqual([
      'D1',
      'D2',
    ]);
  });
});
