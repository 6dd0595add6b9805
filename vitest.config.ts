import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Slow suites (runtime matrix, long soak) are opt-in: `npm run test:slow`.
    exclude: ['test/**/*.slow.test.ts', 'node_modules/**'],
    reporters: ['default', './test/count-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
