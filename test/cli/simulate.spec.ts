import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '#libs/events';
import { runCli } from './run-cli';

describe('kpi-pulse simulate', () => {
  it('writes valid canonical events, the same for the same seed', () => {
    const args = [
      'simulate',
      '--orgs',
      '1',
      '--teams',
      '2',
      '--agents',
      '3',
      '--days',
      '2',
      '--start',
      '2026-11-02',
      '--seed',
      '5',
    ];
    const a = runCli(args);
    expect(a.status).toBe(0);
    const lines = a.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    for (const line of lines) expect(validateEvent(JSON.parse(line)).ok).toBe(true);
    expect(runCli(args).stdout).toBe(a.stdout);
    expect(runCli([...args.slice(0, -1), '6']).stdout).not.toBe(a.stdout);
  });

  it('mixes in duplicates, late and invalid events on request, and says how many', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'kpi-')), 'e.jsonl');
    const r = runCli([
      'simulate',
      '--teams',
      '1',
      '--agents',
      '4',
      '--days',
      '3',
      '--seed',
      '9',
      '--duplicates',
      '0.05',
      '--late',
      '0.05',
      '--invalid',
      '0.05',
      '--out',
      out,
      '--no-progress',
    ]);
    expect(r.status).toBe(0);
    const events = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    const invalid = events.filter((e) => !validateEvent(e).ok).length;
    expect(invalid).toBeGreaterThan(0);
    const keys = events.map((e) => JSON.stringify([(e as { source?: string }).source, (e as { id?: string }).id]));
    expect(new Set(keys).size).toBeLessThan(keys.length);
    expect(r.stderr).toMatch(/duplicate/i);
  });

  it('rejects bad options with the option and the reason, exit 2', () => {
    const r = runCli(['simulate', '--days', 'x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--days: expected a positive integer, got "x"');
  });

  it('has --help with an example', () => {
    const r = runCli(['simulate', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--duplicates');
    expect(r.stdout).toMatch(/kpi-pulse simulate .*> events.jsonl/);
  });
});
