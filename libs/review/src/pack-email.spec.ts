import { describe, expect, it } from 'vitest';
import { renderPackEmail } from './pack-email';
import { buildReviewPack } from './review-pack';
import { card, item, kpi, WEEK } from './review-pack.fixture';

const pack = buildReviewPack({
  team: { orgId: 'O1', teamId: 'T1' },
  week: WEEK,
  current: [card({ total: 72.456, kpis: [kpi({ kpi: 'signed', actual: 600 })] })],
  previous: [],
  redLines: [],
  alerts: [],
  funnel: {
    newSqls: null,
    previousSqls: null,
    conversion: null,
    previousConversion: null,
    stalledDays: 14,
    stalled: [],
  },
  actionItems: [item({ id: '1', title: '<b>call</b>' }), item({ id: '2', status: 'in_progress' })],
});

describe('the pack’s email', () => {
  it('names the team and week, sums up the cards and open items, links the page, in the language asked', () => {
    const zh = renderPackEmail(pack, 'zh', 'https://kpi.example.com/#/review/O1/T1/2026-W48', 'lead@example.com');
    expect(zh.subject).toBe('周度经营例会资料 · 团队 T1 · 2026-W48');
    expect(zh.text).toContain('销售经理: 总分 72.5 (B)');
    expect(zh.text).toContain('待办行动项：2');
    expect(zh.filename).toBe('review-T1-2026-W48.pdf');
    const en = renderPackEmail(pack, 'en', 'https://kpi.example.com/#/review/O1/T1/2026-W48', 'lead@example.com');
    expect(en.subject).toBe('Weekly review pack · Team T1 · 2026-W48');
    expect(en.text).toContain('2026-11-23 to 2026-11-29');
    expect(en.html).toContain('<a href="https://kpi.example.com/#/review/O1/T1/2026-W48">');
  });

  it('is keyed by team, week, data hash and address: a retried mail dedupes, a restated one does not', () => {
    const one = renderPackEmail(pack, 'en', 'x', 'a@example.com');
    expect(one.key).toBe(`review-pack/O1/T1/2026-W48/${pack.dataHash}/a@example.com`);
    expect(renderPackEmail(pack, 'en', 'x', 'b@example.com').key).not.toBe(one.key);
  });

  it('escapes what it puts in HTML', () => {
    const html = renderPackEmail(pack, 'en', 'https://x/?a=1&b="2"', 'a@example.com').html;
    expect(html).toContain('https://x/?a=1&amp;b=&quot;2&quot;');
    expect(html).not.toContain('"2"');
  });
});
