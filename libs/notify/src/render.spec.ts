import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertRuleDef } from '#libs/definitions';
import { redact, secretsOf, type ChannelConfig, type JsonObject } from './channel';
import { DINGTALK_MAX_BYTES, dingTalkSign } from './dingtalk.channel';
import { FEISHU_MAX_BYTES, feishuSign } from './feishu.channel';
import { buildNotification, scorecardLink, type AlertItem, type Notification } from './notification';
import { renderFor, signedRequest, vendorFailure } from './render';
import { SLACK_MAX_BLOCKS } from './slack.channel';
import { WECOM_MAX_BYTES } from './wecom.channel';

const rule = (severity: AlertRuleDef['severity']): AlertRuleDef => ({
  id: `red-${severity}`,
  name: { en: `Red line (${severity})`, zh: `红线（${severity}）` },
  severity,
  kpis: null,
  condition: { kind: 'red-line' },
  forMs: 0,
  keepFiringForMs: 0,
  labels: {},
  source: 'spec',
});

function item(
  agent: string,
  kind: 'fired' | 'resolved' = 'fired',
  severity: AlertRuleDef['severity'] = 'warning',
): AlertItem {
  const entity = { orgId: 'acme', level: 'agent' as const, id: agent };
  return {
    change: {
      instance: { scorecard: 'cs', rule: `red-${severity}`, kpi: 'aht', entity, periodStart: 0 },
      rule: rule(severity),
      state: null,
      transition: { kind, key: `k-${agent}-${kind}`, firedAt: 0, at: agent.length, value: 1 },
    },
    kpiName: { en: 'Average handle time', zh: '平均处理时长' },
    actual: 331.25,
    target: 300,
  };
}

const storm = (n: number, language: 'en' | 'zh'): Notification =>
  buildNotification(
    Array.from({ length: n }, (_, i) => item(`agent-${String(i).padStart(4, '0')}`)),
    { language, baseUrl: 'https://kpi.example.com/', group: 'Team t1' },
  );

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const payloadOf = (channel: ChannelConfig, n: Notification): JsonObject => {
  const m = renderFor(channel, n);
  if (m.kind !== 'http') throw new Error('not http');
  return m.payload;
};

describe('a notification', () => {
  it('puts fired before resolved and the worst severity first; titles count them', () => {
    const n = buildNotification([item('a', 'resolved'), item('b', 'fired', 'info'), item('c', 'fired', 'critical')], {
      language: 'en',
      baseUrl: 'https://x',
      group: 'Team t1',
    });
    expect(n.lines.map((l) => `${l.transition}:${l.severity}`)).toEqual([
      'fired:critical',
      'fired:info',
      'resolved:warning',
    ]);
    expect(n.severity).toBe('critical');
    expect(n.title).toBe('2 firing, 1 resolved · Team t1');
    expect(n.key).toMatch(/^[0-9a-f]{64}$/);
    // the same group in another order has the same key
    const again = buildNotification(
      [item('c', 'fired', 'critical'), item('a', 'resolved'), item('b', 'fired', 'info')],
      {
        language: 'zh',
        baseUrl: 'https://x',
      },
    );
    expect(again.key).toBe(n.key);
    expect(again.title).toBe('2 条告警，1 条已恢复');
  });

  it('links to the page’s routes for agent, team and org', () => {
    expect(scorecardLink('https://k/', { orgId: 'a b', level: 'agent', id: 'x/y' })).toBe(
      'https://k/#/agent/a%20b/x%2Fy',
    );
    expect(scorecardLink('https://k', { orgId: 'acme', level: 'team', id: 't1' })).toBe('https://k/#/team/acme/t1');
    expect(scorecardLink('https://k', { orgId: 'acme', level: 'org', id: 'acme' })).toBe('https://k/#/org/acme');
  });
});

describe('a storm of 2 000 alerts stays within each vendor’s limit, with a "+N more" line', () => {
  it.each(['en', 'zh'] as const)('WeCom markdown ≤ 4096 bytes, DingTalk within its budget (%s)', (language) => {
    const n = storm(2000, language);
    const wecom = payloadOf({ kind: 'wecom', url: 'https://w' }, n) as { markdown: { content: string } };
    expect(bytes(wecom.markdown.content)).toBeLessThanOrEqual(WECOM_MAX_BYTES);
    expect(wecom.markdown.content).toMatch(language === 'en' ? /\+\d+ more<\/font>$/ : /\+\d+ 条未显示<\/font>$/);
    const ding = payloadOf({ kind: 'dingtalk', url: 'https://d', secret: null }, n) as { markdown: { text: string } };
    expect(bytes(ding.markdown.text)).toBeLessThanOrEqual(DINGTALK_MAX_BYTES);
    const shown = (ding.markdown.text.match(/\(https:[^)]*agent-\d{4}\)/g) ?? []).length;
    expect(ding.markdown.text).toContain(language === 'en' ? `+${2000 - shown} more` : `+${2000 - shown} 条未显示`);
  });

  it('Feishu body ≤ 20 KB with the signature, Slack ≤ 50 blocks, the webhook counts what it left out', () => {
    const n = storm(2000, 'en');
    const feishu = signedRequest(
      { kind: 'feishu', url: 'https://f', secret: 's' },
      renderFor({ kind: 'feishu', url: 'https://f', secret: 's' }, n) as never,
      0,
    );
    expect(bytes(feishu.body)).toBeLessThanOrEqual(20 * 1024);
    expect(bytes(JSON.stringify(payloadOf({ kind: 'feishu', url: 'https://f', secret: null }, n)))).toBeLessThanOrEqual(
      FEISHU_MAX_BYTES,
    );
    const slack = payloadOf({ kind: 'slack', url: 'https://s' }, n) as {
      blocks: Array<{ type: string; elements?: Array<{ text: string }> }>;
    };
    expect(slack.blocks).toHaveLength(SLACK_MAX_BLOCKS);
    expect(slack.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '+1952 more' }] });
    const webhook = payloadOf({ kind: 'webhook', url: 'https://h', secret: 's' }, n) as {
      alerts: unknown[];
      more: number;
    };
    expect(webhook.alerts.length + webhook.more).toBe(2000);
  });

  it('a small group fits whole, with no "+more" line', () => {
    const slack = payloadOf({ kind: 'slack', url: 'https://s' }, storm(3, 'en')) as { blocks: unknown[] };
    expect(slack.blocks).toHaveLength(4);
    const email = renderFor({ kind: 'email', to: ['x@example.com'] }, storm(3, 'en'));
    expect(email.kind === 'email' && email.text).not.toMatch(/more/);
  });
});

describe('signing', () => {
  const n = storm(1, 'en');
  it('DingTalk: timestamp (ms) and the URL-encoded Base64 sign in the query, beside access_token', () => {
    const req = signedRequest(
      { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECxyz' },
      renderFor({ kind: 'dingtalk', url: '', secret: null }, n) as never,
      1_700_000_000_123,
    );
    const expected = createHmac('sha256', 'SECxyz').update('1700000000123\nSECxyz').digest('base64');
    expect(dingTalkSign('SECxyz', '1700000000123')).toBe(expected);
    expect(req.url).toBe(
      `https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000123&sign=${encodeURIComponent(expected)}`,
    );
  });

  it('Feishu: seconds, the key is timestamp\\nsecret over an empty message; without a secret, no fields', () => {
    const message = renderFor({ kind: 'feishu', url: '', secret: null }, n) as never;
    const body = JSON.parse(
      signedRequest({ kind: 'feishu', url: 'https://f', secret: 'sec' }, message, 1_599_360_473_999).body,
    ) as JsonObject;
    expect(body.timestamp).toBe('1599360473');
    expect(body.sign).toBe(createHmac('sha256', '1599360473\nsec').digest('base64'));
    expect(body.sign).toBe(feishuSign('sec', '1599360473'));
    const unsigned = JSON.parse(
      signedRequest({ kind: 'feishu', url: 'https://f', secret: null }, message, 0).body,
    ) as JsonObject;
    expect(unsigned).not.toHaveProperty('sign');
  });
});

describe('vendor answers and secrets', () => {
  it('an error code in a 200 body is a failure; the success bodies are not', () => {
    expect(vendorFailure('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toBe(
      'errcode 310000: sign not match',
    );
    expect(vendorFailure('dingtalk', 200, '{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(vendorFailure('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toMatch(/^errcode 93000/);
    expect(vendorFailure('feishu', 200, '{"code":19021,"msg":"sign match fail"}')).toBe('code 19021: sign match fail');
    expect(vendorFailure('feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}')).toBeNull();
    expect(vendorFailure('feishu', 200, 'not json')).toBe('code undefined: not json');
    expect(vendorFailure('slack', 200, 'ok')).toBeNull();
    expect(vendorFailure('slack', 400, 'invalid_payload')).toBe('HTTP 400: invalid_payload');
    expect(vendorFailure('webhook', 204, '')).toBeNull();
    expect(vendorFailure('webhook', 500, 'boom')).toBe('HTTP 500: boom');
  });

  it('redacts the secret and the tokens in the URL', () => {
    const ding: ChannelConfig = {
      kind: 'dingtalk',
      url: 'https://oapi.dingtalk.com/robot/send?access_token=tok123456789',
      secret: 'SECabc',
    };
    expect(redact(`failed ${ding.url} and tok123456789 with SECabc`, secretsOf(ding))).toBe(
      'failed *** and *** with ***',
    );
    const slack: ChannelConfig = {
      kind: 'slack',
      url: 'https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx',
    };
    expect(redact('POST /services/T0/B0/abcdefghijklmnopqrstuvwx', secretsOf(slack))).toBe('POST /services/T0/B0/***');
  });
});
