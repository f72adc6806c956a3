import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AlertRuleDef } from '#libs/definitions';
import { redact, secretsOf, type ChannelConfig, type JsonObject } from './channel';
import { EMAIL_MAX_LINES } from './email.channel';
import {
  buildNotification,
  fitLines,
  formatNumber,
  valueText,
  type AlertItem,
  type Language,
  type Notification,
} from './notification';
import { renderFor, signedRequest, vendorFailure } from './render';
import { DINGTALK_MAX_BYTES } from './dingtalk.channel';
import { FEISHU_MAX_BYTES } from './feishu.channel';
import { WEBHOOK_HEADERS, WEBHOOK_MAX_BYTES } from './webhook.channel';
import { WECOM_MAX_BYTES } from './wecom.channel';

// What a subscriber reads, channel by channel (docs/alerts.md): the exact text of a small message, so a
// word, a separator, a link or an escape that changes shows here.
const rule = (id: string, severity: AlertRuleDef['severity'], en: string, zh: string): AlertRuleDef => ({
  id,
  name: { en, zh },
  severity,
  kpis: null,
  condition: { kind: 'red-line' },
  forMs: 0,
  keepFiringForMs: 0,
  labels: { action: '纠偏计划' },
  source: 'spec',
});
const AT = Date.UTC(2025, 11, 1, 9);

function item(
  kind: 'fired' | 'resolved',
  r: AlertRuleDef,
  kpi: string,
  level: 'agent' | 'team' | 'org',
  id: string,
  numbers: { actual: number | null; target: number | null; value: number | null },
  kpiName: AlertItem['kpiName'] = { en: 'Customer satisfaction', zh: '客户满意度' },
): AlertItem {
  const entity = { orgId: 'acme', level, id };
  return {
    change: {
      instance: { scorecard: 'cs', rule: r.id, kpi, entity, periodStart: 0 },
      rule: r,
      state: null,
      transition: { kind, key: `k-${id}-${kind}`, firedAt: 0, at: AT, value: numbers.value },
    },
    kpiName,
    actual: numbers.actual,
    target: numbers.target,
  };
}

const deviation = rule('dev', 'warning', 'KPI <5 %> off & "late"', '指标偏离 [5%]');
const fired = item('fired', deviation, 'csat', 'agent', 'a1', { actual: 0.76, target: 0.8, value: 0.05 });
const resolved = item(
  'resolved',
  rule('low', 'info', 'Low total', '总分偏低'),
  '',
  'team',
  't1',
  {
    actual: null,
    target: null,
    value: Number.POSITIVE_INFINITY,
  },
  null,
);
const pair = (language: Language): Notification =>
  buildNotification([resolved, fired], { language, baseUrl: 'https://kpi.example.com/', group: 'Team t1' });
const one = (language: Language): Notification =>
  buildNotification([fired], { language, baseUrl: 'https://kpi.example.com' });

const http = (channel: ChannelConfig, n: Notification): JsonObject => {
  const m = renderFor(channel, n);
  if (m.kind !== 'http') throw new Error('not http');
  return m.payload;
};

describe('the lines and titles of a notification', () => {
  it('titles a single alert by its transition, rule, KPI and entity, in each language', () => {
    expect(one('en').title).toBe('Firing: KPI <5 %> off & "late" · Customer satisfaction · Agent a1');
    expect(one('zh').title).toBe('告警：指标偏离 [5%] · 客户满意度 · 成员 a1');
    expect(one('en').key).toBe('k-a1-fired');
    expect(one('en').severity).toBe('warning');
  });

  it('names a card total "Total score", a KPI without a name by its id, and counts a group', () => {
    expect(pair('en').title).toBe('1 firing, 1 resolved · Team t1');
    expect(pair('zh').title).toBe('1 条告警，1 条已恢复 · Team t1');
    expect(pair('en').lines.map((l) => [l.kpiName, l.entityLabel])).toEqual([
      ['Customer satisfaction', 'Agent a1'],
      ['Total score', 'Team t1'],
    ]);
    expect(pair('zh').lines[1]?.kpiName).toBe('总分');
    const unnamed = item('fired', deviation, 'aht', 'org', 'acme', { actual: 1, target: 2, value: 1 }, null);
    const n = buildNotification([unnamed], { language: 'zh', baseUrl: 'https://k' });
    expect(n.lines[0]).toMatchObject({ kpiName: 'aht', entityLabel: '组织 acme', link: 'https://k/#/org/acme' });
    // only resolutions, or only firings, name one count
    const two = buildNotification([resolved, { ...resolved }], { language: 'en', baseUrl: 'https://k' });
    expect(two.title).toBe('2 resolved');
    expect(two.severity).toBe('info');
    expect(buildNotification([fired, fired], { language: 'zh', baseUrl: 'https://k' }).title).toBe('2 条告警');
    expect(buildNotification([fired, fired], { language: 'en', baseUrl: 'https://k' }).title).toBe('2 firing');
    expect(buildNotification([resolved, resolved], { language: 'zh', baseUrl: 'https://k' }).title).toBe('2 条已恢复');
  });

  it("keys a group by a SHA-256 of its transitions' keys, sorted, one a line", () => {
    expect(pair('en').key).toBe(createHash('sha256').update('k-a1-fired\nk-t1-resolved').digest('hex'));
    expect(pair('zh').key).toBe(pair('en').key);
    // two firings of one severity at one moment keep the order given; the key does not
    const other = item('fired', deviation, 'csat', 'agent', 'a0', { actual: 0.7, target: 0.8, value: 0.125 });
    const ab = buildNotification([fired, other], { language: 'en', baseUrl: 'https://k' });
    const ba = buildNotification([other, fired], { language: 'en', baseUrl: 'https://k' });
    expect(ab.lines.map((l) => l.key)).toEqual(['k-a1-fired', 'k-a0-fired']);
    expect(ba.key).toBe(ab.key);
  });

  it('links from a base URL with any number of trailing slashes', () => {
    const n = buildNotification([fired], { language: 'en', baseUrl: 'https://k//' });
    expect(n.lines[0]?.link).toBe('https://k/#/agent/acme/a1');
  });

  it('orders fired before resolved, then by severity, then by time', () => {
    const at = (i: AlertItem, t: number): AlertItem => ({
      ...i,
      change: { ...i.change, transition: i.change.transition && { ...i.change.transition, at: t } },
    });
    const n = buildNotification([at(fired, 3), at(resolved, 1), at(fired, 2)], {
      language: 'en',
      baseUrl: 'https://k',
    });
    expect(n.lines.map((l) => `${l.transition}@${l.at}`)).toEqual(['fired@2', 'fired@3', 'resolved@1']);
  });

  it('refuses an empty group and a change without a transition', () => {
    expect(() => buildNotification([], { language: 'en', baseUrl: 'https://k' })).toThrow(
      'a notification needs at least one alert',
    );
    const quiet = { ...fired, change: { ...fired.change, transition: null } };
    expect(() => buildNotification([quiet], { language: 'en', baseUrl: 'https://k' })).toThrow(
      'alert dev has no transition to notify',
    );
  });

  it('writes numbers with up to 4 significant digits, the infinite as ∞, an unknown actual as —', () => {
    expect(
      [0.123456, 331.25, 12345.6, 0.5, -2, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(formatNumber),
    ).toEqual(['0.1235', '331.3', '12350', '0.5', '-2', '∞', '-∞']);
    const [line] = one('zh').lines;
    expect(line && valueText(line, 'zh')).toBe('0.76 vs 目标 0.8');
    expect(line && valueText({ ...line, target: null }, 'en')).toBe('0.76');
    expect(line && valueText({ ...line, actual: null }, 'en')).toBe('— vs target 0.8');
  });
});

describe('each channel’s message', () => {
  it('the generic webhook: the documented fields; an infinite value is null', () => {
    expect(http({ kind: 'webhook', url: 'https://h', secret: 's' }, pair('en'))).toEqual({
      version: 1,
      key: pair('en').key,
      language: 'en',
      title: '1 firing, 1 resolved · Team t1',
      severity: 'warning',
      alerts: [
        {
          key: 'k-a1-fired',
          status: 'fired',
          at: '2025-12-01T09:00:00.000Z',
          rule: { id: 'dev', name: 'KPI <5 %> off & "late"', severity: 'warning', labels: { action: '纠偏计划' } },
          scorecard: 'cs',
          kpi: { id: 'csat', name: 'Customer satisfaction' },
          entity: { orgId: 'acme', level: 'agent', id: 'a1' },
          actual: 0.76,
          target: 0.8,
          value: 0.05,
          link: 'https://kpi.example.com/#/agent/acme/a1',
        },
        {
          key: 'k-t1-resolved',
          status: 'resolved',
          at: '2025-12-01T09:00:00.000Z',
          rule: { id: 'low', name: 'Low total', severity: 'info', labels: { action: '纠偏计划' } },
          scorecard: 'cs',
          kpi: { id: '', name: 'Total score' },
          entity: { orgId: 'acme', level: 'team', id: 't1' },
          actual: null,
          target: null,
          value: null,
          link: 'https://kpi.example.com/#/team/acme/t1',
        },
      ],
      more: 0,
    });
  });

  it('DingTalk: markdown, bold status, brackets in names blanked so links hold', () => {
    expect(http({ kind: 'dingtalk', url: 'https://d', secret: null }, pair('zh'))).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '1 条告警，1 条已恢复 · Team t1',
        text:
          '### 1 条告警，1 条已恢复 · Team t1\n\n' +
          '- **告警** 指标偏离  5%  · [客户满意度 · 成员 a1](https://kpi.example.com/#/agent/acme/a1) · 0.76 vs 目标 0.8\n\n' +
          '- **已恢复** 总分偏低 · [总分 · 团队 t1](https://kpi.example.com/#/team/acme/t1) · —',
      },
    });
  });

  it('WeCom: markdown with coloured status words', () => {
    expect(http({ kind: 'wecom', url: 'https://w' }, pair('en'))).toEqual({
      msgtype: 'markdown',
      markdown: {
        content:
          '### 1 firing, 1 resolved · Team t1\n' +
          '- <font color="warning">Firing</font> KPI <5 %> off & "late" · [Customer satisfaction · Agent a1](https://kpi.example.com/#/agent/acme/a1) · 0.76 vs target 0.8\n' +
          '- <font color="info">Resolved</font> Low total · [Total score · Team t1](https://kpi.example.com/#/team/acme/t1) · —',
      },
    });
  });

  it('Feishu: a post in the language’s locale, the KPI and entity as a link', () => {
    expect(http({ kind: 'feishu', url: 'https://f', secret: null }, pair('zh'))).toEqual({
      msg_type: 'post',
      content: {
        post: {
          zh_cn: {
            title: '1 条告警，1 条已恢复 · Team t1',
            content: [
              [
                { tag: 'text', text: '告警 · 指标偏离 [5%] · ' },
                { tag: 'a', text: '客户满意度 · 成员 a1', href: 'https://kpi.example.com/#/agent/acme/a1' },
                { tag: 'text', text: ' · 0.76 vs 目标 0.8' },
              ],
              [
                { tag: 'text', text: '已恢复 · 总分偏低 · ' },
                { tag: 'a', text: '总分 · 团队 t1', href: 'https://kpi.example.com/#/team/acme/t1' },
                { tag: 'text', text: ' · —' },
              ],
            ],
          },
        },
      },
    });
    const en = http({ kind: 'feishu', url: 'https://f', secret: null }, one('en')) as {
      content: { post: Record<string, unknown> };
    };
    expect(Object.keys(en.content.post)).toEqual(['en_us']);
  });

  it('Slack: a header, a section per alert with &, < and > escaped, the title as the fallback text', () => {
    expect(http({ kind: 'slack', url: 'https://s' }, pair('en'))).toEqual({
      text: '1 firing, 1 resolved · Team t1',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '1 firing, 1 resolved · Team t1' } },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':red_circle: *Firing* KPI &lt;5 %&gt; off &amp; "late"\n<https://kpi.example.com/#/agent/acme/a1|Customer satisfaction · Agent a1> · 0.76 vs target 0.8',
          },
        },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':white_check_mark: *Resolved* Low total\n<https://kpi.example.com/#/team/acme/t1|Total score · Team t1> · —',
          },
        },
      ],
    });
  });

  it('Slack cuts a header past 150 characters and a section past 3 000, with an ellipsis', () => {
    const long = rule('dev', 'warning', 'x'.repeat(3100), 'x');
    const n = buildNotification([item('fired', long, 'csat', 'agent', 'a1', { actual: 1, target: 1, value: 0 })], {
      language: 'en',
      baseUrl: 'https://k',
    });
    const blocks = (http({ kind: 'slack', url: 'https://s' }, n) as { blocks: { text: { text: string } }[] }).blocks;
    expect(blocks[0]?.text.text).toHaveLength(150);
    expect(blocks[0]?.text.text).toBe(`Firing: ${'x'.repeat(141)}…`);
    expect(blocks[1]?.text.text).toHaveLength(3000);
    expect(blocks[1]?.text.text.endsWith('x…')).toBe(true);
    const exact = buildNotification(
      [
        item(
          'fired',
          rule('dev', 'warning', 'y'.repeat(142), 'y'),
          'csat',
          'agent',
          'a1',
          { actual: 1, target: 1, value: 0 },
          { en: 'K', zh: 'K' },
        ),
      ],
      {
        language: 'en',
        baseUrl: 'https://k',
      },
    );
    // "Firing: " + 142 + " · K · Agent a1" is 150 + 15: cut; a title of exactly 150 is kept whole
    expect(exact.title.length).toBeGreaterThan(150);
    const whole = { ...exact, title: 't'.repeat(150) };
    const header = (http({ kind: 'slack', url: 'https://s' }, whole) as { blocks: { text: { text: string } }[] })
      .blocks[0];
    expect(header?.text.text).toBe('t'.repeat(150));
  });

  it('email: a text part and an escaped HTML table, in the language', () => {
    const m = renderFor({ kind: 'email', to: ['x@example.com'] }, pair('en'));
    expect(m).toEqual({
      kind: 'email',
      key: pair('en').key,
      subject: '1 firing, 1 resolved · Team t1',
      text:
        '1 firing, 1 resolved · Team t1\n\n' +
        '- Firing · KPI <5 %> off & "late" · Customer satisfaction · Agent a1 · 0.76 vs target 0.8\n' +
        '  https://kpi.example.com/#/agent/acme/a1\n' +
        '- Resolved · Low total · Total score · Team t1 · —\n' +
        '  https://kpi.example.com/#/team/acme/t1',
      html:
        '<!doctype html><html lang="en"><body><h2>1 firing, 1 resolved · Team t1</h2><table cellpadding="4">' +
        '<tr><td style="color:#c0392b;font-weight:bold">Firing</td><td>KPI &lt;5 %&gt; off &amp; &quot;late&quot;</td>' +
        '<td><a href="https://kpi.example.com/#/agent/acme/a1">Customer satisfaction · Agent a1</a></td><td>0.76 vs target 0.8</td></tr>' +
        '<tr><td style="color:#27ae60;font-weight:bold">Resolved</td><td>Low total</td>' +
        '<td><a href="https://kpi.example.com/#/team/acme/t1">Total score · Team t1</a></td><td>—</td></tr>' +
        '</table></body></html>',
    });
    const zh = renderFor({ kind: 'email', to: ['x@example.com'] }, one('zh'));
    expect(zh.kind === 'email' && zh.html.startsWith('<!doctype html><html lang="zh-CN">')).toBe(true);
    const quote = rule('q', 'warning', "it's", "it's");
    const q = renderFor(
      { kind: 'email', to: ['x@example.com'] },
      buildNotification([item('fired', quote, 'csat', 'agent', 'a1', { actual: 1, target: 1, value: 0 })], {
        language: 'en',
        baseUrl: 'https://k',
      }),
    );
    expect(q.kind === 'email' && q.html).toContain('<td>it&#39;s</td>');
  });

  it(`email lists at most ${EMAIL_MAX_LINES} alerts and says how many more`, () => {
    const many = (n: number) =>
      buildNotification(
        Array.from({ length: n }, (_, i) =>
          item('fired', deviation, 'csat', 'agent', `a${i}`, { actual: 1, target: 2, value: 0.5 }),
        ),
        { language: 'zh', baseUrl: 'https://k' },
      );
    const full = renderFor({ kind: 'email', to: ['x@example.com'] }, many(EMAIL_MAX_LINES));
    expect(full.kind === 'email' && full.text.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(200);
    expect(full.kind === 'email' && full.html).not.toContain('<p>');
    const over = renderFor({ kind: 'email', to: ['x@example.com'] }, many(EMAIL_MAX_LINES + 2));
    expect(over.kind === 'email' && over.text.endsWith('\n+2 条未显示')).toBe(true);
    expect(over.kind === 'email' && over.html.endsWith('</table><p>+2 条未显示</p></body></html>')).toBe(true);
  });
});

describe('requests and answers', () => {
  it('signs the generic webhook over timestamp.body, with the key to dedupe by', () => {
    const n = one('en');
    const m = renderFor({ kind: 'webhook', url: 'https://h', secret: 'whsec' }, n);
    if (m.kind !== 'http') throw new Error('not http');
    const req = signedRequest({ kind: 'webhook', url: 'https://h/in', secret: 'whsec' }, m, 1_700_000_000_999);
    expect(req.url).toBe('https://h/in');
    expect(req.body).toBe(JSON.stringify(m.payload));
    const signature = createHmac('sha256', 'whsec').update(`1700000000.${req.body}`).digest('hex');
    expect(req.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      [WEBHOOK_HEADERS.timestamp]: '1700000000',
      [WEBHOOK_HEADERS.signature]: `v1=${signature}`,
      [WEBHOOK_HEADERS.idempotencyKey]: 'k-a1-fired',
    });
  });

  it('sends the robots’ JSON as is when nothing is signed', () => {
    const n = one('en');
    for (const channel of [
      { kind: 'dingtalk', url: 'https://d/send?access_token=t', secret: null },
      { kind: 'wecom', url: 'https://w/send?key=k' },
      { kind: 'feishu', url: 'https://f/hook', secret: null },
      { kind: 'slack', url: 'https://s/services/x' },
    ] as const) {
      const m = renderFor(channel, n);
      if (m.kind !== 'http') throw new Error('not http');
      expect(signedRequest(channel, m, 0), channel.kind).toEqual({
        url: channel.url,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(m.payload),
      });
    }
  });

  it('takes any 2xx of the generic webhook, and reports a vendor’s code with its message or the body', () => {
    expect(vendorFailure('webhook', 200, '')).toBeNull();
    expect(vendorFailure('webhook', 299, '')).toBeNull();
    expect(vendorFailure('webhook', 300, 'moved')).toBe('HTTP 300: moved');
    expect(vendorFailure('webhook', 199, '')).toBe('HTTP 199: ');
    expect(vendorFailure('webhook', 502, 'x'.repeat(300))).toBe(`HTTP 502: ${'x'.repeat(200)}`);
    expect(vendorFailure('slack', 200, ' ok\n')).toBeNull();
    expect(vendorFailure('slack', 200, 'no_service')).toBe('Slack answered: no_service');
    expect(vendorFailure('wecom', 200, '{"errcode":0}')).toBeNull();
    expect(vendorFailure('wecom', 200, '{"errcode":45009}')).toBe('errcode 45009: {"errcode":45009}');
    expect(vendorFailure('wecom', 200, '[1]')).toBe('errcode undefined: [1]');
    expect(vendorFailure('dingtalk', 200, 'null')).toBe('errcode undefined: null');
    expect(vendorFailure('feishu', 200, '{"code":0,"msg":"success"}')).toBeNull();
    expect(vendorFailure('feishu', 200, '{"StatusCode":19021,"StatusMessage":"sign match fail"}')).toBe(
      'code 19021: sign match fail',
    );
    expect(vendorFailure('feishu', 200, '{"code":9499}')).toBe('code 9499: {"code":9499}');
  });
});

describe('credentials in logs', () => {
  it('finds the secret, the URL, its long query values and path segments, longest first, each once', () => {
    const webhook: ChannelConfig = {
      kind: 'webhook',
      url: 'https://h.example.com/in?t=1234567&token=12345678',
      secret: 'whsec',
    };
    expect(secretsOf(webhook)).toEqual(['https://h.example.com/in?t=1234567&token=12345678', '12345678', 'whsec']);
    const feishu: ChannelConfig = {
      kind: 'feishu',
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef',
      secret: 'fsec',
    };
    expect(secretsOf(feishu)).toEqual([
      'https://open.feishu.cn/open-apis/bot/v2/hook/0123456789abcdef',
      '0123456789abcdef',
      'fsec',
    ]);
    // the same secret in the URL is listed once
    expect(secretsOf({ ...feishu, secret: '0123456789abcdef' })).toHaveLength(2);
    // a segment of 15 characters is a path, not a token
    expect(secretsOf({ kind: 'slack', url: 'https://h/0123456789abcde' })).toEqual(['https://h/0123456789abcde']);
    expect(secretsOf({ kind: 'dingtalk', url: 'not a url', secret: null })).toEqual(['not a url']);
    expect(secretsOf({ kind: 'feishu', url: 'https://f', secret: '' })).toEqual(['https://f']);
    expect(secretsOf({ kind: 'email', to: ['x@example.com'] })).toEqual([]);
    expect(redact('a b', ['', 'b'])).toBe('a ***');
  });

  it('fitLines keeps all that fit, else the most that fit with a "+more" line', () => {
    expect(fitLines(5, () => true)).toBe(5);
    expect(fitLines(5, () => false)).toBe(0);
    expect(fitLines(5, (k, more) => k + (more > 0 ? 1 : 0) <= 4)).toBe(3);
    expect(fitLines(1, (k) => k === 0)).toBe(0);
    expect(fitLines(0, () => true)).toBe(0);
    // the "+more" line is measured with the count it will say: "+4" fits where "+14" would not
    expect(fitLines(9, (k, more) => k + String(more).length <= 6)).toBe(5);
  });
});

// A message exactly at a vendor's limit goes whole; one byte more and the last alert makes way for a
// "+1 more" line. The resolved alert's rule name pads the message (it appears once in each rendering).
describe('the size limits, to the byte', () => {
  const padded = (k: number, language: Language = 'en'): Notification => {
    const long = item('resolved', rule('low', 'info', 'x'.repeat(k), 'x'.repeat(k)), '', 'team', 't1', {
      actual: null,
      target: null,
      value: null,
    });
    return buildNotification([fired, long], { language, baseUrl: 'https://k' });
  };
  const text = (payload: JsonObject): string => JSON.stringify(payload);
  it.each([
    ['webhook', { kind: 'webhook', url: 'https://h', secret: 's' }, WEBHOOK_MAX_BYTES, text, '"more":1}'],
    ['feishu', { kind: 'feishu', url: 'https://f', secret: null }, FEISHU_MAX_BYTES, text, '+1 more'],
    [
      'dingtalk',
      { kind: 'dingtalk', url: 'https://d', secret: null },
      DINGTALK_MAX_BYTES,
      (p: JsonObject) => (p as { markdown: { text: string } }).markdown.text,
      '+1 more',
    ],
    [
      'wecom',
      { kind: 'wecom', url: 'https://w' },
      WECOM_MAX_BYTES,
      (p: JsonObject) => (p as { markdown: { content: string } }).markdown.content,
      '+1 more',
    ],
  ] as const)('%s', (_kind, channel, max, measured, oneMore) => {
    const base = Buffer.byteLength(measured(http(channel, padded(0))));
    const atLimit = measured(http(channel, padded(max - base)));
    expect(Buffer.byteLength(atLimit)).toBe(max);
    expect(atLimit).toContain('x'.repeat(max - base));
    expect(atLimit).not.toContain(oneMore);
    const over = measured(http(channel, padded(max - base + 1)));
    expect(over).not.toContain('xxx');
    expect(over).toContain(oneMore);
  });

  it('Slack: 49 alerts and the header are 50 blocks; 50 alerts keep 48 and a "+2 more" line', () => {
    const many = (n: number) =>
      buildNotification(
        Array.from({ length: n }, (_, i) =>
          item('fired', deviation, 'csat', 'agent', `a${i}`, { actual: 1, target: 2, value: 0.5 }),
        ),
        { language: 'en', baseUrl: 'https://k' },
      );
    const blocks = (n: number) =>
      (http({ kind: 'slack', url: 'https://s' }, many(n)) as { blocks: { type: string }[] }).blocks;
    expect(blocks(49).map((b) => b.type)).toEqual(['header', ...Array<string>(49).fill('section')]);
    expect(blocks(50).slice(-2)).toEqual([
      expect.objectContaining({ type: 'section' }),
      { type: 'context', elements: [{ type: 'mrkdwn', text: '+2 more' }] },
    ]);
    expect(blocks(50)).toHaveLength(50);
  });

  it('Feishu: the "+more" row is a text row in the language', () => {
    const feishu = { kind: 'feishu', url: 'https://f', secret: null } as const;
    const base = Buffer.byteLength(JSON.stringify(http(feishu, padded(0, 'zh'))));
    const over = http(feishu, padded(FEISHU_MAX_BYTES - base + 1, 'zh')) as {
      content: { post: { zh_cn: { content: unknown[] } } };
    };
    expect(over.content.post.zh_cn.content.at(-1)).toEqual([{ tag: 'text', text: '+1 条未显示' }]);
  });
});
