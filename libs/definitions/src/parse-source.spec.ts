import { describe, expect, it } from 'vitest';
import { parseDefinitionSource } from './parse-source';

const NOTHING = { orgs: [], indicators: [], scorecards: [] };

const ORG_YAML = ['apiVersion: kpi-pulse/v1', 'orgs:', '  - { id: acme, timeZone: UTC, currency: EUR }', ''].join('\n');

describe('a JSON definition file', () => {
  it('is read when its name ends in .json, in any case', () => {
    const text = JSON.stringify({
      apiVersion: 'kpi-pulse/v1',
      orgs: [{ id: 'acme', timeZone: 'UTC', currency: 'EUR' }],
    });
    const parsed = parseDefinitionSource(text, 'ORGS.JSON');
    expect(parsed.errors).toEqual([]);
    expect(parsed.definitions.orgs).toEqual([{ id: 'acme', timeZone: 'UTC', currency: 'EUR', exchangeRates: {} }]);
    expect(parsed.origins.orgs).toEqual([{ file: 'ORGS.JSON', path: 'orgs[0]' }]);
  });

  it('reports a syntax error at its line and column and reads nothing of the file', () => {
    const parsed = parseDefinitionSource('{\n  "apiVersion": "kpi-pulse/v1",\n}\n', 'bad.json');
    expect(parsed).toEqual({
      definitions: NOTHING,
      origins: NOTHING,
      errors: [
        {
          file: 'bad.json',
          path: 'line 3, column 1',
          message: 'invalid JSON: Expected double-quoted property name in JSON at position 34',
          severity: 'error',
        },
      ],
    });
  });

  it('reports an error the parser gives no position for without one', () => {
    expect(parseDefinitionSource('', 'empty.json').errors).toEqual([
      { file: 'empty.json', path: '', message: 'invalid JSON: Unexpected end of JSON input', severity: 'error' },
    ]);
  });
});

describe('a YAML definition file', () => {
  it('is read from any name not ending in .json', () => {
    for (const file of ['orgs.yaml', 'orgs.yml', 'orgs.json.txt']) {
      const parsed = parseDefinitionSource(ORG_YAML, file);
      expect(parsed.errors).toEqual([]);
      expect(parsed.definitions.orgs.map((o) => o.id)).toEqual(['acme']);
    }
  });

  it('reports each syntax error where the parser stopped, the message without its snippet, and reads nothing', () => {
    const parsed = parseDefinitionSource('apiVersion: kpi-pulse/v1\norgs: [\n  x: "abc\n', 'bad.yaml');
    expect(parsed.definitions).toEqual(NOTHING);
    expect(parsed.origins).toEqual(NOTHING);
    expect(parsed.errors).toEqual([
      {
        file: 'bad.yaml',
        path: 'line 4, column 1',
        message: 'invalid YAML: Missing closing "quote',
        severity: 'error',
      },
      {
        file: 'bad.yaml',
        path: 'line 4, column 1',
        message: 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        severity: 'error',
      },
    ]);
  });

  it('names a key given twice where the second one is', () => {
    expect(parseDefinitionSource('apiVersion: kpi-pulse/v1\napiVersion: kpi-pulse/v1\n', 'twice.yaml').errors).toEqual([
      {
        file: 'twice.yaml',
        path: 'line 2, column 1',
        message: 'invalid YAML: Map keys must be unique',
        severity: 'error',
      },
    ]);
  });

  it('reads a file with a warning, the warning first and the file read', () => {
    const parsed = parseDefinitionSource(`%FOO bar\n---\n${ORG_YAML}`, 'directive.yaml');
    expect(parsed.errors).toEqual([
      {
        file: 'directive.yaml',
        path: 'line 1, column 1',
        message: 'invalid YAML: Unknown directive %FOO',
        severity: 'warning',
      },
    ]);
    expect(parsed.definitions.orgs.map((o) => o.id)).toEqual(['acme']);
  });

  it('names the column of a warning inside a line', () => {
    const parsed = parseDefinitionSource(ORG_YAML.replace('currency: EUR', 'currency: !money EUR'), 'tag.yaml');
    expect(parsed.errors).toEqual([
      {
        file: 'tag.yaml',
        path: 'line 3, column 42',
        message: 'invalid YAML: Unresolved tag: !money',
        severity: 'warning',
      },
    ]);
  });

  it('keeps the warnings after the syntax errors when it cannot read the file', () => {
    const parsed = parseDefinitionSource('%FOO bar\n---\na: 1\na: 2\n', 'both.yaml');
    expect(parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`)).toEqual([
      'error line 4, column 1: invalid YAML: Map keys must be unique',
      'warning line 1, column 1: invalid YAML: Unknown directive %FOO',
    ]);
  });

  it('puts the warnings before the problems of the definitions', () => {
    const parsed = parseDefinitionSource('%FOO bar\n---\napiVersion: kpi-pulse/v2\n', 'v2.yaml');
    expect(parsed.errors.map((e) => `${e.severity} ${e.path}: ${e.message}`)).toEqual([
      'warning line 1, column 1: invalid YAML: Unknown directive %FOO',
      'error apiVersion: expected kpi-pulse/v1, got "kpi-pulse/v2"',
    ]);
  });

  it('reads a block shared through an anchor more than a hundred times', () => {
    const orgs = Array.from(
      { length: 120 },
      (_, i) => `  - { id: org${i}, timeZone: UTC, currency: EUR, workingDays: *days }`,
    );
    const text = [
      'apiVersion: kpi-pulse/v1',
      'orgs:',
      '  - { id: acme, timeZone: UTC, currency: EUR, workingDays: &days [mon, tue, wed, thu, fri] }',
      ...orgs,
      '',
    ].join('\n');
    const parsed = parseDefinitionSource(text, 'anchors.yaml');
    expect(parsed.errors).toEqual([]);
    expect(parsed.definitions.orgs).toHaveLength(121);
    expect(parsed.definitions.orgs[120]).toEqual({
      id: 'org119',
      timeZone: 'UTC',
      currency: 'EUR',
      exchangeRates: {},
      calendar: { workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], holidays: [] },
    });
  });
});
