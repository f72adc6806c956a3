import { ALERT_SEVERITIES } from '#libs/definitions';
import { CHANNEL_KINDS } from '#libs/notify';
import { MATCHER_KEYS } from '#libs/alerting';
import type { SchemaObject } from '#runtime/http-api';

// The OpenAPI schemas of /v1/alert-subscriptions, /v1/alert-silences and /v1/alert-deliveries.

const ID_OR_IDS: SchemaObject = {
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 200 }],
};

export const MATCHERS: SchemaObject = {
  type: 'object',
  description: 'each key given must hold (a value, or any of a list); a key not given matches anything',
  additionalProperties: false,
  properties: {
    org: ID_OR_IDS,
    team: ID_OR_IDS,
    agent: ID_OR_IDS,
    scorecard: ID_OR_IDS,
    kpi: { ...ID_OR_IDS, description: "the KPI id ('' for a total-score streak)" },
    rule: { ...ID_OR_IDS, description: 'the alert rule id' },
    kind: { ...ID_OR_IDS, description: 'the rule kind: red-line, deviation, streak, pace' },
    severity: { ...ID_OR_IDS, description: ALERT_SEVERITIES.join(', ') },
  },
  example: { team: 'T1', severity: ['critical', 'warning'] },
};

export const BAD_ALERT_INPUT: SchemaObject = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'channel.url: expected the http(s) URL to post to' },
    field: { type: 'string', example: 'channel.url' },
    code: { type: 'string', enum: ['missing', 'invalid', 'out_of_range', 'unknown_field', 'forbidden'] },
  },
};

const CHANNEL_IN: SchemaObject = {
  type: 'object',
  required: ['kind'],
  description:
    'webhook: url, secret (16+ characters, HMAC-SHA256); dingtalk: url, secret (SEC…) or none; wecom: url; ' +
    'feishu: url, secret or none; slack: url; email: to (1 to 50 addresses). Secrets are stored, never returned.',
  properties: {
    kind: { type: 'string', enum: [...CHANNEL_KINDS] },
    url: { type: 'string', format: 'uri' },
    secret: { type: 'string', nullable: true, writeOnly: true },
    to: { type: 'array', items: { type: 'string', format: 'email' } },
  },
  example: { kind: 'webhook', url: 'https://hooks.example.com/kpi', secret: 'e3b0c44298fc1c149afbf4c8996fb924' },
};

const QUIET_HOURS: SchemaObject = {
  type: 'object',
  nullable: true,
  description: "local times in the org's time zone; from after to spans midnight",
  properties: { from: { type: 'string', example: '22:00' }, to: { type: 'string', example: '08:00' } },
};

const ROUTING_PROPERTIES = {
  matchers: MATCHERS,
  language: { type: 'string', enum: ['zh', 'en'] },
  groupBy: { type: 'array', items: { type: 'string', enum: [...MATCHER_KEYS] }, default: ['team'] },
  groupWaitMs: { type: 'integer', minimum: 0, maximum: 3_600_000, default: 30_000 },
  groupIntervalMs: { type: 'integer', minimum: 0, maximum: 86_400_000, default: 300_000 },
  repeatIntervalMs: { type: 'integer', minimum: 60_000, maximum: 2_592_000_000, default: 14_400_000 },
  quietHours: QUIET_HOURS,
};

export const SUBSCRIPTION_IN: SchemaObject = {
  type: 'object',
  required: ['channel', 'language'],
  additionalProperties: false,
  properties: { ...ROUTING_PROPERTIES, channel: CHANNEL_IN },
};

export const SUBSCRIPTION_PATCH: SchemaObject = {
  type: 'object',
  description: 'the fields to change; a channel given replaces the whole channel (its secret too)',
  additionalProperties: false,
  properties: { ...ROUTING_PROPERTIES, channel: CHANNEL_IN },
};

export const SUBSCRIPTION: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orgId: { type: 'string' },
    owner: {
      type: 'object',
      properties: { subject: { type: 'string' }, role: { type: 'string', enum: ['admin', 'manager', 'agent'] } },
    },
    ...ROUTING_PROPERTIES,
    channel: {
      type: 'object',
      description: "the kind, the URL's origin only (the rest is a credential), whether it signs; email: the addresses",
      properties: {
        kind: { type: 'string', enum: [...CHANNEL_KINDS] },
        url: { type: 'string', example: 'https://oapi.dingtalk.com/***' },
        signed: { type: 'boolean' },
        to: { type: 'array', items: { type: 'string' } },
      },
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};

export const SILENCE_IN: SchemaObject = {
  type: 'object',
  required: ['matchers', 'endsAt', 'comment'],
  additionalProperties: false,
  properties: {
    matchers: { ...MATCHERS, description: 'at least one; a manager names their teams' },
    startsAt: { type: 'string', format: 'date-time', description: 'RFC 3339; default now' },
    endsAt: { type: 'string', format: 'date-time', description: 'RFC 3339, after now, within a year' },
    comment: { type: 'string', minLength: 1, maxLength: 1000, description: 'why' },
  },
};

export const SILENCE: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    orgId: { type: 'string' },
    matchers: MATCHERS,
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string', description: "the token's subject" },
    comment: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

export const DELIVERY: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    subscription: { type: 'string' },
    key: { type: 'string', description: 'the idempotency key the receiver sees' },
    channelKind: { type: 'string', enum: [...CHANNEL_KINDS] },
    group: { type: 'string', example: 'team=T1' },
    reason: { type: 'string', enum: ['changes', 'repeat'] },
    alerts: { type: 'array', items: { type: 'string' }, description: 'the transitions’ keys' },
    title: { type: 'string', description: 'the message’s title (an email’s subject)' },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'string', format: 'date-time' },
    lastError: { type: 'string', nullable: true, description: 'secrets replaced by ***' },
    createdAt: { type: 'string', format: 'date-time' },
    deliveredAt: { type: 'string', format: 'date-time', nullable: true },
  },
};
