import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    globalSetup: ['test/harness/global-setup.ts'],
    // Sized for a loaded two-core machine (CI may run beside other work): a passing test is not
    // slowed by a generous bound, and a setup hook that times out skips a whole engine's tests.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    pool: 'forks',
    // Two cores: more workers only fight over them (PGlite start-up is CPU-bound).
    maxWorkers: 2,
  },
});
