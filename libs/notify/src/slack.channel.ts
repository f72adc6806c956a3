import type { HttpRequest, JsonObject, JsonValue } from './channel';
import { fitLines, moreText, say, valueText, type AlertLine, type Notification } from './notification';

// Slack incoming webhook, https://api.slack.com/messaging/webhooks: POST JSON { text, blocks } to the
// hook URL (the URL is the credential; no signing); `text` is the notification fallback when blocks are
// given. Block Kit limits (https://api.slack.com/reference/block-kit/blocks): at most 50 blocks, a header's
// plain_text at most 150 characters, a section's mrkdwn text at most 3 000. mrkdwn escapes &, < and >.
export const SLACK_MAX_BLOCKS = 50;
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

function sectionOf(l: AlertLine, n: Notification): JsonValue {
  const status =
    l.transition === 'fired'
      ? `:red_circle: *${say('fired', n.language)}*`
      : `:white_check_mark: *${say('resolved', n.language)}*`;
  const text = `${status} ${escape(l.ruleName)}\n<${l.link}|${escape(`${l.kpiName} · ${l.entityLabel}`)}> · ${escape(valueText(l, n.language))}`;
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, SECTION_MAX) } };
}

export function renderSlack(n: Notification): JsonObject {
  // the header, one section per alert, and a context line for the rest
  const kept = fitLines(n.lines.length, (k, more) => 1 + k + (more > 0 ? 1 : 0) <= SLACK_MAX_BLOCKS);
  const more = n.lines.length - kept;
  const blocks: JsonValue[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(n.title, HEADER_MAX) } },
    ...n.lines.slice(0, kept).map((l) => sectionOf(l, n)),
  ];
  if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: moreText(more, n.language) }] });
  return { text: escape(n.title), blocks };
}

export function signSlack(url: string, payload: JsonObject): HttpRequest {
  return { url, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) };
}
