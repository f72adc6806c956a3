import { defineConfig } from 'vitest/config';

// The tiers mutation testing runs, the unit and the property tests, as one flat project: Stryker's vitest
// runner measures which tests cover each mutant and reruns only those. MUTATION_TIERS=unit leaves the
// property tier out: a quicker run whose score is a lower bound of the full one (more tests only kill more);
// MUTATION_TIERS=own:<lib> keeps only that lib's own specs (lower still).
const tiers = process.env.MUTATION_TIERS?.startsWith('own:')
  ? [`libs/${process.env.MUTATION_TIERS.slice('own:'.length)}/src/**/*.spec.ts`]
  : process.env.MUTATION_TIERS === 'unit'
    ? ['libs/**/*.spec.ts']
    : ['libs/**/*.spec.ts', 'test/property/**/*.spec.ts'];

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: tiers,
    environment: 'node',
    // one module graph for every spec file of a run: each mutant reruns the specs that reach it, and
    // re-importing the libs for each of them took about three quarters of the time (the specs share no
    // state through modules: they pass alike either way)
    isolate: false,
    testTimeout: 120_000,
  },
});
