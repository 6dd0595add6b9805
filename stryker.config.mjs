// Mutation testing of the core decoders and machines (issue 12, item 7). `npm run mutation` runs one folder at a
// time (fuzz/mutation.mjs); by hand: `MUTATE_FOLDER=sasl npx stryker run`. Each folder keeps its own incremental
// file (reports/stryker-incremental-<folder>.json), so a rerun tests only mutants whose code or tests changed.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = process.env.MUTATE_FOLDER ?? 'sasl';
// test/jose/wycheproof.test.ts reads ../shared/wycheproof beside the checkout, which a sandbox in .stryker-tmp does
// not have beside it; it reads WYCHEPROOF_DIR first. Set here, before Stryker starts its test processes, so they
// inherit the absolute path and the Wycheproof vectors test the mutants of src/jose's crypto port too.
const wycheproofDir = resolve(dirname(fileURLToPath(import.meta.url)), '../shared/wycheproof');
if ((process.env.WYCHEPROOF_DIR ?? '') === '' && existsSync(wycheproofDir)) process.env.WYCHEPROOF_DIR = wycheproofDir;
if (!['encoding', 'sasl', 'kafka', 'jose'].includes(folder)) throw new Error(`MUTATE_FOLDER must be encoding, sasl, kafka or jose, not ${folder}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // MUTATE_FILES (comma-separated names in the folder) narrows a run to some files, when a whole folder will not fit.
  mutate: process.env.MUTATE_FILES ? process.env.MUTATE_FILES.split(',').map((f) => `src/${folder}/${f}`) : [`src/${folder}/**/*.ts`],
  // The machine is shared: two test processes at most.
  concurrency: 2,
  incremental: true,
  // MUTATE_PART names a part of a folder run on its own (kafka-wire for `MUTATE_FILES='wire/*.ts'`): its own report
  // and incremental file, which fuzz/mutation.mjs merges with the folder's other parts.
  incrementalFile: `reports/stryker-incremental-${process.env.MUTATE_PART ?? folder}.json`,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: `reports/mutation/${process.env.MUTATE_PART ?? folder}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  // Not copied into the sandbox: a fuzz run rewrites fuzz/corpus while Stryker copies, and none of these is tested.
  ignorePatterns: ['fuzz', 'reports', 'bench', 'dist', 'docs'],
  cleanTempDir: 'always',
  timeoutMS: 3_000,
  // Static mutants (module-level tables and constants) rerun every test: 38% of src/encoding's mutants and 89% of
  // its time. They are left out of the run and the score; reports/mutation.md says so.
  ignoreStatic: true,
  thresholds: { high: 90, low: 85, break: null },
};
