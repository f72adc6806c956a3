import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { combineDefinitions } from './combine-definitions';
import { formatIssue } from './definition-issue';
import { loadDefinitions } from './load-definitions';
import { sampleDocument } from './sample-definitions.fixture';

const INDICATOR_YAML = `apiVersion: kpi-pulse/v1
indicators:
  - id: support.fcr   # defined again: the sample defines it too
    name: { en: FCR, zh: 一次解决率 }
    description: Solved on first contact.
    unit: ratio
    windows: month
    numerator: { of: ticket.solved, where: { data.contacts: 1 } }
    denominator: { of: ticket.solved }
`;

const BROKEN_YAML = `apiVersion: kpi-pulse/v1
indicators:
  - id: a.b
    windows: [month
`;

describe('loadDefinitions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-definitions-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a directory recursively, merges the files and names both files of a duplicate', () => {
    mkdirSync(join(dir, 'cs'));
    writeFileSync(join(dir, 'cs', 'sample.json'), JSON.stringify(sampleDocument()));
    writeFileSync(join(dir, 'extra.yaml'), INDICATOR_YAML);
    writeFileSync(join(dir, 'notes.txt'), 'not a definition');
    const { set, issues } = loadDefinitions(dir);
    expect(set.indicators.map((d) => d.id)).toEqual(['support.fcr', 'support.complaints', 'support.fcr']);
    expect(set.scorecards.map((s) => s.id)).toEqual(['cs-supervisor-monthly']);
    expect(issues.map(formatIssue)).toEqual([
      `${join(dir, 'extra.yaml')}: indicators[0].id: indicator "support.fcr" is defined twice: also in ${join(dir, 'cs', 'sample.json')} at indicators[0]`,
    ]);
  });

  it('reports a YAML syntax error with its line and still loads the other files', () => {
    writeFileSync(join(dir, 'a.yaml'), BROKEN_YAML);
    writeFileSync(join(dir, 'b.json'), JSON.stringify(sampleDocument()));
    const { set, issues } = loadDefinitions(dir);
    const [syntax] = issues;
    expect(syntax).toMatchObject({ file: join(dir, 'a.yaml'), severity: 'error' });
    expect(syntax?.path).toMatch(/^line \d+, column \d+$/);
    expect(syntax?.message).toMatch(/^invalid YAML: /);
    expect(set.scorecards).toHaveLength(1);
  });

  it('reports invalid JSON with its line', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{\n  "apiVersion": "kpi-pulse/v1",\n}\n');
    const { issues } = loadDefinitions(file);
    expect(issues[0]).toMatchObject({ file, path: 'line 3, column 1', severity: 'error' });
  });

  it('loads a single file and names it in parse errors', () => {
    const file = join(dir, 'cs.yaml');
    writeFileSync(file, INDICATOR_YAML + 'orgs:\n  - { id: "*", timeZone: UTC, currency: EUR, curency: USD }\n');
    const { issues } = loadDefinitions(file);
    expect(issues.map(formatIssue)).toEqual([
      `${file}: orgs[0].curency: unknown key "curency" (did you mean "currency"?); allowed: id, timeZone, currency, exchangeRates, workingDays, holidays`,
    ]);
  });

  it('reads .yml, .yaml and .json in path order, skipping hidden entries and node_modules', () => {
    const indicator = (id: string) =>
      INDICATOR_YAML.replace('support.fcr   # defined again: the sample defines it too', id);
    writeFileSync(join(dir, 'b.yaml'), indicator('x.b'));
    writeFileSync(join(dir, 'a.YML'), indicator('x.a'));
    mkdirSync(join(dir, 'c'));
    writeFileSync(join(dir, 'c', 'a.yaml'), indicator('x.c'));
    mkdirSync(join(dir, '.hidden'));
    writeFileSync(join(dir, '.hidden', 'd.yaml'), indicator('x.hidden'));
    writeFileSync(join(dir, '.e.yaml'), indicator('x.dotfile'));
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules', 'f.yaml'), indicator('x.module'));
    const loaded = loadDefinitions(dir);
    expect(loaded.set.indicators.map((d) => d.id)).toEqual(['x.a', 'x.b', 'x.c']);
    expect(loaded.origins.root).toBe(dir);
  });

  it('says when the path does not exist or holds no definition files', () => {
    const missing = join(dir, 'nope');
    const loaded = loadDefinitions(missing);
    expect(loaded).toEqual({
      set: { orgs: [], indicators: [], scorecards: [] },
      issues: [
        {
          file: missing,
          path: '',
          message: expect.stringMatching(/^cannot read: ENOENT/) as string,
          severity: 'error',
        },
      ],
      origins: { orgs: [], indicators: [], scorecards: [], root: missing },
    });
    expect(loadDefinitions(dir)).toEqual({
      set: { orgs: [], indicators: [], scorecards: [] },
      issues: [{ file: dir, path: '', message: 'no *.yaml, *.yml or *.json files', severity: 'error' }],
      origins: { orgs: [], indicators: [], scorecards: [], root: dir },
    });
    expect(loadDefinitions(join(dir, 'nope')).issues[0]).toMatchObject({ file: join(dir, 'nope'), severity: 'error' });
    expect(loadDefinitions(dir).issues.map(formatIssue)).toEqual([`${dir}: no *.yaml, *.yml or *.json files`]);
  });

  // a file that lists and stats but cannot be read: Linux's /proc/self/mem fails every read with EIO
  it.runIf(existsSync('/proc/self/mem'))('reports a file it cannot read and loads nothing of it', () => {
    const file = '/proc/self/mem';
    expect(loadDefinitions(file)).toEqual({
      set: { orgs: [], indicators: [], scorecards: [] },
      issues: [
        { file, path: '', message: expect.stringMatching(/^cannot read: EIO/) as string, severity: 'error' },
        {
          file,
          path: 'orgs',
          message: 'no default org "*": events of orgs not listed are rejected',
          severity: 'warning',
        },
      ],
      origins: { orgs: [], indicators: [], scorecards: [], root: file },
    });
  });
});

describe('combineDefinitions', () => {
  it('names a root only when given one', () => {
    expect(Object.keys(combineDefinitions([]).origins).sort()).toEqual(['indicators', 'orgs', 'scorecards']);
    expect(combineDefinitions([], 'defs').origins.root).toBe('defs');
  });
});
