/**
 * `oauthbearer demo`: a complete client↔server exchange in one process, explained (src/node/demo.ts).
 * @module
 */
import { runDemo } from '../demo.js';
import { parseCommandArgs, usageError } from './args.js';
import type { CliIO, Command } from './io.js';

/** `oauthbearer demo`. */
export const command: Command = {
  name: 'demo',
  summary: 'a complete client↔server OAUTHBEARER exchange in one process, explained',
  usage: `Usage: oauthbearer demo

Runs our client and server engines against each other on Kafka's unsecured tokens (no identity provider needed)
and prints each step: the client's sasl.jaas.config and token (header and claims), the client initial response
with \\x01 escaped, the broker's verdict, a failing exchange (error challenge and the client's %x01), and the
refresh and KIP-368 re-authentication schedule.`,
  run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('demo', argv, {});
    if (args.positionals.length > 0) throw usageError('demo', `demo takes no arguments, not ${JSON.stringify(args.positionals[0])}`);
    return runDemo((line) => io.out(line));
  },
};
