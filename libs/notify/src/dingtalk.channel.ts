import { createHmac } from 'node:crypto';
import type { HttpRequest, JsonObject } from './channel';
import { markdownLine, statusWord } from './markdown-lines';
import { fitLines, moreText, utf8Bytes, type Notification } from './notification';

// DingTalk custom robot ("自定义机器人"), https://open.dingtalk.com/document/group/custom-robot-access
// and its signing ("加签"), https://open.dingtalk.com/document/robots/customize-robot-security-settings:
// stringToSign = timestamp + "\n" + secret, HmacSHA256 keyed with the secret, Base64, then URL-encoded,
// sent as the `timestamp` (ms) and `sign` query parameters; the robot refuses a timestamp more than an
// hour from its clock (errcode 310000). Body: msgtype markdown, { title, text }.
// Our budget for the markdown text: 4 000 bytes of UTF-8, so a long storm stays readable in the client.
export const DINGTALK_MAX_BYTES = 4000;

function textOf(n: Notification, kept: number, more: number): string {
  const bold = (l: Notification['lines'][number]) => `**${statusWord(l, n.language)}**`;
  const lines = n.lines.slice(0, kept).map((l) => markdownLine(l, n.language, bold));
  if (more > 0) lines.push(`- ${moreText(more, n.language)}`);
  return `### ${n.title}\n\n${lines.join('\n\n')}`;
}

export function renderDingTalk(n: Notification): JsonObject {
  const kept = fitLines(n.lines.length, (k, more) => utf8Bytes(textOf(n, k, more)) <= DINGTALK_MAX_BYTES);
  return { msgtype: 'markdown', markdown: { title: n.title, text: textOf(n, kept, n.lines.length - kept) } };
}

export function dingTalkSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

export function signDingTalk(url: string, secret: string | null, payload: JsonObject, now: number): HttpRequest {
  const target = new URL(url);
  if (secret !== null) {
    const timestamp = String(now);
    target.searchParams.set('timestamp', timestamp);
    // URLSearchParams encodes the Base64 (+, /, =) as the robot expects: urlEncode(Base64(hmac))
    target.searchParams.set('sign', dingTalkSign(secret, timestamp));
  }
  return {
    url: target.toString(),
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
  };
}
