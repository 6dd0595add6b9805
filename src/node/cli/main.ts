/**
 * The `oauthbearer` dispatcher: one list of commands, global `--help` / `--version`, and one way to end: results
 * on stdout, errors on stderr, exit code 0 / 1 / 2 (src/node/cli/io.ts). A user's mistake or a refused check is
 * one line (with its causes), never a stack trace; anything else is reported as a bug in one line.
 * @module
 */
import { OAuthBearerError } from '../../errors.js';
import { exitCodeOf, reportError } from './report.js';
import { commandUsage, generalUsage, helpCommand, packageVersion } from './help.js';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, type CliIO, type Command } from './io.js';
import { command as vectors } from './vectors.js';
import { command as demo } from './demo.js';
import { command as decode } from './decode.js';
import { command as token } from './token.js';
import { command as serve } from './serve.js';
import { command as connect } from './connect.js';
import { command as probe } from './probe.js';
import { command as bench } from './bench.js';

/** Every command, in the order `--help` lists them. Adding a command is one line here (and its import). */
export const COMMANDS: readonly Command[] = [
  vectors,
  demo,
  decode,
  token,
  serve,
  connect,
  probe,
  bench,
  helpCommand(() => COMMANDS),
];

function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/**
 * Runs the CLI on `argv` (without the node and script paths) in `io`; returns the exit code.
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), nodeCliIO());
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(generalUsage(commands));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h') {
    io.out(generalUsage(commands));
    return EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.out(packageVersion());
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`oauthbearer: unknown command ${JSON.stringify(name)}; commands: ${commands.map((c) => c.name).join(', ')} (oauthbearer --help)`);
    return EXIT_USAGE;
  }
  if (wantsHelp(rest)) {
    io.out(commandUsage(command));
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof OAuthBearerError) {
      reportError(io, `oauthbearer ${name}`, err);
      return exitCodeOf(err);
    }
    const what = err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]!.slice(0, 300)}` : String(err).slice(0, 300);
    io.err(`oauthbearer ${name}: internal error (a bug in oauthbearer ${packageVersion()}; please report it with the command line): ${what}`);
    return EXIT_REFUSED;
  }
}

/** The most stdin a command reads (`-` arguments): 16 MiB. */
export const MAX_STDIN_BYTES = 16 << 20;

/** The real process's streams, environment and signals as a {@link CliIO}. */
export function nodeCliIO(): CliIO {
  let controller: AbortController | null = null;
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    async stdin() {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_STDIN_BYTES) {
          throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `stdin holds more than ${MAX_STDIN_BYTES} bytes; give a smaller input`);
        }
        chunks.push(chunk);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    get signal() {
      // Installed on first use, so that a command which never looks still dies on Ctrl-C as usual; a second
      // signal ends the process at once.
      if (controller === null) {
        const c = new AbortController();
        controller = c;
        const onSignal = (signal: NodeJS.Signals): void => {
          if (c.signal.aborted) process.exit(signal === 'SIGINT' ? 130 : 143);
          c.abort(new OAuthBearerError('ERR_USAGE_STATE', `stopped by ${signal}`));
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }
      return controller.signal;
    },
    env: process.env,
  };
}
