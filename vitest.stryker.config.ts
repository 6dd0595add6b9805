// The unit tests Stryker runs against each mutant: the core folders it mutates and the conformance vectors.
// Integration suites (real peers), the CLI and the built package are left out: they test dist/, not the mutant.
// The fuzz smoke runs are left out too: they cover nearly every decoder, so each mutant would rerun all of them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/encoding/**/*.test.ts',
      'test/sasl/**/*.test.ts',
      'test/kafka/**/*.test.ts',
      'test/jose/**/*.test.ts',
      'test/vectors/**/*.test.ts',
    ],
    // test/jose/wycheproof.test.ts runs: stryker.config.mjs passes the sandbox WYCHEPROOF_DIR (../shared/wycheproof).
    exclude: ['test/**/*.slow.test.ts', 'test/kafka/node-holder.test.ts', 'node_modules/**'],
    // Properties bounded in time under Stryker (test/stryker-setup.ts).
    setupFiles: ['test/stryker-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
