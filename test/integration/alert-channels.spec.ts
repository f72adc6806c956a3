import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNotification, renderFor, type ChannelConfig, type Notification } from '#libs/notify';
import { DeliveryRunner } from '#libs/pipeline';
import { ChannelSender } from '../../services/runtime/src/channel-sender';
import { HttpSender } from '../../services/runtime/src/http-sender';
import { SmtpSender } from '../../services/runtime/src/smtp-sender';
import { MemoryOutbox } from '../../libs/pipeline/src/delivery-test-support';
import {
  csatAlert,
  dingTalkVerifier,
  feishuVerifier,
  slackVerifier,
  startReceiver,
  webhookVerifier,
  weComVerifier,
  type Receiver,
} from '../support/alert-receivers';

const BASE = 'https://kpi.example.com';
const SECRET = 'SEC0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const TOKEN = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const http = new HttpSender({ timeoutMs: 5000 });

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  open.push(r);
  return r;
}

const en = (): Notification => buildNotification([csatAlert('a1')], { language: 'en', baseUrl: BASE });
const zh = (): Notification => buildNotification([csatAlert('a1')], { language: 'zh', baseUrl: BASE });

async function sendOnce(channel: ChannelConfig, n: Notification, now = Date.now()): Promise<void> {
  const message = renderFor(channel, n);
  if (channel.kind === 'email' || message.kind !== 'http') throw new Error('http channels only');
  await http.send(channel, message, now);
}

describe('each HTTP channel against a receiver that verifies it the vendor’s way', () => {
  it('generic webhook: HMAC over timestamp.body, the idempotency key, the alert in JSON', async () => {
    const r = await receiver(webhookVerifier(SECRET));
    await sendOnce({ kind: 'webhook', url: `${r.url}/hooks/kpi`, secret: SECRET }, en());
    expect(r.refused).toEqual([]);
    const [got] = r.accepted;
    expect(got?.headers['idempotency-key']).toBe(en().key);
    expect(got?.json).toMatchObject({
      version: 1,
      title: 'Firing: High-priority KPI 5 % off its target · Customer satisfaction · Agent a1',
      severity: 'warning',
      alerts: [
        {
          status: 'fired',
          kpi: { id: 'csat', name: 'Customer satisfaction' },
          entity: { orgId: 'acme', level: 'agent', id: 'a1' },
          actual: 0.76,
          target: 0.8,
          link: 'https://kpi.example.com/#/agent/acme/a1',
        },
      ],
      more: 0,
    });
  });

  it('generic webhook: a wrong secret is refused (HTTP 401) and the error hides the secret', async () => {
    const r = await receiver(webhookVerifier('another-secret'));
    const failure = sendOnce({ kind: 'webhook', url: `${r.url}/hooks/kpi`, secret: SECRET }, en());
    await expect(failure).rejects.toThrow(/HTTP 401/);
    await expect(failure).rejects.not.toThrow(SECRET);
    expect(r.refused).toEqual(['bad signature']);
  });

  it('DingTalk: signed query, markdown in Chinese; a stale timestamp is errcode 310000, a failure', async () => {
    const r = await receiver(dingTalkVerifier(TOKEN, SECRET));
    const channel: ChannelConfig = {
      kind: 'dingtalk',
      url: `${r.url}/robot/send?access_token=${TOKEN}`,
      secret: SECRET,
    };
    await sendOnce(channel, zh());
    const body = r.accepted[0]?.json as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toBe('告警：高优先级指标偏离阈值≥5% · 客户满意度 · 成员 a1');
    expect(body.markdown.text).toContain('[客户满意度 · 成员 a1](https://kpi.example.com/#/agent/acme/a1)');
    expect(body.markdown.text).toContain('0.76 vs 目标 0.8');

    const stale = sendOnce(channel, zh(), Date.now() - 2 * 3_600_000);
    await expect(stale).rejects.toThrow(/errcode 310000: timestamp expired/);
    await expect(stale).rejects.not.toThrow(TOKEN);
    expect(r.accepted).toHaveLength(1);
  });

  it('WeCom: the key in the URL, markdown content with colours; a wrong key is errcode 93000', async () => {
    const r = await receiver(weComVerifier(TOKEN));
    await sendOnce({ kind: 'wecom', url: `${r.url}/cgi-bin/webhook/send?key=${TOKEN}` }, en());
    const body = r.accepted[0]?.json as { msgtype: string; markdown: { content: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.content).toMatch(/^### Firing: High-priority KPI/);
    expect(body.markdown.content).toContain('<font color="warning">Firing</font>');
    expect(body.markdown.content).toContain('0.76 vs target 0.8');
    await expect(sendOnce({ kind: 'wecom', url: `${r.url}/cgi-bin/webhook/send?key=wrong-key` }, en())).rejects.toThrow(
      /errcode 93000/,
    );
  });

  it('Feishu: timestamp and sign in the body, a zh_cn post; a wrong secret is code 19021, a failure', async () => {
    const r = await receiver(feishuVerifier(SECRET));
    const url = `${r.url}/open-apis/bot/v2/hook/${TOKEN}`;
    await sendOnce({ kind: 'feishu', url, secret: SECRET }, zh());
    const body = r.accepted[0]?.json as {
      msg_type: string;
      content: { post: Record<string, { title: string; content: unknown }> };
    };
    expect(body.msg_type).toBe('post');
    expect(body.content.post.zh_cn?.title).toBe('告警：高优先级指标偏离阈值≥5% · 客户满意度 · 成员 a1');
    expect(JSON.stringify(body.content.post.zh_cn?.content)).toContain(
      '"href":"https://kpi.example.com/#/agent/acme/a1"',
    );

    const wrong = sendOnce({ kind: 'feishu', url, secret: 'not-the-secret' }, zh());
    await expect(wrong).rejects.toThrow(/code 19021/);
    await expect(wrong).rejects.not.toThrow(TOKEN);
  });

  it('Slack: text and blocks to the hook path; the answer must be "ok"', async () => {
    const path = `/services/T000/B000/${TOKEN}`;
    const r = await receiver(slackVerifier(path));
    await sendOnce({ kind: 'slack', url: `${r.url}${path}` }, en());
    const body = r.accepted[0]?.json as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(body.text).toBe(en().title);
    expect(body.blocks[0]).toMatchObject({ type: 'header' });
    expect(body.blocks[1]?.text?.text).toContain(
      '<https://kpi.example.com/#/agent/acme/a1|Customer satisfaction · Agent a1>',
    );
    await expect(sendOnce({ kind: 'slack', url: `${r.url}/services/wrong` }, en())).rejects.toThrow(
      /HTTP 404: no_service/,
    );
  });
});

describe('email through a real SMTP server', () => {
  it('a text and an HTML part, both linking to the scorecard, authenticated; the password never in errors', async () => {
    const mails: Buffer[] = [];
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, done) {
        if (auth.username === 'alerts' && auth.password === 'smtp-pass-123') done(null, { user: 'alerts' });
        else done(new Error('Invalid username or password'));
      },
      onData(stream, _session, done) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks));
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const port = (server.server.address() as AddressInfo).port;
    const smtp = (password: string) =>
      new SmtpSender({
        host: '127.0.0.1',
        port,
        secure: false,
        user: 'alerts',
        password,
        from: 'KPI Pulse <alerts@kpi.example.com>',
        timeoutMs: 5000,
      });

    const n = buildNotification([csatAlert('a1'), csatAlert('a2', 'resolved')], {
      language: 'zh',
      baseUrl: BASE,
      group: '团队 t1',
    });
    const message = renderFor({ kind: 'email', to: ['lead@example.com'] }, n);
    const sender = new ChannelSender(http, smtp('smtp-pass-123'));
    await sender.send({ kind: 'email', to: ['lead@example.com'] }, message, Date.now());

    expect(mails).toHaveLength(1);
    const mail = await simpleParser(mails[0] as Buffer);
    expect(mail.subject).toBe('1 条告警，1 条已恢复 · 团队 t1');
    expect(mail.headers.get('x-kpi-pulse-idempotency-key')).toBe(n.key);
    expect(mail.text).toContain('告警 · 高优先级指标偏离阈值≥5% · 客户满意度 · 成员 a1 · 0.76 vs 目标 0.8');
    expect(mail.text).toContain('https://kpi.example.com/#/agent/acme/a2');
    expect(mail.html).toContain('<a href="https://kpi.example.com/#/agent/acme/a1">客户满意度 · 成员 a1</a>');
    expect(mail.html).toContain('已恢复');

    const refused = new ChannelSender(http, smtp('wrong-pass-456')).send(
      { kind: 'email', to: ['lead@example.com'] },
      message,
      Date.now(),
    );
    await expect(refused).rejects.toThrow(/email: .*Invalid username or password/);
    await expect(refused).rejects.not.toThrow('wrong-pass-456');
  });
});

describe('the delivery runner with the real senders, on an injected clock', () => {
  function runnerOver(r: Receiver, channel: ChannelConfig, maxAttempts: number) {
    let now = Date.now(); // the receivers check timestamps against the real clock: start there
    const outbox = new MemoryOutbox();
    outbox.add('d1', channel, renderFor(channel, en()), now);
    const runner = new DeliveryRunner(outbox, new ChannelSender(http, null), {
      policy: { baseMs: 50, capMs: 400, maxAttempts },
      clock: () => now,
      random: () => 1 - Number.EPSILON,
    });
    // ticks until the delivery is no longer pending, moving the clock to each retry
    const drain = async () => {
      for (let i = 0; i < 20 && outbox.get('d1').status === 'pending'; i++) {
        now = Math.max(now, outbox.get('d1').nextAttemptAt);
        await runner.tick();
      }
    };
    return { outbox, runner, drain };
  }

  it('a receiver that fails 3 times then succeeds gets exactly one message', async () => {
    const r = await receiver(webhookVerifier(SECRET), 3);
    const { outbox, runner, drain } = runnerOver(r, { kind: 'webhook', url: `${r.url}/in`, secret: SECRET }, 5);
    await drain();
    expect(outbox.get('d1')).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(r.refused).toEqual(['failing on purpose', 'failing on purpose', 'failing on purpose']);
    expect(r.accepted).toHaveLength(1);
    await runner.tick();
    expect(r.accepted).toHaveLength(1);
  });

  it('after max attempts a vendor error body leaves the delivery failed with it; re-queued by hand it goes through', async () => {
    let token = 'not-yet-valid-token';
    const r = await receiver((req) => dingTalkVerifier(token, SECRET)(req));
    const channel: ChannelConfig = {
      kind: 'dingtalk',
      url: `${r.url}/robot/send?access_token=${TOKEN}`,
      secret: SECRET,
    };
    const { outbox, runner, drain } = runnerOver(r, channel, 3);
    await drain();
    const failed = outbox.get('d1');
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.error).toBe('dingtalk: errcode 300001: token is not exist');
    expect(r.accepted).toHaveLength(0);

    token = TOKEN; // the robot was fixed
    expect(await runner.retryByHand('d1')).toBe(true);
    await drain();
    expect(outbox.get('d1')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(r.accepted).toHaveLength(1);
  });
});
