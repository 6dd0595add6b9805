/**
 * The job `oauthbearer vectors --runtime` runs inside the chosen runtime (src/node/runtimes.ts): every vector of
 * each file through the conformance runner, one group per file. It imports nothing at run time (the host hands it
 * the package's entries), so it loads in a browser or a worker as it is.
 * @module
 */
import type * as Vectors from '../vectors/index.js';

/** At most this many failure lines per file are sent back; the counts are always complete. */
const MAX_FAILURE_LINES = 200;

/** Runs each file; a file that is not JSON or not a vector file counts as one failure. */
export async function run(context: {
  vectors: typeof Vectors;
  files: ReadonlyArray<{ name: string; text: string }>;
}): Promise<{ groups: Array<{ name: string; passed: number; failed: number; failures: string[] }>; notes: string[] }> {
  const groups = [];
  for (const file of context.files) {
    try {
      const result = await context.vectors.runVectorFile(JSON.parse(file.text), context.vectors.allOps);
      const failures = result.results.filter((r) => !r.passed).slice(0, MAX_FAILURE_LINES).map((r) => `${r.id} (${r.op}): ${r.detail ?? ''}`);
      groups.push({ name: file.name, passed: result.passed, failed: result.failed, failures });
    } catch (err) {
      groups.push({ name: file.name, passed: 0, failed: 1, failures: [`cannot run: ${err instanceof Error ? err.message : String(err)}`] });
    }
  }
  return { groups, notes: [] };
}
