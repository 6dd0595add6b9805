/**
 * `oauthbearer decode TEXT|-`: looks inside what a person pastes (src/node/decode.ts). `-` reads stdin, which
 * keeps a token out of the shell history.
 * @module
 */
import { explainInput } from '../decode.js';
import { parseCommandArgs, usageError } from './args.js';
import { EXIT_USAGE, type CliIO, type Command } from './io.js';

/** `oauthbearer decode`. */
export const command: Command = {
  name: 'decode',
  summary: 'look inside a client message, an error challenge or a token (header, claims, expiry); - reads stdin',
  usage: `Usage: oauthbearer decode TEXT
       oauthbearer decode -          (reads TEXT from stdin: keeps the token out of your shell history)

TEXT is one of:
  a client initial response      n,,\\x01auth=Bearer eyJ...\\x01\\x01   (\\x01, \\u0001 or ^A for the separator)
  the same as base64 SASL bytes  biwBYXV0aD1CZWFyZXIgZXlK...        (as a broker log or a capture shows it)
  a server error challenge       {"status":"invalid_token"}
  a token                        eyJ... (a JWT or unsecured JWS), or "Bearer eyJ..." pasted from a header

Prints the GS2 header and kvpairs with the RFC 7628 and Kafka broker verdicts, and a token's header, claims and
times relative to now ("expires in 42 min", "expired 3 min ago") with Kafka's own client check. A token is
never printed whole and its signature never at all: only its lengths. Nothing is verified.

Exit: 0 when it decodes (and Kafka's broker would parse the message), 1 when it is recognised but refused or
does not decode, 2 when it is none of the forms above.

Examples:
  oauthbearer decode 'n,,\\x01auth=Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.\\x01\\x01'
  pbpaste | oauthbearer decode -`,
  async run(argv: readonly string[], io: CliIO): Promise<number> {
    const args = parseCommandArgs('decode', argv, {});
    if (args.positionals.length !== 1) {
      throw usageError('decode', 'give one argument: a client message, an error challenge or a token, or - to read it from stdin');
    }
    const arg = args.positionals[0]!;
    const input = arg === '-' ? await io.stdin() : arg;
    const outcome = explainInput(input, Date.now(), (line) => io.out(line));
    if (outcome === EXIT_USAGE) {
      io.err('oauthbearer decode: not a client message (starts with "n,"), base64 of one, an error challenge ("{...}") or a token (three dot-separated parts, or "Bearer <token>")');
    }
    return outcome;
  },
};
