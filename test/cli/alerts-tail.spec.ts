import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

// Its run against a live process is in alert-crash-safety.spec.ts.
describe('kpi-pulse alerts tail', () => {
  it('explains itself with --help', () => {
    const r = runCli(['alerts', 'tail', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/GET \/v1\/alert-deliveries/);
    expect(r.stdout).toMatch(/--status <status>/);
  });

  it('refuses bad options by name, exit 2', () => {
    expect(runCli(['alerts', 'tail', '--interval', '5'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/--interval/) as string,
    });
    const r = runCli(['alerts', 'tail', '--status', 'lost']);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/--status: expected pending, delivered or failed/)]);
  });

  it('says when nothing answers at the URL', () => {
    const r = runCli(['alerts', 'tail', '--once', '--url', 'http://127.0.0.1:9']);
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/is KPI Pulse up\?/)]);
  });
});
