import { defineConfig } from 'vitest/config';

// The tiers mutation testing runs, the unit and the property tests, as one flat project: Stryker's vitest
// runner measures which tests cover each mutant and reruns only those.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['libs/**/*.spec.ts', 'test/property/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
});
