import type { DefinitionSet, IndicatorDef, ScorecardDef, Term } from './model';
import { parseDefinitionDocument } from './parse-document';
// A small, fully valid definition document for the specs: each spec copies it and breaks one thing.
export interface SampleDocument {
  apiVersion: string;
  orgs: Record<string, unknown>[];
  indicators: Record<string, unknown>[];
  scorecards: (Record<string, unknown> & { kpis: Record<string, unknown>[]; dimensions: Record<string, unknown>[] })[];
}

export function sampleDocument(): SampleDocument {
  return {
    apiVersion: 'kpi-pulse/v1',
    orgs: [{ id: '*', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: { USD: 7.1 } }],
    indicators: [
      {
        id: 'support.fcr',
        name: { en: 'First-contact resolution', zh: '一次解决率' },
        description: 'Tickets solved on the first contact ÷ all tickets solved.',
        unit: 'ratio',
        windows: ['rolling:24h', 'month'],
        numerator: { of: 'ticket.solved', where: { 'data.contacts': 1 } },
        denominator: { of: 'ticket.solved' },
      },
      {
        id: 'support.complaints',
        name: { en: 'Complaints', zh: '投诉' },
        description: 'Dissatisfied customer ratings of the team (the contract has no complaint event).',
        unit: 'count',
        windows: 'month',
        numerator: { of: 'ticket.rated', where: { 'data.satisfied': false } },
      },
    ],
    scorecards: [
      {
        id: 'cs-supervisor-monthly',
        effectiveFrom: '2026-01-01',
        name: { en: 'Customer-service supervisor (monthly)', zh: '客服主管月度绩效' },
        role: 'cs-supervisor',
        level: 'team',
        period: 'month',
        grades: [
          { grade: 'A', min: 90 },
          { grade: 'B', min: 80 },
          { grade: 'C', min: 0 },
        ],
        dimensions: [
          { id: 'efficiency', name: { en: 'Efficiency', zh: '效率' }, weight: 60 },
          { id: 'quality', name: { en: 'Quality', zh: '质量' }, weight: 40 },
        ],
        kpis: [
          {
            id: 'fcr',
            name: { en: 'FCR', zh: '一次解决率' },
            indicator: 'support.fcr',
            dimension: 'efficiency',
            direction: 'higher',
            target: 0.75,
            rule: { achievement: { floor: 0.8, cap: 1.1 } },
          },
          {
            id: 'complaints',
            name: { en: 'Complaints', zh: '投诉' },
            indicator: 'support.complaints',
            dimension: 'quality',
            direction: 'lower',
            target: 0,
            rule: { deduction: { free: 0, perOccurrence: 10 } },
            redLines: [{ when: { gt: 3 }, effects: ['veto'] }],
          },
        ],
      },
    ],
  };
}

// A manual indicator scored by one trainer, 0 to 100: what the event check's specs score against.
export const TRAINING_SCORE: IndicatorDef = {
  id: 'cs.training',
  version: 1,
  name: { en: 'Training', zh: '培训' },
  description: 'Training attendance, scored by the trainer.',
  unit: 'points',
  levels: ['agent'],
  windows: ['month'],
  allowedLatenessMs: 0,
  measure: { kind: 'manual', scale: [0, 100], reviewers: ['trainer-1'] },
};

// One org (any id) in Shanghai, paid in CNY or USD, with the training score as its only indicator.
export function trainingDefinitions(): DefinitionSet {
  return {
    orgs: [{ id: '*', timeZone: 'Asia/Shanghai', currency: 'CNY', exchangeRates: { USD: 7.1 } }],
    indicators: [TRAINING_SCORE],
    scorecards: [],
  };
}

// The sample card (grades A, B, C; KPIs fcr, complaints) with some fields replaced (undefined removes
// one), parsed: what is kept of it, and every issue as `severity path: message`.
export function parseSampleCard(fields: Record<string, unknown>): {
  card: ScorecardDef | undefined;
  messages: string[];
} {
  const doc = sampleDocument();
  doc.scorecards = [{ ...doc.scorecards[0], ...fields } as (typeof doc.scorecards)[number]];
  const parsed = parseDefinitionDocument(doc, 'f.yaml');
  return {
    card: parsed.definitions.scorecards[0],
    messages: parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`),
  };
}

// A term counting events of these types, unfiltered, on the envelope's time; `fields` replace any of it.
export const term = (types: string[], fields: Partial<Term> = {}): Term => ({
  types,
  where: [],
  timeField: 'time',
  aggregation: { kind: 'count' },
  ...fields,
});
