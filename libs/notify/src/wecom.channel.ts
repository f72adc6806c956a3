import type { HttpRequest, JsonObject } from './channel';
import { markdownLine } from './markdown-lines';
import { fitLines, moreText, say, utf8Bytes, type AlertLine, type Notification } from './notification';

// WeCom group robot ("群机器人"), https://developer.work.weixin.qq.com/document/path/91770: POST JSON to
// the webhook URL, whose `key` query parameter is the only credential (no signing); msgtype markdown,
// { content } of at most 4096 bytes of UTF-8; <font color="warning|info|comment"> colours text.
export const WECOM_MAX_BYTES = 4096;

function contentOf(n: Notification, kept: number, more: number): string {
  const coloured = (l: AlertLine) =>
    `<font color="${l.transition === 'fired' ? 'warning' : 'info'}">${say(l.transition, n.language)}</font>`;
  const lines = n.lines.slice(0, kept).map((l) => markdownLine(l, n.language, coloured));
  if (more > 0) lines.push(`<font color="comment">${moreText(more, n.language)}</font>`);
  return `### ${n.title}\n${lines.join('\n')}`;
}

export function renderWeCom(n: Notification): JsonObject {
  const kept = fitLines(n.lines.length, (k, more) => utf8Bytes(contentOf(n, k, more)) <= WECOM_MAX_BYTES);
  return { msgtype: 'markdown', markdown: { content: contentOf(n, kept, n.lines.length - kept) } };
}

export function signWeCom(url: string, payload: JsonObject): HttpRequest {
  return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) };
}
