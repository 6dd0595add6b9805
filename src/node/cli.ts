#!/usr/bin/env node
/**
 * The `oauthbearer` command: a thin shell over the core. Subcommands:
 *   vectors [--runtime NAME] FILE...   run conformance vector files (last line: `N passed, M failed`), here or in
 *                     another runtime (node, deno, bun, chromium, workerd; last line `NAME: N passed, M failed`)
 *   demo              a complete client↔server OAUTHBEARER exchange in one process, explained
 *   decode MESSAGE    explain a client initial response, error challenge or token
 */
import { readFile } from 'node:fs/promises';
import { allOps, runVectorFile, type VectorFileResult } from '../vectors/index.js';
import { OAuthBearerError } from '../errors.js';
import { runDemo } from './demo.js';
import { decodeCommand } from './decode.js';
import { runVectorsIn, RUNTIMES } from './runtimes.js';

const USAGE = `Usage: oauthbearer <command> [arguments]

Commands:
  vectors FILE...     run oauthbearer-vectors/1 files; prints failures, then "N passed, M failed"
    --runtime NAME    run them from the built package in ${RUNTIMES.join(', ')}; last line "NAME: N passed, M failed"
  demo                run a complete client↔server OAUTHBEARER exchange in one process and explain it
  decode TEXT         explain a client initial response (\\x01 written as \\x01 or ^A), an error challenge or a token
  help                show this text
`;

async function vectors(files: string[], out: (line: string) => void): Promise<number> {
  if (files.length === 0) {
    out('oauthbearer vectors: name at least one vector file (e.g. spec-vectors/*.json)');
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    let result: VectorFileResult;
    try {
      result = await runVectorFile(JSON.parse(await readFile(file, 'utf8')), allOps);
    } catch (err) {
      out(`${file}: cannot run: ${err instanceof Error ? err.message : String(err)}`);
      failed++;
      continue;
    }
    for (const r of result.results) if (!r.passed) out(`  FAIL ${file} ${r.id} (${r.op}): ${r.detail ?? ''}`);
    out(`${file}: ${result.passed} passed, ${result.failed} failed`);
    passed += result.passed;
    failed += result.failed;
  }
  out(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

/** Runs the CLI with `argv` (without the node and script paths); returns the exit code. */
export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'vectors': {
        const at = rest.findIndex((a) => a === '--runtime' || a.startsWith('--runtime='));
        if (at === -1) return await vectors(rest, out);
        const flag = rest[at]!;
        const runtime = flag === '--runtime' ? rest[at + 1] : flag.slice('--runtime='.length);
        if (runtime === undefined || runtime === '') {
          err(`oauthbearer vectors: --runtime needs one of ${RUNTIMES.join(', ')}`);
          return 2;
        }
        const files = rest.filter((_a, i) => i !== at && !(flag === '--runtime' && i === at + 1));
        return await runVectorsIn(runtime, files, { out, err });
      }
      case 'demo':
        return await runDemo(out);
      case 'decode':
        return decodeCommand(rest, out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        out(`oauthbearer: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof OAuthBearerError) {
      out(`oauthbearer ${command}: ${err.code}${err.status ? ` (${err.status})` : ''}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
