/**
 * `oauthbearer vectors FILE...`: runs oauthbearer-vectors/1 files through the one runner (src/vectors/runner.ts)
 * with every op; prints each failure, a line per file, then `N passed, M failed` as the last line of stdout.
 * `--runtime NAME` runs them from the built package in Deno, Bun, workerd or Chromium instead (src/node/runtimes.ts).
 * @module
 */
import { readFile } from 'node:fs/promises';
import { allOps, runVectorFile, type VectorFileResult } from '../../vectors/index.js';
import { runVectorsIn, RUNTIMES } from '../runtimes.js';
import { parseCommandArgs, stringOption, usageError, type OptionSpec } from './args.js';
import { EXIT_OK, EXIT_REFUSED, type CliIO, type Command } from './io.js';

/** The command's options (parseArgs form). */
export const VECTORS_OPTIONS: OptionSpec = { runtime: { type: 'string' } };

/** Runs the vector files in this process; returns the counts. Files that cannot be run count as one failure. */
export async function runVectorFiles(files: readonly string[], io: CliIO): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let result: VectorFileResult;
    try {
      result = await runVectorFile(JSON.parse(await readFile(file, 'utf8')), allOps);
    } catch (err) {
      io.err(`${file}: cannot run: ${err instanceof Error ? err.message : String(err)}`);
      failed++;
      continue;
    }
    for (const r of result.results) if (!r.passed) io.out(`  FAIL ${file} ${r.id} (${r.op}): ${r.detail ?? ''}`);
    io.out(`${file}: ${result.passed} passed, ${result.failed} failed`);
    passed += result.passed;
    failed += result.failed;
  }
  return { passed, failed };
}

/** `oauthbearer vectors`. */
export const command: Command = {
  name: 'vectors',
  summary: 'run conformance vector files; last line "N passed, M failed"',
  usage: `Usage: oauthbearer vectors [--runtime NAME] FILE...

Runs oauthbearer-vectors/1 files (format: spec-vectors/FORMAT.md) through this package's engines: every failing
vector is printed with its id, op and why, then one line per file, then "N passed, M failed" as the last line.
A file that cannot be read or parsed counts as one failure (reported on stderr).

  --runtime NAME   run the files from the built package in another runtime (${RUNTIMES.join(', ')}); the last
                   line is then "NAME: N passed, M failed"; exit 2 when that runtime is not installed

Examples:
  oauthbearer vectors spec-vectors/*.json
  oauthbearer vectors --runtime deno spec-vectors/*.json`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('vectors', argv, VECTORS_OPTIONS);
    if (args.positionals.length === 0) throw usageError('vectors', 'name at least one vector file (e.g. spec-vectors/*.json)');
    const runtime = stringOption(args, 'runtime');
    if (runtime !== undefined) return runVectorsIn(runtime, args.positionals, { out: io.out, err: io.err });
    const { passed, failed } = await runVectorFiles(args.positionals, io);
    io.out(`${passed} passed, ${failed} failed`);
    return failed > 0 ? EXIT_REFUSED : EXIT_OK;
  },
};
