/**
 * Argument parsing shared by the commands: `node:util` parseArgs with strict options, every mistake turned into
 * an `ERR_USAGE_ARGUMENT` that names the command and the fix, so the dispatcher exits 2 without a stack trace.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OAuthBearerError } from '../../errors.js';

/** Options as `node:util` parseArgs takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns: option values by name, and the positional arguments. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** A usage error for `command`: exit code 2 and a pointer to its help. */
export function usageError(command: string, message: string): OAuthBearerError {
  return new OAuthBearerError('ERR_USAGE_ARGUMENT', `${message} (see: oauthbearer help ${command})`);
}

/**
 * Parses `argv` against `options` strictly: an unknown option, a missing value or a value given to a flag is a
 * usage error. A lone `-` is a positional (stdin).
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT`
 */
export function parseCommandArgs(command: string, argv: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '') : String(err);
    throw usageError(command, message);
  }
}

/** The string value of option `name`, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A non-negative integer option (`--fuzz 1000`), or `fallback` when absent.
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for anything but decimal digits within `max`
 */
export function integerOption(command: string, args: ParsedArgs, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,16}$/.test(raw) || Number(raw) > max) throw usageError(command, `--${name} takes a whole number from 0 to ${max}, not ${JSON.stringify(raw)}`);
  return Number(raw);
}
