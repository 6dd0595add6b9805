/**
 * `oauthbearer decode TEXT`: explains what a person pastes: a client initial response (with `\x01`, `\u0001` or
 * `^A` for the separator), a server error challenge, or a JWT / unsecured JWS (header and claims, never verified).
 */
import { decodeClientResponse } from '../sasl/gs2.js';
import { decodeErrorChallenge } from '../sasl/challenge.js';
import { decodeBase64url } from '../encoding/base64.js';
import { parseJson } from '../encoding/json.js';
import { OAuthBearerError } from '../errors.js';
import { explainClientResponse } from './demo.js';
import { formatTime, unescapeText } from './render.js';

function verdict(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (err) {
    if (err instanceof OAuthBearerError) return `refused: ${err.code}: ${err.message}`;
    throw err;
  }
}

/** Runs the decode command; returns the exit code. */
export function decodeCommand(args: string[], out: (line: string) => void): number {
  if (args.length !== 1) {
    out('oauthbearer decode: give one argument: a client message, an error challenge, or a token');
    return 2;
  }
  const text = args[0]!;
  const bytes = unescapeText(text);
  if (/^(n|y|p=[^,]*),/.test(text)) {
    out('A client initial response (RFC 7628 §3.1)');
    out(`   RFC 7628 profile: ${verdict(() => decodeClientResponse(bytes, { profile: 'rfc7628' }))}`);
    out(`   Kafka broker:     ${verdict(() => decodeClientResponse(bytes, { profile: 'kafka' }))}`);
    try {
      explainClientResponse(bytes, out);
    } catch {
      // The verdicts above already say why it does not decode.
    }
    return 0;
  }
  if (text.trimStart().startsWith('{')) {
    const challenge = decodeErrorChallenge(bytes);
    out('A server error challenge (RFC 7628 §3.2.2)');
    out(`   status                ${challenge.status}`);
    if (challenge.scope !== null) out(`   scope                 ${challenge.scope}`);
    if (challenge.openidConfiguration !== null) out(`   openid-configuration  ${challenge.openidConfiguration}`);
    out('   The client answers with a single %x01 byte; the server then reports the failure.');
    return 0;
  }
  const parts = text.split('.');
  if (parts.length === 3) {
    out(`A compact JWS (${parts[2] === '' ? 'unsecured: no signature' : 'signed; not verified here'})`);
    for (const [name, part] of [['header', parts[0]!], ['claims', parts[1]!]] as const) {
      const json = parseJson(new TextDecoder().decode(decodeBase64url(part, { padding: 'allow', canonical: false, what: name })), { what: name });
      out(`   ${name.padEnd(7)} ${JSON.stringify(json)}`);
      if (name === 'claims' && typeof json === 'object' && json !== null) {
        for (const claim of ['iat', 'nbf', 'exp'] as const) {
          const v = (json as Record<string, unknown>)[claim];
          if (typeof v === 'number') out(`   ${claim.padEnd(7)} ${formatTime(v * 1000)}`);
        }
      }
    }
    return 0;
  }
  out('oauthbearer decode: not a client message (starts with "n,"), an error challenge ("{...}") or a token (three dot-separated parts)');
  return 2;
}
