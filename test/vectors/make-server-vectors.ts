/**
 * Writes spec-vectors/server.json: `server.exchange` vectors. Tokens and messages are built here from fixed times;
 * every expectation is written by hand from Kafka's behaviour (../shared/research/kafka-java.md §2, §4c and
 * kafka-observed.md "The server mechanism"), never computed by our engine.
 * Run: npx tsx test/vectors/make-server-vectors.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';

const NOW = 1_700_000_000_000;
const root = join(import.meta.dirname, '../..');
const tok = (options: Record<string, string>, nowMs = NOW) => createUnsecuredToken(options, nowMs).value;
const msg = (token: string, { authzid = '', ext = '' }: { authzid?: string; ext?: string } = {}) =>
  `n,${authzid ? `a=${authzid}` : ''},\u0001auth=Bearer ${token}\u0001${ext}\u0001`;

const alice = tok({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginListClaim_scope: ' read write' });
const comma = tok({ unsecuredLoginStringClaim_sub: 'a,b' });
const expired = tok({ unsecuredLoginStringClaim_sub: 'alice', unsecuredLoginLifetimeSeconds: '60' }, NOW - 120_000);
const SRV2 = 'OAuthBearerSaslServer.evaluateResponse (kafka-java.md §2)';
const ok = (principal: string, extensions: Record<string, string> = {}) => ({ replies: [{ challenge: '', state: 'success' }], principal, extensions });
const fail = [{ challenge: null, state: 'failure' }];
const challenged = (challenge: string) => [{ challenge, state: 'continue' }, { challenge: null, state: 'failure' }];
const unsecured = (options: Record<string, string> = {}, extensions?: object) => ({ unsecured: options, ...(extensions ? { extensions } : {}) });

const vectors: object[] = [
  { id: 'success-unsecured', source: `${SRV2} step 7: success sends an empty message`, validator: unsecured(), messages: [msg(alice)], expect: { ok: ok('alice') } },
  { id: 'success-extensions-all-valid', source: 'OAuthBearerUnsecuredValidatorCallbackHandler marks every extension valid (kafka-java.md §2)', validator: unsecured(), messages: [msg(alice, { ext: 'traceId=42\u0001logicalCluster=lkc-1\u0001' })], expect: { ok: ok('alice', { traceId: '42', logicalCluster: 'lkc-1' }) } },
  { id: 'success-host-port-are-extensions', source: 'kafka-java.md §1 step 4: host and port are ordinary extensions in Kafka', validator: unsecured(), messages: [`n,,\u0001host=example.com\u0001port=9092\u0001auth=Bearer ${alice}\u0001\u0001`], expect: { ok: ok('alice', { host: 'example.com', port: '9092' }) } },
  { id: 'success-required-scope', source: 'OAuthBearerUnsecuredValidatorCallbackHandler RequiredScope (kafka-java.md §4c step 6)', validator: unsecured({ unsecuredValidatorRequiredScope: 'read write' }), messages: [msg(alice)], expect: { ok: ok('alice') } },
  { id: 'insufficient-scope-challenge-then-failure', source: `${SRV2} step 4; kafka-observed.md: scope as Java List.toString with ", " after the comma`, validator: unsecured({ unsecuredValidatorRequiredScope: 'read admin' }), messages: [msg(alice), '\u0001'], expect: { ok: { replies: challenged('{"status":"insufficient_scope", "scope":"[read, admin]"}') } } },
  { id: 'expired-invalid-token', source: 'OAuthBearerValidationUtils.validateExpirationTime (kafka-java.md §4c step 4)', validator: unsecured(), messages: [msg(expired), '\u0001'], expect: { ok: { replies: challenged('{"status":"invalid_token"}') } } },
  { id: 'expired-within-clock-skew', source: 'unsecuredValidatorAllowableClockSkewMs (kafka-java.md §4c)', validator: unsecured({ unsecuredValidatorAllowableClockSkewMs: '60001' }), messages: [msg(expired)], expect: { ok: ok('alice') } },
  { id: 'retry-after-challenge-succeeds', source: 'kafka-observed.md: after an error challenge the server accepts a new client initial response', validator: unsecured(), messages: [msg(expired), msg(alice)], expect: { ok: { replies: [{ challenge: '{"status":"invalid_token"}', state: 'continue' }, { challenge: '', state: 'success' }], principal: 'alice', extensions: {} } } },
  { id: 'kvsep-without-challenge-fails', source: `${SRV2} step 1: %x01 with no prior error challenge is an invalid first message`, validator: unsecured(), messages: ['\u0001'], expect: { ok: { replies: fail } } },
  { id: 'malformed-message-fails', source: 'OAuthBearerClientInitialResponse: message regex (kafka-java.md §1)', validator: unsecured(), messages: [`n,,auth=Bearer ${alice}\u0001\u0001`], expect: { ok: { replies: fail } } },
  { id: 'channel-binding-y-fails', source: 'kafka-java.md §1: only the n flag matches', validator: unsecured(), messages: [`y,,\u0001auth=Bearer ${alice}\u0001\u0001`], expect: { ok: { replies: fail } } },
  { id: 'non-bearer-scheme-fails', source: 'kafka-java.md §1 step 7: another scheme fails (Kafka closes the connection)', validator: unsecured(), messages: [`n,,\u0001auth=Basic ${alice}\u0001\u0001`], expect: { ok: { replies: fail } } },
  { id: 'bearer-case-insensitive', source: 'kafka-java.md §1 step 7: scheme compared case-insensitively', validator: unsecured(), messages: [`n,,\u0001auth=BEARER ${alice}\u0001\u0001`], expect: { ok: ok('alice') } },
  { id: 'authzid-equal-principal', source: `${SRV2} step 5`, validator: unsecured(), messages: [msg(alice, { authzid: 'alice' })], expect: { ok: ok('alice') } },
  { id: 'authzid-mismatch-fails', source: `${SRV2} step 5: authzid must equal the principal exactly`, validator: unsecured(), messages: [msg(alice, { authzid: 'Alice' })], expect: { ok: { replies: fail } } },
  { id: 'authzid-escaped-compared-raw', source: 'kafka-observed.md: principal a,b with authzid a=2Cb fails (the escaped form is compared)', validator: unsecured(), messages: [msg(comma, { authzid: 'a=2Cb' })], expect: { ok: { replies: fail } } },
  { id: 'extension-rejected-fails', source: `${SRV2} step 6: any invalid extension fails authentication`, validator: unsecured({}, { accept: ['traceId'], reject: ['bad'] }), messages: [msg(alice, { ext: 'traceId=1\u0001bad=2\u0001' })], expect: { ok: { replies: fail } } },
  { id: 'extension-ignored-dropped', source: `${SRV2} step 6: extensions neither valid nor invalid are dropped`, validator: unsecured({}, { accept: ['traceId'] }), messages: [msg(alice, { ext: 'traceId=1\u0001other=2\u0001' })], expect: { ok: ok('alice', { traceId: '1' }) } },
  { id: 'authzid-checked-before-extensions', source: 'kafka-observed.md: a mismatching authzid fails even when an extension would also be rejected', validator: unsecured({}, { reject: ['bad'] }), messages: [msg(alice, { authzid: 'bob', ext: 'bad=1\u0001' })], expect: { ok: { replies: fail } } },
];

// A signed token through the KIP-768 validator: reuse a passing jwt.validate vector's token, keys and time.
const jwt = JSON.parse(readFileSync(join(root, 'spec-vectors/jwt.json'), 'utf8')) as { vectors: { id: string; input: Record<string, unknown>; expect: { ok?: { principal: string } } }[] };
const signed = jwt.vectors.find((v) => v.id === 'valid-eddsa');
if (signed?.expect.ok) {
  const { token, nowMs, ...rest } = signed.input;
  vectors.push({ id: 'success-signed-jwt-eddsa', source: 'KIP-768 broker validation (OAuthBearerValidatorCallbackHandler) through the SASL server', validator: { jwt: rest }, nowMs, messages: [msg(token as string)], expect: { ok: ok(signed.expect.ok.principal) } });
  vectors.push({ id: 'signed-jwt-expired-invalid-token', source: 'KIP-768: every broker validation failure is plain invalid_token (kafka-java.md §7)', validator: { jwt: rest }, nowMs: (nowMs as number) + 10 * 365 * 86_400_000, messages: [msg(token as string), '\u0001'], expect: { ok: { replies: challenged('{"status":"invalid_token"}') } } });
}

const file = {
  format: 'oauthbearer-vectors/1',
  description: 'server.exchange: the OAUTHBEARER server mechanism (Kafka OAuthBearerSaslServer) with the unsecured and KIP-768 validators',
  vectors: vectors.map((v) => {
    const { id, source, expect, validator, messages, nowMs } = v as Record<string, unknown>;
    return { id, source, op: 'server.exchange', input: { validator, nowMs: nowMs ?? NOW, messages }, expect };
  }),
};
writeFileSync(join(root, 'spec-vectors/server.json'), JSON.stringify(file, null, 1) + '\n');
console.log(`wrote ${file.vectors.length} vectors`);
