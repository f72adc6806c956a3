import type { SchemaObject } from '#runtime/http-api';

// The answers of the gateway's REST API as OpenAPI schemas (served at /docs and /docs-json), written
// beside the types they describe (libs/pipeline ScoredCard, libs/postgres HistoryPoint, RosterAsOf…).

const LOCALIZED: SchemaObject = {
  type: 'object',
  description: 'a name in each language of the page',
  properties: {
    zh: { type: 'string', example: '首次解决率' },
    en: { type: 'string', example: 'First contact resolution' },
  },
};

const ENTITY: SchemaObject = {
  type: 'object',
  properties: {
    level: { type: 'string', enum: ['org', 'team', 'agent'] },
    id: { type: 'string', description: 'the agent, team or org id', example: 'O1-T1' },
    orgId: { type: 'string', example: 'O1' },
  },
};

const NUMBER_OR_NULL: SchemaObject = { type: 'number', nullable: true };

const CARD_KPI: SchemaObject = {
  type: 'object',
  properties: {
    kpi: { type: 'string', example: 'fcr' },
    indicator: { type: 'string', example: 'fcr_rate' },
    name: LOCALIZED,
    dimension: { type: 'string' },
    actual: NUMBER_OR_NULL,
    target: { type: 'number' },
    achievement: NUMBER_OR_NULL,
    score: NUMBER_OR_NULL,
    weight: { type: 'number' },
    status: { type: 'string', enum: ['green', 'amber', 'red', 'missing'] },
    redLine: { type: 'boolean' },
    missing: { type: 'boolean' },
    pace: {
      type: 'object',
      properties: {
        elapsed: { type: 'number', description: 'fraction of the period elapsed' },
        expected: { type: 'number', description: 'the pro-rated target' },
        projected: NUMBER_OR_NULL,
        gap: NUMBER_OR_NULL,
        scoredOn: { type: 'string', enum: ['pace', 'target'] },
      },
    },
    unscored: { type: 'string', enum: ['window'] },
    unit: {
      type: 'string',
      enum: ['ratio', 'count', 'amount', 'seconds', 'minutes', 'hours', 'days', 'points', 'number'],
    },
    direction: { type: 'string', enum: ['higher', 'lower'] },
  },
};

export const SCORED_CARD: SchemaObject = {
  type: 'object',
  description: "a scorecard of an entity for a period, scored against the org's definitions in force",
  properties: {
    entity: ENTITY,
    periodStart: { type: 'integer', description: 'epoch ms' },
    periodEnd: { type: 'integer', description: 'epoch ms, exclusive' },
    timeZone: { type: 'string', example: 'Asia/Shanghai' },
    currency: { type: 'string', example: 'CNY' },
    window: { type: 'string', example: 'month' },
    scorecardName: LOCALIZED,
    grades: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'best first' },
    score: {
      type: 'object',
      properties: {
        scorecard: { type: 'string', example: 'cs-supervisor-monthly' },
        version: { type: 'integer' },
        kpis: { type: 'array', items: CARD_KPI },
        dimensions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              dimension: { type: 'string' },
              name: LOCALIZED,
              weight: { type: 'number' },
              score: NUMBER_OR_NULL,
            },
          },
        },
        total: NUMBER_OR_NULL,
        grade: { type: 'string', nullable: true, example: 'A' },
        coefficient: NUMBER_OR_NULL,
        bonus: NUMBER_OR_NULL,
        redLines: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              kpi: { type: 'string' },
              effect: { type: 'string', enum: ['veto', 'zero-dimension', 'zero-kpi', 'deduct', 'cap-grade'] },
              points: { type: 'number' },
              grade: { type: 'string' },
            },
          },
        },
        deducted: { type: 'number' },
      },
    },
  },
};

export const SCORED_CARDS: SchemaObject = { type: 'array', items: SCORED_CARD };

export const HISTORY: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      periodStart: { type: 'string', format: 'date-time' },
      total: NUMBER_OR_NULL,
      grade: { type: 'string', nullable: true },
      recordedAt: { type: 'string', format: 'date-time' },
      actuals: { type: 'object', additionalProperties: NUMBER_OR_NULL, description: 'by KPI id' },
    },
  },
};

export const ME: SchemaObject = {
  type: 'object',
  properties: {
    role: { type: 'string', enum: ['admin', 'manager', 'agent', 'display', 'platform'] },
    org: { type: 'string', example: 'O1' },
    teams: { type: 'array', items: { type: 'string' } },
    agent: { type: 'string' },
    rooms: { type: 'array', items: { type: 'string', example: 'team:O1:O1-T1' } },
  },
};

export const CHECKED_DEFINITIONS: SchemaObject = {
  type: 'object',
  properties: {
    errors: { type: 'array', items: { type: 'string' }, description: 'each names the file and the path' },
    warnings: { type: 'array', items: { type: 'string' }, description: 'the SMART lint' },
  },
};

export const PUBLISHED: SchemaObject = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    scorecards: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
    },
  },
};

export const CURRENT_DEFINITIONS: SchemaObject = {
  type: 'object',
  properties: {
    version: { type: 'integer' },
    platformDefault: { type: 'boolean' },
    source: { type: 'string', description: 'the KPI-as-code text as published (YAML or JSON)' },
  },
};

export const DEFINITIONS_HISTORY: SchemaObject = {
  type: 'object',
  properties: {
    current: { type: 'integer', description: "the version in force for the caller's org (0: the start files)" },
    versions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          version: { type: 'integer' },
          orgId: { type: 'string', nullable: true },
          publishedAt: { type: 'string', format: 'date-time' },
          publishedBy: { type: 'string' },
          note: { type: 'string', nullable: true },
          summary: { type: 'object', additionalProperties: true },
          platformDefault: { type: 'boolean' },
        },
      },
    },
  },
};

export const ROSTER_AS_OF: SchemaObject = {
  type: 'object',
  properties: {
    orgId: { type: 'string' },
    asOf: { type: 'string', format: 'date' },
    unknownMembers: { type: 'string', enum: ['accept', 'reject'] },
    teams: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          team: { type: 'string' },
          name: { type: 'string', nullable: true },
          managers: { type: 'array', items: { type: 'string' } },
          agents: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                agent: { type: 'string' },
                name: { type: 'string', nullable: true },
                from: { type: 'string', format: 'date' },
                to: { type: 'string', format: 'date', nullable: true },
              },
            },
          },
        },
      },
    },
  },
};

export const UNKNOWN_MEMBERS: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      kind: { type: 'string', enum: ['agent', 'team'] },
      id: { type: 'string' },
      events: { type: 'integer' },
      firstSeen: { type: 'string', format: 'date-time' },
      lastSeen: { type: 'string', format: 'date-time' },
    },
  },
};

export const REVOCATION: SchemaObject = {
  type: 'object',
  properties: {
    orgId: { type: 'string' },
    jti: { type: 'string' },
    revokedBy: { type: 'string' },
    revokedAt: { type: 'string', format: 'date-time' },
  },
};

// an error answer: what was wrong, by field where there is one

// the what-if preview's answer (libs/preview PreviewReport)
const CARD_OUTCOME: SchemaObject = {
  type: 'object',
  nullable: true,
  description: 'the card under one side (null: no card)',
  properties: {
    version: { type: 'integer' },
    total: { type: 'number', nullable: true },
    grade: { type: 'string', nullable: true },
    redLines: { type: 'array', items: { type: 'string', example: 'fcr:veto' }, description: 'kpi:effect, sorted' },
  },
};

const ENTITY_CHANGE: SchemaObject = {
  type: 'object',
  properties: {
    entity: {
      type: 'object',
      properties: { level: { type: 'string', enum: ['org', 'team', 'agent'] }, id: { type: 'string' } },
    },
    before: CARD_OUTCOME,
    after: CARD_OUTCOME,
    delta: {
      type: 'number',
      nullable: true,
      description: "after's total − before's; null when a total or card appears or goes",
    },
    gradeChanged: { type: 'boolean' },
    redLinesChanged: { type: 'boolean' },
  },
};

const CARD_TALLY: SchemaObject = {
  type: 'object',
  nullable: true,
  description: 'null: the scorecard is not in force on that side',
  properties: {
    version: { type: 'integer' },
    cards: { type: 'integer' },
    grades: { type: 'object', additionalProperties: { type: 'integer' }, example: { A: 3, B: 12, C: 4 } },
    withRedLines: { type: 'integer' },
    meanTotal: { type: 'number', nullable: true },
  },
};

export const PREVIEW_REPORT: SchemaObject = {
  type: 'object',
  properties: {
    orgId: { type: 'string' },
    asOf: { type: 'string', description: "the moment previewed, in the org's time zone" },
    from: { type: 'string', description: 'the start of the earliest period previewed' },
    scored: {
      type: 'object',
      properties: {
        entities: { type: 'integer', description: 'the entities with a stored value or a frozen card scored' },
        cards: { type: 'integer', description: 'cards scored, under both sides' },
      },
    },
    scorecards: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          scorecard: { type: 'string' },
          period: {
            type: 'string',
            enum: ['earlier', 'previous', 'current'],
            description: 'earlier: a closed period before the previous one, asked for with days',
          },
          periodStart: { type: 'string' },
          periodEnd: { type: 'string' },
          closed: { type: 'boolean', description: "re-scored from the values the period's frozen cards read" },
          covered: {
            type: 'boolean',
            description: "false: a card read a rolling window's stored (latest) value for a closed period not frozen",
          },
          before: CARD_TALLY,
          after: CARD_TALLY,
          changed: {
            type: 'object',
            properties: { totals: { type: 'integer' }, grades: { type: 'integer' }, redLines: { type: 'integer' } },
          },
          movers: { type: 'array', items: ENTITY_CHANGE, description: 'the biggest changes first (10 at most)' },
          entities: { type: 'array', items: ENTITY_CHANGE, description: 'every entity with a card, by id' },
        },
      },
    },
  },
};

export const PREVIEW_LINE: SchemaObject = {
  description: 'one line of the NDJSON answer',
  oneOf: [
    {
      type: 'object',
      properties: {
        progress: {
          type: 'object',
          properties: { entities: { type: 'integer', description: 'scored so far' }, total: { type: 'integer' } },
        },
      },
    },
    { type: 'object', properties: { preview: PREVIEW_REPORT } },
    { type: 'object', properties: { error: { type: 'object', properties: { message: { type: 'string' } } } } },
  ],
};
