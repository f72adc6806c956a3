import type { SchemaObject } from '#runtime/http-api';

// The answers of /v1/alerts as OpenAPI schemas, beside the types they describe (libs/pipeline AlertRecord,
// AlertAck; libs/postgres CurrentAlerts, HistoryEntry).

const RULE_NAME: SchemaObject = {
  type: 'object',
  description: "the rule's name in each language of the page",
  properties: { zh: { type: 'string', example: '触碰红线' }, en: { type: 'string', example: 'Red line crossed' } },
};

const ACKNOWLEDGED: SchemaObject = {
  type: 'object',
  nullable: true,
  description: 'who acknowledged the fired alert first (a token subject), and when; null: nobody yet',
  properties: { by: { type: 'string', example: 'manager-O1-T1' }, at: { type: 'string', format: 'date-time' } },
};

// what an alert watches, as alert_transitions and alert_states name it
const WATCHES = {
  orgId: { type: 'string', example: 'O1' },
  scorecard: { type: 'string', example: 'cs-supervisor-monthly' },
  rule: { type: 'string', example: 'red-lines' },
  ruleName: RULE_NAME,
  severity: { type: 'string', example: 'critical' },
  kpi: { type: 'string', example: 'privacy_violations', description: "'' for the card's total score" },
  level: { type: 'string', enum: ['org', 'team', 'agent'] },
  entityId: { type: 'string', example: 'O1-T1' },
  periodStart: { type: 'string', format: 'date-time', nullable: true, description: 'null for a streak' },
  value: { type: 'number', nullable: true, description: 'what the rule compared (a shortfall, a streak length)' },
} satisfies Record<string, SchemaObject>;

export const CURRENT_ALERTS: SchemaObject = {
  type: 'object',
  description: "the alerts pending or firing now in the caller's scope, firing first and the most severe first",
  properties: {
    firing: { type: 'integer', description: 'firing in the scope, all of them (the bell)' },
    pending: { type: 'integer', description: 'pending in the scope (waiting out their `for`)' },
    alerts: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: {
            type: 'integer',
            nullable: true,
            description: 'the fired transition: what POST /v1/alerts/{id}/acknowledge takes; null while pending',
          },
          status: { type: 'string', enum: ['pending', 'firing'] },
          ...WATCHES,
          since: { type: 'string', format: 'date-time', description: 'firing: when it fired; pending: since when' },
          acknowledged: ACKNOWLEDGED,
          silenced: {
            type: 'object',
            nullable: true,
            description: 'the silence in force that mutes it (POST /v1/alert-silences): who made it, until when, why',
            properties: {
              id: { type: 'string' },
              by: { type: 'string', example: 'manager-O1-T1' },
              until: { type: 'string', format: 'date-time' },
              comment: { type: 'string', example: '在处理' },
            },
          },
        },
      },
    },
  },
};

export const ALERT_HISTORY: SchemaObject = {
  type: 'object',
  description: "the transitions in the caller's scope, newest first",
  properties: {
    transitions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          key: { type: 'string', description: 'the idempotency key deliveries carry' },
          kind: { type: 'string', enum: ['fired', 'resolved'] },
          ...WATCHES,
          firedAt: { type: 'string', format: 'date-time', description: 'event time the episode fired' },
          at: { type: 'string', format: 'date-time', description: 'event time of this transition' },
          acknowledged: ACKNOWLEDGED,
          deliveries: {
            type: 'array',
            description: 'the messages that carried it, oldest first',
            items: {
              type: 'object',
              properties: {
                to: { type: 'string', description: "the subscription owner's subject" },
                channel: { type: 'string', enum: ['webhook', 'dingtalk', 'wecom', 'feishu', 'slack', 'email'] },
                status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
              },
            },
          },
        },
      },
    },
    next: {
      type: 'integer',
      nullable: true,
      description: 'pass as `before` for the next page; null: this is the last',
    },
  },
};

export const ACKNOWLEDGEMENT: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'the fired transition' },
    orgId: { type: 'string' },
    level: { type: 'string', enum: ['org', 'team', 'agent'] },
    entityId: { type: 'string' },
    by: { type: 'string', description: "the first acknowledger's token subject" },
    at: { type: 'string', format: 'date-time' },
    created: { type: 'boolean', description: 'false: it was acknowledged before (by `by`, at `at`)' },
  },
};
