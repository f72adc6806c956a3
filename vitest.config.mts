import { defineConfig } from 'vitest/config';

// Tiers, each its own project: pure domain (microseconds, no I/O; with the architecture checks, which
// read the source tree, and the seed-template checks, which read definitions/seed) and the CLI run as a
// real process.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'libs/**/*.spec.ts',
            'services/**/src/**/*.spec.ts',
            'test/architecture/**/*.spec.ts',
            'test/seed/**/*.spec.ts',
            'dashboards/**/*.spec.ts',
          ],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'cli',
          include: ['test/cli/**/*.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/database.global-setup.ts', 'test/cli/build.global-setup.ts'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/database.global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        // the trust boundary replayed as a hostile tester would: each refusal, and that nothing changed
        test: {
          name: 'security',
          include: ['test/security/**/*.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/database.global-setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        // the scorecard page in Debian's Chromium (playwright-core), on the built app
        test: {
          name: 'browser',
          include: ['test/browser/**/*.spec.ts'],
          environment: 'node',
          globalSetup: [
            'test/browser/chromium.global-setup.ts',
            'test/support/database.global-setup.ts',
            'test/cli/build.global-setup.ts',
          ],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        // the compose file and the image's entry points (as a non-root user), and real Kafka and Postgres in
        // Docker: those skipped, with the reason printed, where no engine runs
        test: {
          name: 'containers',
          include: ['test/containers/**/*.spec.ts'],
          environment: 'node',
          globalSetup: ['test/support/database.global-setup.ts', 'test/cli/build.global-setup.ts'],
          testTimeout: 300_000,
        },
      },
      {
        extends: true,
        // the Grafana dashboards run as Grafana would: their SQL on the real Postgres as Grafana's role, their
        // PromQL by Debian's Prometheus (installed by the global setup when missing) scraping the pipeline
        test: {
          name: 'grafana',
          include: ['test/grafana/**/*.spec.ts'],
          environment: 'node',
          globalSetup: ['test/grafana/prometheus.global-setup.ts', 'test/support/database.global-setup.ts'],
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'property',
          include: ['test/property/**/*.spec.ts'],
          environment: 'node',
          setupFiles: ['test/support/fast-check.setup.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
