import { createHmac } from 'node:crypto';
import type { HttpRequest, JsonObject, JsonValue } from './channel';
import { fitLines, moreText, say, utf8Bytes, valueText, type Notification } from './notification';

// Feishu / Lark custom bot ("自定义机器人"), https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot:
// POST JSON to the hook URL; with signature verification on, the body carries `timestamp` (unix seconds,
// as a string) and `sign` = Base64(HmacSHA256 keyed with timestamp + "\n" + secret, over an empty
// message); a timestamp more than an hour off, or a wrong sign, is refused with code 19021. Rich text is
// msg_type post: content.post.<zh_cn|en_us> = { title, content: [[ { tag: text | a, … } ]] }. A request
// body is at most 20 KB; we keep room for the signature fields.
export const FEISHU_MAX_BYTES = 20 * 1024 - 200;

function postOf(n: Notification, kept: number, more: number): JsonObject {
  const rows: JsonValue[] = n.lines.slice(0, kept).map((l): JsonValue => [
    { tag: 'text', text: `${say(l.transition, n.language)} · ${l.ruleName} · ` },
    { tag: 'a', text: `${l.kpiName} · ${l.entityLabel}`, href: l.link },
    { tag: 'text', text: ` · ${valueText(l, n.language)}` },
  ]);
  if (more > 0) rows.push([{ tag: 'text', text: moreText(more, n.language) }]);
  const locale = n.language === 'zh' ? 'zh_cn' : 'en_us';
  return { msg_type: 'post', content: { post: { [locale]: { title: n.title, content: rows } } } };
}

export function renderFeishu(n: Notification): JsonObject {
  const kept = fitLines(n.lines.length, (k, more) => utf8Bytes(JSON.stringify(postOf(n, k, more))) <= FEISHU_MAX_BYTES);
  return postOf(n, kept, n.lines.length - kept);
}

export function feishuSign(secret: string, timestamp: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

export function signFeishu(url: string, secret: string | null, payload: JsonObject, now: number): HttpRequest {
  let body = payload;
  if (secret !== null) {
    const timestamp = String(Math.floor(now / 1000));
    body = { timestamp, sign: feishuSign(secret, timestamp), ...payload };
  }
  return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}
