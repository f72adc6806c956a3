import type { RenderedMessage } from './channel';
import { moreText, say, valueText, type AlertLine, type Notification } from './notification';

// An email with a text and an HTML part (multipart/alternative, sent by the SMTP edge with nodemailer);
// every alert links to its scorecard page. Mail has no vendor limit; we list at most 200 alerts.
export const EMAIL_MAX_LINES = 200;

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function textLine(l: AlertLine, n: Notification): string {
  return `- ${say(l.transition, n.language)} · ${l.ruleName} · ${l.kpiName} · ${l.entityLabel} · ${valueText(l, n.language)}\n  ${l.link}`;
}

function htmlRow(l: AlertLine, n: Notification): string {
  const colour = l.transition === 'fired' ? '#c0392b' : '#27ae60';
  return (
    `<tr><td style="color:${colour};font-weight:bold">${html(say(l.transition, n.language))}</td>` +
    `<td>${html(l.ruleName)}</td><td><a href="${html(l.link)}">${html(`${l.kpiName} · ${l.entityLabel}`)}</a></td>` +
    `<td>${html(valueText(l, n.language))}</td></tr>`
  );
}

export function renderEmail(n: Notification): Extract<RenderedMessage, { kind: 'email' }> {
  const kept = n.lines.slice(0, EMAIL_MAX_LINES);
  const more = n.lines.length - kept.length;
  const moreLine = more > 0 ? moreText(more, n.language) : null;
  const text = [n.title, '', ...kept.map((l) => textLine(l, n)), ...(moreLine === null ? [] : [moreLine])].join('\n');
  const body =
    `<h2>${html(n.title)}</h2><table cellpadding="4">${kept.map((l) => htmlRow(l, n)).join('')}</table>` +
    (moreLine === null ? '' : `<p>${html(moreLine)}</p>`);
  const lang = n.language === 'zh' ? 'zh-CN' : 'en';
  return {
    kind: 'email',
    key: n.key,
    subject: n.title,
    text,
    html: `<!doctype html><html lang="${lang}"><body>${body}</body></html>`,
  };
}
