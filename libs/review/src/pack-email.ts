import type { ReviewPack } from './review-pack';

// The weekly pack's email (the PDF goes with it as an attachment): a short summary and the page's link.
export interface PackEmail {
  key: string; // idempotency key: one mail per team, week, data hash and address
  subject: string;
  text: string;
  html: string;
  filename: string; // the PDF attachment's
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const number = (v: number | null): string => (v === null ? '—' : String(Math.round(v * 10) / 10));

export function renderPackEmail(pack: ReviewPack, language: 'zh' | 'en', link: string, to: string): PackEmail {
  const zh = language === 'zh';
  const team = pack.team.teamId;
  const week = pack.week.label;
  const subject = zh ? `周度经营例会资料 · 团队 ${team} · ${week}` : `Weekly review pack · Team ${team} · ${week}`;
  const open = pack.actionItems.filter((i) => i.status === 'open' || i.status === 'in_progress').length;
  const lines = [
    zh ? `${pack.week.first} 至 ${pack.week.last}` : `${pack.week.first} to ${pack.week.last}`,
    ...pack.scorecards.map(
      (c) => `${c.name[language]}: ${zh ? '总分' : 'total'} ${number(c.total)} (${c.grade ?? '—'})`,
    ),
    zh
      ? `红线：新增 ${pack.redLines.opened.length}，解除 ${pack.redLines.resolved.length}`
      : `Red lines: ${pack.redLines.opened.length} opened, ${pack.redLines.resolved.length} resolved`,
    zh ? `待办行动项：${open}` : `Open action items: ${open}`,
    zh ? `完整资料见附件 PDF，或在线查看：${link}` : `The full pack is the attached PDF, or online: ${link}`,
  ];
  return {
    key: `review-pack/${pack.team.orgId}/${team}/${week}/${pack.dataHash}/${to}`,
    subject,
    text: [subject, '', ...lines].join('\n'),
    html:
      `<!doctype html><html lang="${zh ? 'zh-CN' : 'en'}"><body><h2>${esc(subject)}</h2>` +
      lines.map((l) => `<p>${esc(l)}</p>`).join('') +
      `<p><a href="${esc(link)}">${esc(link)}</a></p></body></html>`,
    filename: `review-${team}-${week}.pdf`,
  };
}
