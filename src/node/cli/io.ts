/**
 * What every `oauthbearer` command is given and returns: lines to stdout and stderr, stdin on demand, a signal
 * for SIGINT/SIGTERM, and one exit-code convention for all commands.
 * @module
 */

/** The command did what was asked (the exchange succeeded, every case matched). */
export const EXIT_OK = 0;
/** Refused or a failed check: the broker refused, a token failed its check, a case did not match. */
export const EXIT_REFUSED = 1;
/** Usage, configuration or input error: the command could not start on what it was given. */
export const EXIT_USAGE = 2;

/** The world of one command run; tests pass their own. */
export interface CliIO {
  /** A result line, to stdout. */
  out(line: string): void;
  /** A diagnostic line (errors, progress), to stderr. */
  err(line: string): void;
  /** All of stdin as text (for `-` arguments). */
  stdin(): Promise<string>;
  /** Aborted on SIGINT/SIGTERM: long-running commands (serve, connect --stay) stop cleanly. */
  readonly signal: AbortSignal;
  /** The environment variables the command may read. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One subcommand: its name, one-line summary, full help text, and its run. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** The text `oauthbearer help NAME` and `oauthbearer NAME --help` print. */
  readonly usage: string;
  run(argv: readonly string[], io: CliIO): Promise<number>;
}
