/**
 * The help texts: the command list (`oauthbearer --help`), each command's usage (`oauthbearer help CMD`,
 * `oauthbearer CMD --help`), and the exit codes every command shares.
 * @module
 */
import { readFileSync } from 'node:fs';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, type CliIO, type Command } from './io.js';

/** The exit codes, the same for every command; printed under every help text. */
export const EXIT_CODES_TEXT = `Exit codes (every command):
  ${EXIT_OK}  ok: the command did what was asked
  ${EXIT_REFUSED}  refused or a failed check (a token refused, a case that did not match, a peer that failed),
     or an internal error (one line that says it is a bug)
  ${EXIT_USAGE}  usage, configuration or input error: the command could not start on what it was given
Results go to stdout, errors and diagnostics to stderr.`;

/** This package's version, from its package.json. */
export function packageVersion(): string {
  // src/node/cli/ and dist/node/cli/ both sit three levels below the package root.
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/** The text of `oauthbearer --help`: every command with its summary. */
export function generalUsage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `Usage: oauthbearer <command> [arguments]
       oauthbearer help <command>     (or: oauthbearer <command> --help)
       oauthbearer --version

SASL/OAUTHBEARER for Kafka: look inside tokens and messages, get a token as a Kafka client would, probe a broker.

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

${EXIT_CODES_TEXT}`;
}

/** One command's help: its usage, then the exit codes. */
export function commandUsage(command: Command): string {
  return `${command.usage.trimEnd()}\n\n${EXIT_CODES_TEXT}`;
}

/** The `help` command over `commands` (itself included in the list it prints). */
export function helpCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'help',
    summary: 'show the command list, or one command\'s usage: oauthbearer help CMD',
    usage: 'Usage: oauthbearer help [COMMAND]\n\nWithout COMMAND: the command list. With it: that command\'s usage, options and examples.',
    run(argv: readonly string[], io: CliIO): Promise<number> {
      const list = commands();
      if (argv.length === 0) {
        io.out(generalUsage(list));
        return Promise.resolve(EXIT_OK);
      }
      const found = list.find((c) => c.name === argv[0]);
      if (argv.length > 1 || found === undefined) {
        io.err(`oauthbearer help: no command ${JSON.stringify(argv.join(' '))}; commands: ${list.map((c) => c.name).join(', ')}`);
        return Promise.resolve(EXIT_USAGE);
      }
      io.out(commandUsage(found));
      return Promise.resolve(EXIT_OK);
    },
  };
}
