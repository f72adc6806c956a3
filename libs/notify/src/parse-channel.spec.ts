import { describe, expect, it } from 'vitest';
import { AlertInputError } from '#libs/alerting';
import { parseChannel, publicChannel } from './parse-channel';

const field = (read: () => unknown): string | null => {
  try {
    read();
    return null;
  } catch (err) {
    if (err instanceof AlertInputError) return err.field;
    throw err;
  }
};

describe('a subscription’s channel', () => {
  it('reads each kind with what it needs', () => {
    expect(parseChannel({ kind: 'feishu', url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc' })).toEqual({
      kind: 'feishu',
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc',
      secret: null,
    });
    expect(parseChannel({ kind: 'email', to: ['lead@example.com'] })).toEqual({
      kind: 'email',
      to: ['lead@example.com'],
    });
    expect(field(() => parseChannel({ kind: 'webhook', url: 'https://x.example', secret: 'short' }))).toBe(
      'channel.secret',
    );
    expect(
      field(() => parseChannel({ kind: 'slack', url: 'https://hooks.slack.com/x', secret: 'abcdefabcdefabcdef' })),
    ).toBe('channel.secret');
    expect(field(() => parseChannel({ kind: 'wecom', url: 'javascript:alert(1)' }))).toBe('channel.url');
    expect(field(() => parseChannel({ kind: 'email', to: [] }))).toBe('channel.to');
    expect(field(() => parseChannel(undefined))).toBe('channel');
  });

  it('shows no secret: the URL’s origin only, whether it signs', () => {
    const dingtalk = {
      kind: 'dingtalk' as const,
      url: 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef',
      secret: 'SEC0123456789abcdef',
    };
    const shown = JSON.stringify(publicChannel(dingtalk));
    expect(shown).toBe('{"kind":"dingtalk","url":"https://oapi.dingtalk.com/***","signed":true}');
    expect(publicChannel({ kind: 'slack', url: 'https://hooks.slack.com/services/T/B/xyz' })).toEqual({
      kind: 'slack',
      url: 'https://hooks.slack.com/***',
      signed: false,
    });
  });
});
