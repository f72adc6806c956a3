import { describe, expect, it } from 'vitest';
import { renderPackEmail } from './pack-email';
import { buildReviewPack } from './review-pack';
import { card, inputs, item, kpi, redLine } from './review-pack.fixture';

const at = (local: string) => Date.parse(`${local}+08:00`);
const LINK = 'https://kpi.example.com/#/review/O1/T1/2026-W48';

const pack = buildReviewPack(
  inputs({
    current: [
      card({ total: 72.456, kpis: [kpi({ kpi: 'signed', actual: 600 })] }),
      // a card without a total yet, whose name needs escaping in HTML
      card({
        scorecard: 'rd',
        name: { en: 'R&D <core> "A"', zh: '研发 & <核心>' },
        total: null,
        grade: null,
        kpis: [],
      }),
    ],
    redLines: [
      redLine({ kpi: 'win', openedAt: at('2026-11-24T09:00:00') }),
      redLine({ kpi: 'cycle', openedAt: at('2026-11-25T09:00:00') }),
      redLine({ kpi: 'signed', openedAt: at('2026-11-02T09:00:00'), resolvedAt: at('2026-11-26T09:00:00') }),
    ],
    actionItems: [
      item({ id: '1', title: '<b>call</b>' }),
      item({ id: '2', status: 'in_progress' }),
      item({ id: '3', status: 'done', closedAt: at('2026-11-25T10:00:00') }), // shown once more, not open
      item({ id: '4', status: 'dropped', closedAt: at('2026-11-26T10:00:00') }),
    ],
  }),
);

describe('the pack’s email', () => {
  it('in English: the team and week in the subject, the dates, each card’s total and grade, red lines, open items, the link', () => {
    const mail = renderPackEmail(pack, 'en', LINK, 'lead@example.com');
    expect(mail.subject).toBe('Weekly review pack · Team T1 · 2026-W48');
    expect(mail.text).toBe(
      [
        'Weekly review pack · Team T1 · 2026-W48',
        '',
        '2026-11-23 to 2026-11-29',
        'R&D <core> "A": total — (—)',
        'Sales manager: total 72.5 (B)',
        'Red lines: 2 opened, 1 resolved',
        'Open action items: 2',
        `The full pack is the attached PDF, or online: ${LINK}`,
      ].join('\n'),
    );
    expect(mail.html).toBe(
      '<!doctype html><html lang="en"><body><h2>Weekly review pack · Team T1 · 2026-W48</h2>' +
        '<p>2026-11-23 to 2026-11-29</p>' +
        '<p>R&amp;D &lt;core&gt; &quot;A&quot;: total — (—)</p>' +
        '<p>Sales manager: total 72.5 (B)</p>' +
        '<p>Red lines: 2 opened, 1 resolved</p>' +
        '<p>Open action items: 2</p>' +
        `<p>The full pack is the attached PDF, or online: ${LINK}</p>` +
        `<p><a href="${LINK}">${LINK}</a></p></body></html>`,
    );
    expect(mail.filename).toBe('review-T1-2026-W48.pdf');
  });

  it('in Chinese: the same content, in Chinese, with the page marked zh-CN', () => {
    const mail = renderPackEmail(pack, 'zh', LINK, 'lead@example.com');
    expect(mail.subject).toBe('周度经营例会资料 · 团队 T1 · 2026-W48');
    expect(mail.text).toBe(
      [
        '周度经营例会资料 · 团队 T1 · 2026-W48',
        '',
        '2026-11-23 至 2026-11-29',
        '研发 & <核心>: 总分 — (—)',
        '销售经理: 总分 72.5 (B)',
        '红线：新增 2，解除 1',
        '待办行动项：2',
        `完整资料见附件 PDF，或在线查看：${LINK}`,
      ].join('\n'),
    );
    expect(mail.html).toMatch(
      /^<!doctype html><html lang="zh-CN"><body><h2>周度经营例会资料 · 团队 T1 · 2026-W48<\/h2>/,
    );
    expect(mail.html).toContain('<p>研发 &amp; &lt;核心&gt;: 总分 — (—)</p>');
    expect(mail.html).toContain(`<p><a href="${LINK}">${LINK}</a></p></body></html>`);
    expect(mail.filename).toBe('review-T1-2026-W48.pdf');
  });

  it('rounds totals to one decimal and keeps whole ones whole', () => {
    const totals = [70, 72.44, 72.45, 0.04, -3.26].map((total) => {
      const one = buildReviewPack(inputs({ current: [card({ total, kpis: [] })] }));
      return renderPackEmail(one, 'en', LINK, 'a@example.com').text.split('\n')[3];
    });
    expect(totals).toEqual([
      'Sales manager: total 70 (B)',
      'Sales manager: total 72.4 (B)',
      'Sales manager: total 72.5 (B)',
      'Sales manager: total 0 (B)',
      'Sales manager: total -3.3 (B)',
    ]);
  });

  it('is keyed by team, week, data hash and address: a retried mail dedupes, a restated one does not', () => {
    const one = renderPackEmail(pack, 'en', 'x', 'a@example.com');
    expect(one.key).toBe(`review-pack/O1/T1/2026-W48/${pack.dataHash}/a@example.com`);
    expect(renderPackEmail(pack, 'zh', 'y', 'a@example.com').key).toBe(one.key);
    expect(renderPackEmail(pack, 'en', 'x', 'b@example.com').key).not.toBe(one.key);
  });

  it('escapes the link in the HTML part and leaves it as it is in the text part', () => {
    const link = 'https://x/?a=1&b="2"<';
    const mail = renderPackEmail(pack, 'en', link, 'a@example.com');
    expect(mail.html).toContain(
      '<a href="https://x/?a=1&amp;b=&quot;2&quot;&lt;">https://x/?a=1&amp;b=&quot;2&quot;&lt;</a>',
    );
    expect(mail.html).not.toContain('"2"');
    expect(mail.text.endsWith(`online: ${link}`)).toBe(true);
  });
});
