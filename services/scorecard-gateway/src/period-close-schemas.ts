import type { SchemaObject } from '#runtime/http-api';

// The answers of the period-close API (docs/review-and-close.md) as OpenAPI schemas, beside the types
// they describe (libs/postgres ClosedPeriodRow, FrozenScorecard, RestatementRow, AuditEntry; libs/close).

const ENTITY: SchemaObject = {
  type: 'object',
  properties: {
    level: { type: 'string', enum: ['org', 'team', 'agent'] },
    id: { type: 'string', example: 'O1-T1-A1' },
    orgId: { type: 'string', example: 'O1' },
  },
};

const NUMBER_OR_NULL: SchemaObject = { type: 'number', nullable: true };

const FROZEN_CONTENT: SchemaObject = {
  type: 'object',
  description: 'what the content hash covers: the card as closed, with the definitions version and the values read',
  properties: {
    scorecard: { type: 'string', example: 'presales-cs-monthly' },
    version: { type: 'integer' },
    entity: ENTITY,
    periodStart: { type: 'string', format: 'date-time' },
    periodEnd: { type: 'string', format: 'date-time' },
    timeZone: { type: 'string', example: 'Asia/Shanghai' },
    total: NUMBER_OR_NULL,
    grade: { type: 'string', nullable: true },
    coefficient: NUMBER_OR_NULL,
    bonus: NUMBER_OR_NULL,
    deducted: { type: 'number' },
    dimensions: { type: 'array', items: { type: 'object' } },
    kpis: {
      type: 'array',
      items: { type: 'object' },
      description: 'kpi, indicator, window, actual, target, score, status…',
    },
    redLines: { type: 'array', items: { type: 'object' } },
    values: { type: 'array', items: { type: 'object' }, description: 'indicator, window, periodStart, value' },
  },
};

const PERSON_OUTCOME: SchemaObject = {
  type: 'object',
  properties: {
    entityId: { type: 'string' },
    proposedGrade: { type: 'object', nullable: true, description: 'rank, computed, proposed, coefficient, tied' },
    bonus: { type: 'object', nullable: true, description: 'rank, place (null: a share of the rest), amount, tied' },
    streaks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          rule: { type: 'string' },
          outcome: { type: 'string', enum: ['flag', 'promotion', 'raise'] },
          periods: { type: 'integer' },
          run: { type: 'integer' },
          met: { type: 'boolean' },
        },
      },
    },
  },
};

const PERIOD_OUTCOME: SchemaObject = {
  type: 'object',
  properties: {
    calibration: { type: 'object', nullable: true, description: 'population, violated, limits, grades (by rank)' },
    bonusPool: { type: 'object', nullable: true, description: 'pool, shares (by rank)' },
  },
};

export const CLOSED_PERIOD: SchemaObject = {
  type: 'object',
  properties: {
    scorecard: { type: 'string' },
    orgId: { type: 'string' },
    periodStart: { type: 'string', format: 'date-time' },
    periodEnd: { type: 'string', format: 'date-time' },
    version: { type: 'integer' },
    graceMs: { type: 'integer' },
    logPosition: { type: 'integer', nullable: true },
    closedAt: { type: 'string', format: 'date-time' },
    outcome: PERIOD_OUTCOME,
  },
};

export const CLOSED_PERIODS: SchemaObject = { type: 'array', items: CLOSED_PERIOD };

const FINAL_GRADE: SchemaObject = {
  type: 'object',
  nullable: true,
  properties: {
    grade: { type: 'string' },
    coefficient: NUMBER_OR_NULL,
    decidedBy: { type: 'string' },
    role: { type: 'string' },
    reason: { type: 'string' },
    decidedAt: { type: 'string', format: 'date-time' },
  },
};

const FROZEN_SCORECARD: SchemaObject = {
  type: 'object',
  properties: {
    content: FROZEN_CONTENT,
    hash: { type: 'string', description: 'sha256 of the content' },
    outcome: PERSON_OUTCOME,
    effective: {
      type: 'object',
      description: 'the result in effect: the latest approved restatement, else the frozen card',
      properties: {
        content: FROZEN_CONTENT,
        hash: { type: 'string' },
        restatement: { type: 'string', nullable: true },
      },
    },
    pendingRestatements: { type: 'integer' },
    finalGrade: FINAL_GRADE,
  },
};

export const REVIEW_PERIOD: SchemaObject = {
  type: 'object',
  properties: {
    period: CLOSED_PERIOD,
    current: { type: 'array', items: FROZEN_SCORECARD },
    previousStart: { type: 'string', format: 'date-time', nullable: true },
    previous: {
      type: 'array',
      items: FROZEN_SCORECARD,
      description: "the previous closed period's cards, to compare with",
    },
  },
};

export const RESTATEMENT: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    scorecard: { type: 'string' },
    orgId: { type: 'string' },
    entity: ENTITY,
    periodStart: { type: 'string', format: 'date-time' },
    beforeHash: { type: 'string' },
    afterHash: { type: 'string' },
    after: FROZEN_CONTENT,
    diff: { type: 'array', items: { type: 'object', description: 'path, before, after' } },
    logFrom: { type: 'integer', nullable: true, description: 'events after this log position (the freeze) …' },
    logTo: { type: 'integer', nullable: true, description: '… up to this one moved the card' },
    changed: { type: 'array', items: { type: 'object' }, description: 'the indicator values that moved' },
    detectedAt: { type: 'string', format: 'date-time' },
    status: { type: 'string', enum: ['pending', 'approved', 'dismissed'] },
    decidedBy: { type: 'string', nullable: true },
    reason: { type: 'string', nullable: true },
    decidedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};

export const RESTATEMENTS: SchemaObject = { type: 'array', items: RESTATEMENT };

export const REASON_IN: SchemaObject = {
  type: 'object',
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 1000, example: 'late CRM import confirmed' } },
};

export const GRADE_IN: SchemaObject = {
  type: 'object',
  required: ['grade', 'reason'],
  properties: {
    grade: { type: 'string', example: 'B', description: "one of the card's grades: the proposal's to accept it" },
    reason: { type: 'string', minLength: 1, maxLength: 1000 },
  },
};

export const CALIBRATION: SchemaObject = {
  type: 'object',
  properties: {
    period: CLOSED_PERIOD,
    proposal: { type: 'object', nullable: true, description: 'population, violated, limits, grades (by rank)' },
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: { entity: ENTITY, computed: { type: 'string', nullable: true }, finalGrade: FINAL_GRADE },
      },
    },
  },
};

export const AUDIT: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      actor: { type: 'string' },
      action: {
        type: 'string',
        enum: ['closed', 'restated', 'restatement-approved', 'restatement-dismissed', 'grade-decided'],
      },
      scorecard: { type: 'string' },
      periodStart: { type: 'string', format: 'date-time' },
      entityId: { type: 'string', nullable: true },
      detail: { type: 'object' },
    },
  },
};

export const GRADE_DECIDED: SchemaObject = {
  type: 'object',
  properties: { entity: { type: 'string', example: 'agent:O1:O1-T1-A1' }, ...FINAL_GRADE.properties },
};
