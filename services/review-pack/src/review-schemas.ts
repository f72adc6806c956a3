import type { SchemaObject } from '#runtime/http-api';

// The review pack API's bodies and answers as OpenAPI schemas, beside the types they describe
// (libs/review ReviewPack, ActionItem; libs/postgres StoredPack).
const LOCALIZED: SchemaObject = {
  type: 'object',
  properties: { zh: { type: 'string', example: '签约额' }, en: { type: 'string', example: 'Signed amount' } },
};
const NUM: SchemaObject = { type: 'number', nullable: true };
const MS: SchemaObject = { type: 'number', description: 'epoch milliseconds' };

export const BAD_REVIEW_INPUT: SchemaObject = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'dueDate: must be a calendar date, YYYY-MM-DD' },
    field: { type: 'string', example: 'dueDate' },
    code: { type: 'string', enum: ['required', 'invalid_type', 'invalid_value', 'too_long', 'unknown_field'] },
  },
};

export const ACTION_ITEM: SchemaObject = {
  type: 'object',
  properties: {
    id: { type: 'string', example: '12' },
    teamId: { type: 'string', example: 'O1-T1' },
    title: { type: 'string', example: 'Call back the three stalled manufacturing deals' },
    owner: { type: 'string', example: 'O1-T1-A3' },
    dueDate: { type: 'string', format: 'date', example: '2026-12-04' },
    status: { type: 'string', enum: ['open', 'in_progress', 'done', 'dropped'] },
    raisedWeek: { type: 'string', example: '2026-W48' },
    createdAt: MS,
    updatedAt: MS,
    closedAt: { ...MS, nullable: true },
  },
};

export const ACTION_ITEM_IN: SchemaObject = {
  type: 'object',
  required: ['team', 'title', 'owner', 'dueDate'],
  properties: {
    team: { type: 'string', example: 'O1-T1' },
    title: { type: 'string', maxLength: 500 },
    owner: { type: 'string', maxLength: 200, description: 'an agent id or a name' },
    dueDate: { type: 'string', format: 'date' },
    status: { type: 'string', enum: ['open', 'in_progress', 'done', 'dropped'], default: 'open' },
    week: {
      type: 'string',
      example: '2026-W48',
      description: 'the review week it is raised in; default: the last week ended',
    },
  },
};

export const ACTION_ITEM_PATCH: SchemaObject = {
  type: 'object',
  properties: {
    title: { type: 'string', maxLength: 500 },
    owner: { type: 'string', maxLength: 200 },
    dueDate: { type: 'string', format: 'date' },
    status: { type: 'string', enum: ['open', 'in_progress', 'done', 'dropped'] },
  },
};

const KPI_CHANGE: SchemaObject = {
  type: 'object',
  properties: {
    kpi: { type: 'string' },
    name: LOCALIZED,
    unit: { type: 'string' },
    direction: { type: 'string', enum: ['higher', 'lower'] },
    actual: NUM,
    previous: NUM,
    change: NUM,
    relativeChange: NUM,
    better: { type: 'boolean', nullable: true },
    target: { type: 'number' },
    score: NUM,
    status: { type: 'string', nullable: true, enum: ['green', 'amber', 'red', 'missing'] },
    redLine: { type: 'boolean' },
  },
};

const RED_LINE: SchemaObject = {
  type: 'object',
  properties: {
    scorecard: { type: 'string' },
    kpi: { type: 'string' },
    effect: { type: 'string' },
    level: { type: 'string' },
    entityId: { type: 'string' },
    openedAt: MS,
    resolvedAt: { ...MS, nullable: true },
  },
};

export const REVIEW_PACK: SchemaObject = {
  type: 'object',
  description: 'a team’s weekly review pack (docs/review-and-close.md)',
  properties: {
    team: { type: 'object', properties: { orgId: { type: 'string' }, teamId: { type: 'string' } } },
    week: {
      type: 'object',
      properties: {
        label: { type: 'string', example: '2026-W48' },
        start: MS,
        end: MS,
        timeZone: { type: 'string' },
        first: { type: 'string', format: 'date' },
        last: { type: 'string', format: 'date' },
      },
    },
    previousWeek: { type: 'string' },
    scorecards: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          scorecard: { type: 'string' },
          name: LOCALIZED,
          window: { type: 'string' },
          periodStart: MS,
          periodEnd: MS,
          closed: { type: 'boolean' },
          total: NUM,
          previousTotal: NUM,
          totalChange: NUM,
          grade: { type: 'string', nullable: true },
          previousGrade: { type: 'string', nullable: true },
          kpis: { type: 'array', items: KPI_CHANGE },
        },
      },
    },
    movers: {
      type: 'object',
      properties: {
        up: { type: 'array', items: { type: 'object' } },
        down: { type: 'array', items: { type: 'object' } },
      },
    },
    redLines: {
      type: 'object',
      properties: { opened: { type: 'array', items: RED_LINE }, resolved: { type: 'array', items: RED_LINE } },
    },
    funnel: {
      type: 'object',
      properties: {
        newSqls: NUM,
        previousSqls: NUM,
        conversion: NUM,
        previousConversion: NUM,
        stalledDays: { type: 'integer' },
        stalled: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              dealId: { type: 'string' },
              owner: { type: 'string', nullable: true },
              stage: { type: 'string', nullable: true },
              lastMoveAt: MS,
              ageDays: { type: 'integer' },
            },
          },
        },
      },
    },
    forecast: { type: 'array', items: { type: 'object' } },
    alerts: { type: 'array', items: { type: 'object' } },
    actionItems: { type: 'array', items: ACTION_ITEM },
    dataHash: { type: 'string', description: 'sha256 of the week’s results (not the action items)' },
  },
};

export const STORED_PACK: SchemaObject = {
  type: 'object',
  properties: {
    pack: REVIEW_PACK,
    dataHash: { type: 'string' },
    generatedAt: MS,
    generations: { type: 'integer', description: 'how many times this week’s pack was made' },
    firstHash: {
      type: 'string',
      description: 'the week’s first generation’s hash: when it differs from dataHash, the results were restated since',
    },
  },
};

export const PACK_WEEKS: SchemaObject = {
  type: 'object',
  properties: {
    lastWeek: {
      type: 'string',
      example: '2026-W48',
      description: 'the last week that has ended, on the org’s calendar',
    },
    weeks: {
      type: 'array',
      items: {
        type: 'object',
        properties: { week: { type: 'string' }, dataHash: { type: 'string' }, generatedAt: MS },
      },
    },
  },
};

export const SUBSCRIBER: SchemaObject = {
  type: 'object',
  required: ['email'],
  properties: {
    email: { type: 'string', format: 'email' },
    language: { type: 'string', enum: ['zh', 'en'], default: 'zh' },
  },
};

export const DELIVERIES: SchemaObject = {
  type: 'array',
  items: { type: 'object', properties: { to: { type: 'string' }, error: { type: 'string', nullable: true } } },
};
