// The runtime matrix: the one suite of test/runtimes/suite.ts, run from the built package (dist/) in Node, Deno,
// Bun, Chromium (headless, Debian's binary driven by playwright-core) and workerd, over every file in spec-vectors/
// and the Wycheproof files. `npm run test:runtimes` runs this file alone; `npm test` includes it.
// A runtime that is not installed is skipped with the reason, unless OAUTHBEARER_REQUIRE_RUNTIMES=1 (.ci/run).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, findExecutable, runJobIn, RUNTIMES, type JobReport, type RuntimeName } from '../../src/node/runtimes.js';
import { wycheproof, WYCHEPROOF_NAMES } from '../external-files.js';
import { CHECKS } from './suite.js';

const root = join(import.meta.dirname, '../..');
const vectorFiles = readdirSync(join(root, 'spec-vectors')).filter((f) => f.endsWith('.json')).sort()
  .map((f) => ({ name: `spec-vectors/${f}`, path: join(root, 'spec-vectors', f) }));
const proof = wycheproof();
if (proof.skip !== null) console.warn(`Wycheproof groups skipped in every runtime: ${proof.skip}`);
const proofFiles = proof.dir === null ? [] : WYCHEPROOF_NAMES.map((f) => ({ name: `wycheproof/${f}`, path: join(proof.dir, f) }));
const required = process.env.OAUTHBEARER_REQUIRE_RUNTIMES === '1';

/** Why a runtime cannot run here, or null when it can. */
function missing(runtime: RuntimeName): string | null {
  switch (runtime) {
    case 'node': return null;
    case 'chromium': return findChromium() === null ? 'no Chromium binary (Debian: apt-get install -y chromium)' : null;
    default: return findExecutable(runtime, root) === null ? `no ${runtime} binary (npm install)` : null;
  }
}

const expectedGroups = [
  ...vectorFiles.map((f) => `vectors: ${f.name}`),
  ...WYCHEPROOF_NAMES.flatMap((f) => (f === 'ed25519_test.json' ? [`wycheproof: ${f}`, `wycheproof: ${f} (noble)`] : [`wycheproof: ${f}`])),
  ...CHECKS.map((c) => `check: ${c}`),
];

let jobDir: string;
let job: string;
beforeAll(() => {
  // The suite as a plain ES module: the hosts load it as is in every runtime.
  jobDir = mkdtempSync(join(tmpdir(), 'oauthbearer-suite-'));
  job = join(jobDir, 'suite.mjs');
  const source = transformSync(readFileSync(join(import.meta.dirname, 'suite.ts'), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' });
  writeFileSync(job, source.code);
});
afterAll(() => rmSync(jobDir, { recursive: true, force: true }));

describe.each(RUNTIMES)('%s', (runtime) => {
  const why = missing(runtime);
  const skip = why !== null && !required;
  let report: JobReport | undefined;
  let failure: unknown;
  beforeAll(async () => {
    if (skip) return;
    try {
      report = await runJobIn(runtime, { job, files: [...vectorFiles, ...proofFiles], timeoutMs: 240_000 });
      const passed = report.groups.reduce((n, g) => n + g.passed, 0);
      const failed = report.groups.reduce((n, g) => n + g.failed, 0);
      console.log(`${runtime} ${report.version}: ${passed} passed, ${failed} failed (${report.notes.join('; ')})`);
    } catch (err) {
      failure = err;
    }
  }, 300_000);

  it.skipIf(skip)(`runs the suite from dist/${skip ? ` (skipped: ${why})` : ''}`, () => {
    expect(failure).toBeUndefined();
    expect(report?.groups.map((g) => g.name)).toEqual(expectedGroups.filter((g) => proof.dir !== null || !g.startsWith('wycheproof')));
  });
  describe.each(expectedGroups)('%s', (group) => {
    const absent = group.startsWith('wycheproof') && proof.skip !== null ? proof.skip : skip ? why : null;
    it.skipIf(absent !== null)(`passes${absent !== null ? ` (skipped: ${absent})` : ''}`, () => {
      const found = report?.groups.find((g) => g.name === group);
      expect(found, `${runtime} sent no "${group}"`).toBeDefined();
      expect(found!.failures).toEqual([]);
      expect(found!.failed).toBe(0);
      expect(found!.passed).toBeGreaterThan(0);
    });
  });
});
