import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

describe('kpi-pulse definitions validate', () => {
  it('accepts the fixture definitions with a summary line', () => {
    const r = runCli(['definitions', 'validate', 'test/fixtures/definitions']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/3 indicators, 1 scorecard \(3 KPIs\): 0 errors/);
  });

  it('names the file, the path and the reason of each error, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpi-'));
    writeFileSync(
      join(dir, 'typo.yaml'),
      [
        'apiVersion: kpi-pulse/v1',
        'indicators:',
        '  - id: support.csat',
        '    name: { en: CSAT, zh: 客户满意度 }',
        '    description: Satisfied ratings ÷ all ratings.',
        '    unit: ratio',
        '    windows: [month]',
        '    numerator: { of: ticket.rated, wher: { data.satisfied: true } }',
        '    denominator: { of: ticket.rated }',
      ].join('\n'),
    );
    const r = runCli(['definitions', 'validate', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('typo.yaml');
    expect(r.stderr).toContain('indicators[0].numerator');
    expect(r.stderr).toContain('wher');
  });

  it('validates the seed templates without errors', () => {
    const r = runCli(['definitions', 'validate', 'definitions/seed']);
    expect(r.stderr).not.toMatch(/\berror\b.*:/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/72 indicators, 5 scorecards \(80 KPIs\)/);
  });
});
