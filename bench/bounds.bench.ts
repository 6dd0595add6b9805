/**
 * Bounds as policy (issue 12 item 5): every size limit is a named constant, and the work under it must stay
 * linear up to the limit. For each decoder a size-limited input grows from 1 KiB to the limit (524 288 for a token,
 * Kafka's SASL frame), and the table gives time per op and per KiB; the ratio column is each size's time per KiB
 * over the 1 KiB case's, in the same round (harness.ts `compare`), so ≈1 (or below, as fixed costs spread) means
 * linear, and a ratio growing with the size would mean super-linear work.
 *
 * Run: npx tsx bench/bounds.bench.ts
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { compare, type BenchCase } from './harness.js';
import { decodeClientResponse, encodeClientResponse, MAX_CLIENT_RESPONSE_BYTES } from '../src/sasl/gs2.js';
import { createUnsecuredToken, MAX_UNSECURED_TOKEN_LENGTH, validateUnsecuredToken } from '../src/kafka/unsecured.js';
import { createJwtValidator } from '../src/jose/validator.js';
import { MAX_TOKEN_LENGTH } from '../src/jose/jws.js';
import { nodeCryptoPort } from '../src/node/crypto.js';
import { MAX_TOKEN_RESPONSE_BYTES, processTokenResponse } from '../src/oauth/response.js';
import { MAX_JAAS_CONFIG_LENGTH, parseJaasConfig } from '../src/kafka/jaas.js';
import { MAX_PROPERTIES_LENGTH, parseProperties } from '../src/kafka/properties.js';
import { redactSecrets, secretForms } from '../src/oauth/redact.js';
import type { Jwk } from '../src/ports.js';

const KIB = 1024;
const NOW_MS = 1_700_000_000_000;

function sizes(limit: number): number[] {
  const out: number[] = [];
  for (let n = KIB; n < limit; n *= 4) out.push(n);
  out.push(Math.floor(limit * 0.95));
  return out;
}

/** Cases for one decoder, one per size; `make(n)` builds an input of about n bytes and returns the operation. */
async function linear(title: string, limit: number, make: (n: number) => () => unknown): Promise<void> {
  const ns = sizes(limit);
  const cases: BenchCase[] = ns.map((n) => ({ name: `${Math.round(n / KIB)} KiB`, fn: make(n) }));
  const results = await compare(`${title} (limit ${limit})`, cases, cases[0]!.name, { rounds: 21 });
  console.log('\n| size | time / KiB | per-KiB × 1 KiB (same round; overall) |');
  console.log('|---:|---:|---:|');
  const base = results[0]!.nsPerOp / (ns[0]! / KIB);
  results.forEach((r, i) => {
    const perKib = r.nsPerOp / (ns[i]! / KIB);
    console.log(`| ${r.name} | ${(perKib / 1e3).toFixed(2)} µs | ${((r.ratio.median * ns[0]!) / ns[i]!).toFixed(2)} (${(perKib / base).toFixed(2)}) |`);
  });
}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1' } as Jwk;
const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
function signedToken(n: number): string {
  const header = b64u(JSON.stringify({ alg: 'EdDSA', kid: 'k1' }));
  const base = { sub: 'alice', iat: NOW_MS / 1000 - 60, exp: NOW_MS / 1000 + 3600, pad: '' };
  const pad = Math.max(0, Math.floor((n - 200) * 0.75));
  const payload = b64u(JSON.stringify({ ...base, pad: 'x'.repeat(pad) }));
  return `${header}.${payload}.${b64u(sign(null, Buffer.from(`${header}.${payload}`), privateKey))}`;
}
const validator = createJwtValidator({ keys: { keys: [jwk] }, crypto: nodeCryptoPort, cacheEntries: 0 });

await linear('GS2 client response, kafka profile (decodeClientResponse)', MAX_CLIENT_RESPONSE_BYTES, (n) => {
  const bytes = encodeClientResponse({ token: 'a'.repeat(n - 32) });
  return () => decodeClientResponse(bytes, { profile: 'kafka' });
});
await linear('Unsecured token (validateUnsecuredToken)', MAX_UNSECURED_TOKEN_LENGTH, (n) => {
  const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginStringClaim_pad: 'x'.repeat(Math.floor((n - 300) * 0.74)) }, NOW_MS).value;
  return () => validateUnsecuredToken(token, {}, NOW_MS);
});
await linear('Signed token, EdDSA on node:crypto (createJwtValidator, cache off)', MAX_TOKEN_LENGTH, (n) => {
  const token = signedToken(n);
  return () => validator(token, { nowMs: NOW_MS });
});
await linear('Token endpoint response (processTokenResponse)', MAX_TOKEN_RESPONSE_BYTES, (n) => {
  const body = new TextEncoder().encode(JSON.stringify({ access_token: 'a'.repeat(n - 40), token_type: 'Bearer' }));
  return () => processTokenResponse({ status: 200, body }, { nowMs: NOW_MS });
});
await linear('sasl.jaas.config (parseJaasConfig)', MAX_JAAS_CONFIG_LENGTH, (n) => {
  const text = `org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientSecret="${'s'.repeat(n - 120)}";`;
  return () => parseJaasConfig(text);
});
await linear('Properties text (parseProperties)', MAX_PROPERTIES_LENGTH, (n) => {
  const text = `sasl.oauthbearer.client.credentials.client.secret=${'s'.repeat(n - 60)}\n`;
  return () => parseProperties(text);
});
await linear('Secret redaction of a message (redactSecrets, 8-character prefixes everywhere)', 64 * KIB, (n) => {
  const forms = secretForms('Cl1ent+S3cret@pass');
  const text = 'Cl1ent+S3 '.repeat(Math.floor(n / 10));
  return () => redactSecrets(text, forms);
});
