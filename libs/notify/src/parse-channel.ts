import { AlertInputError, isObject } from '#libs/alerting';
import type { ChannelConfig, ChannelKind } from './channel';

export const CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'dingtalk', 'wecom', 'feishu', 'slack', 'email'];

const EMAIL = /^[^@\s<>(),;:"]+@[^@\s<>(),;:"]+\.[^@\s<>(),;:"]+$/;
const MAX_RECIPIENTS = 50;

function url(v: unknown, field: string): string {
  if (typeof v !== 'string' || !URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol))
    throw new AlertInputError(field, v === undefined ? 'missing' : 'invalid', 'expected the http(s) URL to post to');
  return v;
}

function secret(v: unknown, field: string, required: boolean): string | null {
  if (v === undefined || v === null) {
    if (required) throw new AlertInputError(field, 'missing', 'expected the signing secret (16 characters or more)');
    return null;
  }
  if (typeof v !== 'string' || v.length < 16 || v.length > 500)
    throw new AlertInputError(field, 'invalid', 'expected the signing secret (16 to 500 characters)');
  return v;
}

// A subscription's channel from a request body: { kind, url, secret } or { kind: 'email', to: [...] }.
export function parseChannel(value: unknown, field = 'channel'): ChannelConfig {
  if (!isObject(value))
    throw new AlertInputError(field, value === undefined ? 'missing' : 'invalid', 'expected { kind, … }');
  const kind = value.kind;
  const keys: Record<ChannelKind, readonly string[]> = {
    webhook: ['kind', 'url', 'secret'],
    dingtalk: ['kind', 'url', 'secret'],
    wecom: ['kind', 'url'],
    feishu: ['kind', 'url', 'secret'],
    slack: ['kind', 'url'],
    email: ['kind', 'to'],
  };
  if (typeof kind !== 'string' || !(CHANNEL_KINDS as readonly string[]).includes(kind))
    throw new AlertInputError(
      `${field}.kind`,
      kind === undefined ? 'missing' : 'invalid',
      `expected one of ${CHANNEL_KINDS.join(', ')}`,
    );
  const k = kind as ChannelKind;
  for (const key of Object.keys(value))
    if (!keys[k].includes(key))
      throw new AlertInputError(`${field}.${key}`, 'unknown_field', `a ${k} channel takes ${keys[k].join(', ')}`);
  switch (k) {
    case 'webhook':
      return {
        kind: k,
        url: url(value.url, `${field}.url`),
        secret: secret(value.secret, `${field}.secret`, true) as string,
      };
    case 'dingtalk':
    case 'feishu':
      return { kind: k, url: url(value.url, `${field}.url`), secret: secret(value.secret, `${field}.secret`, false) };
    case 'wecom':
    case 'slack':
      return { kind: k, url: url(value.url, `${field}.url`) };
    case 'email': {
      const to = value.to;
      if (
        !Array.isArray(to) ||
        to.length === 0 ||
        to.length > MAX_RECIPIENTS ||
        !to.every((a) => typeof a === 'string' && EMAIL.test(a))
      )
        throw new AlertInputError(
          `${field}.to`,
          to === undefined ? 'missing' : 'invalid',
          `expected 1 to ${MAX_RECIPIENTS} email addresses`,
        );
      return { kind: k, to: to as string[] };
    }
  }
}

// What the API shows of a channel: its kind, the URL's host (the rest of a robot's URL is its
// credential), whether it signs, the email addresses. Never a secret.
export type PublicChannel =
  { kind: Exclude<ChannelKind, 'email'>; url: string; signed: boolean } | { kind: 'email'; to: readonly string[] };

export function publicChannel(c: ChannelConfig): PublicChannel {
  if (c.kind === 'email') return { kind: c.kind, to: c.to };
  const origin = URL.canParse(c.url) ? new URL(c.url).origin : 'invalid';
  const signed = (c.kind === 'webhook' || c.kind === 'dingtalk' || c.kind === 'feishu') && c.secret !== null;
  return { kind: c.kind, url: `${origin}/***`, signed };
}
