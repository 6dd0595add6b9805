/**
 * validateUnsecuredToken (Kafka KIP-255, OAuthBearerUnsecuredValidatorCallbackHandler semantics) against its floor,
 * in the same run.
 *
 * Floor: what any validator must at least do with the same token: base64url-decode its two parts and JSON.parse
 * them (no checks at all). Peer: the same floor plus the obvious checks written inline (alg, exp, sub), to show
 * what Kafka's exact semantics cost on top. Tokens: a typical one made by Kafka's unsecured login module, one
 * with a 20-item scope list and a required scope, and the typical one with a different header, which skips our
 * fast path for Kafka's constant `{"alg":"none"}` header.
 *
 * Run: npx tsx bench/unsecured.bench.ts
 */
import { compare } from './harness.js';
import { decodeBase64url, encodeBase64url } from '../src/encoding/base64.js';
import { createUnsecuredToken, unsecuredValidatorConfig, validateUnsecuredToken } from '../src/kafka/unsecured.js';

const NOW = 1_700_000_000_000;
const decoder = new TextDecoder();

function floor(token: string): unknown {
  const dot = token.indexOf('.');
  const dot2 = token.indexOf('.', dot + 1);
  const header = JSON.parse(decoder.decode(decodeBase64url(token.slice(0, dot))));
  const claims = JSON.parse(decoder.decode(decodeBase64url(token.slice(dot + 1, dot2))));
  return [header, claims];
}

function naive(token: string): unknown {
  const [header, claims] = floor(token) as [Record<string, unknown>, Record<string, unknown>];
  if (header.alg !== 'none' || typeof claims.exp !== 'number' || typeof claims.sub !== 'string') throw new Error('bad');
  if (NOW >= claims.exp * 1000) throw new Error('expired');
  return claims.sub;
}

const cases: { title: string; options: Record<string, string>; validator: Record<string, string> }[] = [
  {
    title: 'typical unsecured token (sub, one scope)',
    options: { unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginStringClaim_scope: 'read' },
    validator: {},
  },
  {
    title: '20-item scope list, required scope "s3 s17"',
    options: {
      unsecuredLoginStringClaim_sub: 'service-account-42',
      unsecuredLoginListClaim_scope: ' ' + Array.from({ length: 20 }, (_, i) => `s${i}`).join(' '),
      unsecuredLoginStringClaim_aud: 'kafka',
    },
    validator: { unsecuredValidatorRequiredScope: 's3 s17' },
  },
];

for (const c of cases) await bench(c.title, createUnsecuredToken(c.options, NOW).value, c.validator);
{
  const made = createUnsecuredToken(cases[0]!.options, NOW).value;
  const header = encodeBase64url(new TextEncoder().encode('{"alg":"none","typ":"JWT"}'));
  await bench('typical token, header {"alg":"none","typ":"JWT"} (no header fast path)', header + made.slice(made.indexOf('.')), {});
}

async function bench(title: string, token: string, validator: Record<string, string>): Promise<void> {
  const config = unsecuredValidatorConfig(validator);
  await compare(`unsecured.validate: ${title} (${token.length} chars)`, [
    { name: 'floor (2× base64url + JSON.parse)', fn: () => floor(token) },
    { name: 'validateUnsecuredToken', fn: () => validateUnsecuredToken(token, config, NOW) },
    { name: 'validateUnsecuredToken (options map)', fn: () => validateUnsecuredToken(token, validator, NOW) },
    { name: 'naive inline checks', fn: () => naive(token) },
  ], 'floor (2× base64url + JSON.parse)');
}
