// Generates spec-vectors/jwt.json and spec-vectors/jws.json from fixed keys (test/jose/fixtures/keys.json, made
// once) and a fixed clock. Tokens are signed with node:crypto directly (not our ports) and, for a few, with `jose`,
// so the vectors are a peer's output. EdDSA and RS256 signatures are deterministic; ES/PS ones change on rerun.
// Run: npx tsx test/jose/make-vectors.ts
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, constants } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, importJWK } from 'jose';

const root = join(import.meta.dirname, '../..');
const keyFile = join(import.meta.dirname, 'fixtures/keys.json');

type Jwk = Record<string, unknown>;
// RFC 8037 §A.1 Ed25519 key: a published test key, reused so EdDSA outputs can be checked against RFC 8037 §A.4.
const RFC8037_ED25519 = { kty: 'OKP', crv: 'Ed25519', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };
// RFC 7515 §A.3 P-256 public key (its example signature is checked in jws.json).
const RFC7515_P256 = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

function loadKeys(): Record<string, Jwk> {
  if (existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8'));
  const jwk = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) => k.export({ format: 'jwk' }) as Jwk;
  const keys = {
    ed1: RFC8037_ED25519,
    es1: jwk(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey),
    rs1: jwk(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    es384: jwk(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey),
    es521: jwk(generateKeyPairSync('ec', { namedCurve: 'P-521' }).privateKey),
    rsSmall: jwk(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey),
    attacker: jwk(generateKeyPairSync('ed25519').privateKey),
  };
  mkdirSync(join(import.meta.dirname, 'fixtures'), { recursive: true });
  writeFileSync(keyFile, `${JSON.stringify(keys, null, 2)}\n`);
  return keys;
}

const KEYS = loadKeys();
const pub = (name: string, extra: Jwk = {}): Jwk => {
  const { d, p, q, dp, dq, qi, ...rest } = KEYS[name]!;
  void d; void p; void q; void dp; void dq; void qi;
  return { ...rest, kid: name, ...extra };
};
const b64u = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

/** Signs `header.payload` with node:crypto for the alg in the header. */
function signWith(keyName: string, alg: string, signingInput: string): string {
  const key = createPrivateKey({ key: KEYS[keyName] as never, format: 'jwk' });
  const data = Buffer.from(signingInput);
  const hash = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  if (alg.startsWith('PS')) return b64u(sign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }));
  if (alg.startsWith('ES')) return b64u(sign(hash, data, { key, dsaEncoding: 'ieee-p1363' }));
  return b64u(sign(hash, data, key));
}

interface TokenSpec { key?: string; alg?: string; header?: Jwk; claims?: Jwk; payloadText?: string; headerText?: string }
function token(spec: TokenSpec): string {
  const key = spec.key ?? 'ed1';
  const alg = spec.alg ?? (key.startsWith('rs') ? 'RS256' : key.startsWith('es') ? 'ES256' : 'EdDSA');
  const header = spec.headerText ?? JSON.stringify(spec.header ?? { alg, typ: 'JWT', kid: key });
  const payload = spec.payloadText ?? JSON.stringify(spec.claims ?? CLAIMS);
  const input = `${b64u(header)}.${b64u(payload)}`;
  return `${input}.${signWith(key, alg, input)}`;
}

const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;
const CLAIMS = { iss: 'https://idp.example', sub: 'alice', aud: 'kafka', iat: NOW - 60, exp: NOW + 3600, scope: 'read write' };
const OPTIONS = { audience: ['kafka'], issuer: 'https://idp.example' };
const JWKS = { keys: [pub('ed1'), pub('rs1'), pub('es1'), pub('es384'), pub('es521')] };
const OK = { principal: 'alice', scope: ['read write'], lifetimeMs: (NOW + 3600) * 1000, startTimeMs: (NOW - 60) * 1000 };
const INVALID = { error: { status: 'invalid_token' } };

const jwt: unknown[] = [];
function v(id: string, source: string, input: Jwk, expect: unknown): void {
  jwt.push({ id, source, op: 'jwt.validate', input: { jwks: JWKS, nowMs: NOW_MS, options: OPTIONS, ...input }, expect });
}
const withClaims = (changes: Jwk, drop: string[] = []): Jwk => {
  const c: Jwk = { ...CLAIMS, ...changes };
  for (const d of drop) delete c[d];
  return c;
};

// Valid tokens per algorithm.
v('valid-eddsa', 'RFC 8037 §3.1; Kafka BrokerJwtValidator', { token: token({}) }, { ok: OK });
v('valid-rs256', 'RFC 7518 §3.3', { token: token({ key: 'rs1' }) }, { ok: OK });
v('valid-ps256', 'RFC 7518 §3.5', { token: token({ key: 'rs1', alg: 'PS256', header: { alg: 'PS256', kid: 'rs1' } }) }, { ok: OK });
v('valid-rs512', 'RFC 7518 §3.3', { token: token({ key: 'rs1', alg: 'RS512', header: { alg: 'RS512', kid: 'rs1' } }) }, { ok: OK });
v('valid-es256', 'RFC 7518 §3.4 (R‖S signature)', { token: token({ key: 'es1' }) }, { ok: OK });
v('valid-es384', 'RFC 7518 §3.4', { token: token({ key: 'es384', alg: 'ES384', header: { alg: 'ES384', kid: 'es384' } }) }, { ok: OK });
v('valid-es512', 'RFC 7518 §3.4 (P-521, 132-byte signature)', { token: token({ key: 'es521', alg: 'ES512', header: { alg: 'ES512', kid: 'es521' } }) }, { ok: OK });
v('valid-no-kid', 'RFC 7515 §4.1.4 (kid is optional; keys chosen by alg and kty)', { token: token({ header: { alg: 'EdDSA' } }) }, { ok: OK });

// exp / iat / nbf (jose4j NumericDateValidator with requireExp, requireIat; Kafka ClaimValidationUtils).
v('exp-missing', 'Kafka BrokerJwtValidator: jose4j setRequireExpirationTime', { token: token({ claims: withClaims({}, ['exp']) }) }, INVALID);
v('iat-missing', 'Kafka BrokerJwtValidator: jose4j setRequireIssuedAt (the broker requires iat; the client does not)', { token: token({ claims: withClaims({}, ['iat']) }) }, INVALID);
v('exp-at-skew-boundary', 'jose4j NumericDateValidator: expired when now - skew >= exp (default skew 30 s)', { token: token({ claims: withClaims({ exp: NOW - 30 }) }) }, INVALID);
v('exp-within-skew', 'jose4j NumericDateValidator: sasl.oauthbearer.clock.skew.seconds default 30', { token: token({ claims: withClaims({ exp: NOW - 29 }) }) }, { ok: { ...OK, lifetimeMs: (NOW - 29) * 1000 } });
v('exp-skew-zero', 'jose4j NumericDateValidator with clock skew 0: exp == now is expired', { token: token({ claims: withClaims({ exp: NOW }) }), options: { ...OPTIONS, clockSkewSeconds: 0 } }, INVALID);
v('exp-skew-zero-next-second', 'jose4j NumericDateValidator with clock skew 0', { token: token({ claims: withClaims({ exp: NOW + 1 }) }), options: { ...OPTIONS, clockSkewSeconds: 0 } }, { ok: { ...OK, lifetimeMs: (NOW + 1) * 1000 } });
v('exp-fractional-truncated', 'jose4j JwtClaims.getNumericDateClaimValue: Number.longValue() truncates', { token: token({ claims: withClaims({ exp: NOW + 100.9, iat: NOW - 0.5 }) }) }, { ok: { ...OK, lifetimeMs: (NOW + 100) * 1000, startTimeMs: (NOW - 1) * 1000 } });
v('exp-string', 'jose4j JwtClaims: exp must be a Number (MalformedClaimException); RFC 7519 §4.1.4', { token: token({ claims: withClaims({ exp: String(NOW + 3600) }) }) }, INVALID);
v('iat-string', 'jose4j JwtClaims: iat must be a Number; RFC 7519 §4.1.6', { token: token({ claims: withClaims({ iat: 'yesterday' }) }) }, INVALID);
v('exp-before-iat', 'jose4j NumericDateValidator: exp cannot be before iat', { token: token({ claims: withClaims({ iat: NOW + 7200 }) }) }, INVALID);
v('iat-in-future-accepted', 'jose4j NumericDateValidator: no iat-in-the-future limit unless configured (Kafka configures none)', { token: token({ claims: withClaims({ iat: NOW + 600 }) }) }, { ok: { ...OK, startTimeMs: (NOW + 600) * 1000 } });
v('nbf-beyond-skew', 'jose4j NumericDateValidator: not yet valid when now + skew < nbf; RFC 7519 §4.1.5', { token: token({ claims: withClaims({ nbf: NOW + 31 }) }) }, INVALID);
v('nbf-within-skew', 'jose4j NumericDateValidator: clock skew applies to nbf', { token: token({ claims: withClaims({ nbf: NOW + 30 }) }) }, { ok: OK });
v('exp-before-nbf', 'jose4j NumericDateValidator: exp cannot be before nbf', { token: token({ claims: withClaims({ nbf: NOW + 4000, exp: NOW + 3600 }) }), options: { ...OPTIONS, clockSkewSeconds: 100000 } }, INVALID);
v('iat-negative', 'Kafka ClaimValidationUtils.validateIssuedAt: must not be negative', { token: token({ claims: withClaims({ iat: -5 }) }) }, INVALID);

// aud (jose4j AudValidator as Kafka configures it).
v('aud-present-none-configured', 'jose4j AudValidator default: a token with aud is refused when no expected audience is set (Kafka does not call setSkipDefaultAudienceValidation)', { token: token({}), options: { issuer: OPTIONS.issuer } }, INVALID);
v('aud-absent-none-configured', 'jose4j AudValidator: no aud, no expected audience', { token: token({ claims: withClaims({}, ['aud']) }), options: { issuer: OPTIONS.issuer } }, { ok: OK });
v('aud-absent-configured', 'jose4j AudValidator: setExpectedAudience makes aud required (sasl.oauthbearer.expected.audience)', { token: token({ claims: withClaims({}, ['aud']) }) }, INVALID);
v('aud-mismatch', 'jose4j AudValidator: exact match against the expected list', { token: token({ claims: withClaims({ aud: 'Kafka' }) }) }, INVALID);
v('aud-array-one-matches', 'jose4j AudValidator: any one aud value in the expected list; RFC 7519 §4.1.3', { token: token({ claims: withClaims({ aud: ['other', 'kafka'] }) }) }, { ok: OK });
v('aud-second-expected', 'sasl.oauthbearer.expected.audience is a list', { token: token({ claims: withClaims({ aud: 'broker' }) }), options: { ...OPTIONS, audience: ['kafka', 'broker'] } }, { ok: OK });
v('aud-empty-array', 'jose4j AudValidator: an empty aud array holds no expected value', { token: token({ claims: withClaims({ aud: [] }) }) }, INVALID);
v('aud-non-string-item', 'jose4j JwtClaims.getAudience: items must be strings (MalformedClaimException); RFC 7519 §4.1.3', { token: token({ claims: withClaims({ aud: ['kafka', 7] }) }) }, INVALID);

// iss (jose4j IssValidator).
v('iss-mismatch', 'jose4j IssValidator: exact match (sasl.oauthbearer.expected.issuer)', { token: token({ claims: withClaims({ iss: 'https://idp.example/' }) }) }, INVALID);
v('iss-case', 'jose4j IssValidator: case-sensitive string comparison (RFC 7519 §4.1.1 StringOrURI)', { token: token({ claims: withClaims({ iss: 'https://IDP.example' }) }) }, INVALID);
v('iss-missing-configured', 'jose4j IssValidator: required when an expected issuer is set', { token: token({ claims: withClaims({}, ['iss']) }) }, INVALID);
v('iss-any-unconfigured', 'jose4j IssValidator(null, false): any issuer when none is configured', { token: token({ claims: withClaims({ iss: 'https://elsewhere' }) }), options: { audience: ['kafka'] } }, { ok: OK });
v('iss-number-unconfigured', 'jose4j IssValidator: iss must be a string even when not checked', { token: token({ claims: withClaims({ iss: 42 }) }), options: { audience: ['kafka'] } }, INVALID);

// sub claim (Kafka sasl.oauthbearer.sub.claim.name; jose4j SubValidator type check).
v('sub-missing', 'Kafka ClaimValidationUtils.validateSubject: the sub claim is required', { token: token({ claims: withClaims({}, ['sub']) }) }, INVALID);
v('sub-blank', 'Kafka ClaimValidationUtils.validateString: blank after trim is refused', { token: token({ claims: withClaims({ sub: '   ' }) }) }, INVALID);
v('sub-trimmed', 'Kafka ClaimValidationUtils.validateString: the principal is trimmed', { token: token({ claims: withClaims({ sub: '  alice ' }) }) }, { ok: OK });
v('sub-number', 'jose4j SubValidator / getStringClaimValue: sub must be a string', { token: token({ claims: withClaims({ sub: 12 }) }) }, INVALID);
v('sub-claim-name', 'Kafka sasl.oauthbearer.sub.claim.name', { token: token({ claims: withClaims({ client_id: 'svc-1' }, ['sub']) }), options: { ...OPTIONS, subClaimName: 'client_id' } }, { ok: { ...OK, principal: 'svc-1' } });
v('sub-claim-name-missing', 'Kafka sasl.oauthbearer.sub.claim.name: the named claim is required', { token: token({}), options: { ...OPTIONS, subClaimName: 'client_id' } }, INVALID);
v('jti-number', 'jose4j JtiValidator: jti must be a string; RFC 7519 §4.1.7', { token: token({ claims: withClaims({ jti: 1 }) }) }, INVALID);

// scope (Kafka ClaimValidationUtils.validateScopes; sasl.oauthbearer.scope.claim.name).
v('scope-string-one-item', 'Kafka BrokerJwtValidator: a string scope is ONE item, not split on spaces', { token: token({ claims: withClaims({ scope: 'a b c' }) }) }, { ok: { ...OK, scope: ['a b c'] } });
v('scope-list', 'Kafka BrokerJwtValidator: a list scope gives its items', { token: token({ claims: withClaims({ scope: ['write', 'read'] }) }) }, { ok: { ...OK, scope: ['read', 'write'] } });
v('scope-list-trimmed', 'Kafka ClaimValidationUtils.validateString: items are trimmed', { token: token({ claims: withClaims({ scope: [' read ', 'write'] }) }) }, { ok: { ...OK, scope: ['read', 'write'] } });
v('scope-duplicate', 'Kafka ClaimValidationUtils.validateScopes: duplicates are refused', { token: token({ claims: withClaims({ scope: ['read', 'read'] }) }) }, INVALID);
v('scope-duplicate-after-trim', 'Kafka ClaimValidationUtils.validateScopes: duplicates compared after trim', { token: token({ claims: withClaims({ scope: ['read', ' read'] }) }) }, INVALID);
v('scope-blank-item', 'Kafka ClaimValidationUtils.validateString: a blank scope item is refused', { token: token({ claims: withClaims({ scope: ['read', ' '] }) }) }, INVALID);
v('scope-empty-string', 'Kafka ClaimValidationUtils.validateString: an empty scope string is refused', { token: token({ claims: withClaims({ scope: '' }) }) }, INVALID);
v('scope-missing', 'Kafka BrokerJwtValidator: no scope claim gives an empty scope', { token: token({ claims: withClaims({}, ['scope']) }) }, { ok: { ...OK, scope: [] } });
v('scope-number-ignored', 'Kafka BrokerJwtValidator: a scope that is neither string nor list gives an empty scope', { token: token({ claims: withClaims({ scope: 5 }) }) }, { ok: { ...OK, scope: [] } });
v('scope-claim-name', 'Kafka sasl.oauthbearer.scope.claim.name', { token: token({ claims: withClaims({ scp: ['x', 'y'] }) }), options: { ...OPTIONS, scopeClaimName: 'scp' } }, { ok: { ...OK, scope: ['x', 'y'] } });
v('scope-non-string-item', 'Kafka validateScopes: a non-string item fails (ClassCastException in Kafka)', { token: token({ claims: withClaims({ scope: ['read', 1] }) }) }, INVALID);

// Certificate-bound tokens (RFC 8705 §3).
const THUMB = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';
const bound = token({ claims: withClaims({ cnf: { 'x5t#S256': THUMB } }) });
v('cnf-match', 'RFC 8705 §3: the certificate thumbprint equals cnf.x5t#S256', { token: bound, certificateThumbprint: THUMB }, { ok: OK });
v('cnf-mismatch', 'RFC 8705 §3: a different client certificate is refused', { token: bound, certificateThumbprint: 'A77fTHs2zJUZ6Jj7vCjWZbnBG_eV0ZlDP3bIMk5-4Ks' }, INVALID);
v('cnf-no-certificate', 'RFC 8705 §3: a bound token on a connection without a client certificate is refused', { token: bound, certificateThumbprint: null }, INVALID);
v('cnf-unbound-with-certificate', 'RFC 8705 §3: an unbound token is not affected by the certificate', { token: token({}), certificateThumbprint: THUMB }, { ok: OK });
v('cnf-not-object', 'RFC 7800 §3.1: cnf is a JSON object', { token: token({ claims: withClaims({ cnf: 'x' }) }), certificateThumbprint: THUMB }, INVALID);
// Fail closed (issue 12): a binding the validator cannot check is refused unless certificateBinding is 'ignore'.
const IGNORE = { ...OPTIONS, certificateBinding: 'ignore' };
v('cnf-thumbprint-unknown', 'RFC 8705 §3: the resource server MUST check the certificate; with no thumbprint in the context it cannot, so it refuses (fail closed)', { token: bound }, INVALID);
v('cnf-ignore-unknown', 'Kafka BrokerJwtValidator ignores cnf: certificateBinding "ignore" accepts a bound token with no thumbprint', { token: bound, options: IGNORE }, { ok: OK });
v('cnf-ignore-mismatch', 'Kafka BrokerJwtValidator ignores cnf: certificateBinding "ignore" accepts a bound token on another certificate', { token: bound, certificateThumbprint: 'A77fTHs2zJUZ6Jj7vCjWZbnBG_eV0ZlDP3bIMk5-4Ks', options: IGNORE }, { ok: OK });
v('cnf-ignore-not-object', 'Kafka (jose4j) does not look at cnf at all: with certificateBinding "ignore" a malformed cnf passes', { token: token({ claims: withClaims({ cnf: 'x' }) }), options: IGNORE }, { ok: OK });
const jktBound = token({ claims: withClaims({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }) });
v('cnf-jkt', 'RFC 9449 §6.1: a DPoP-bound token (cnf.jkt) needs a DPoP proof, which SASL cannot carry: refused', { token: jktBound, certificateThumbprint: THUMB }, INVALID);
v('cnf-jkt-ignore', 'Kafka ignores cnf: certificateBinding "ignore" accepts a DPoP-bound token', { token: jktBound, options: IGNORE }, { ok: OK });
const x5tSha1 = token({ claims: withClaims({ cnf: { x5t: 'khMA2pP-UsQwuvg9VUWcbMi3sw0' } }) });
v('cnf-x5t-sha1', 'RFC 8705 §3.1 defines only x5t#S256; a SHA-1 cnf.x5t cannot be checked: refused', { token: x5tSha1, certificateThumbprint: THUMB }, INVALID);
v('cnf-x5t-sha1-ignore', 'Kafka ignores cnf: certificateBinding "ignore" accepts a cnf.x5t token', { token: x5tSha1, options: IGNORE }, { ok: OK });
v('cnf-jwk', 'RFC 7800 §3.2: a proof-of-possession key (cnf.jwk) cannot be proven over SASL: refused', { token: token({ claims: withClaims({ cnf: { jwk: pub('ed1') } }) }) }, INVALID);
v('cnf-x5t-s256-and-jkt', 'A token bound two ways is refused when one of them cannot be checked, even if the certificate matches', { token: token({ claims: withClaims({ cnf: { 'x5t#S256': THUMB, jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }) }), certificateThumbprint: THUMB }, INVALID);
v('cnf-empty', 'RFC 7800 §3.1: an empty cnf names no binding: a plain bearer token', { token: token({ claims: withClaims({ cnf: {} }) }) }, { ok: OK });

// Claims set encoding.
v('claims-duplicate-name', 'RFC 7519 §4 / RFC 7515 §5.2: duplicate member names refused (jose4j JsonUtil refuses them)', { token: token({ payloadText: `{"sub":"mallory","iss":"https://idp.example","aud":"kafka","iat":${NOW - 60},"exp":${NOW + 3600},"sub":"alice"}` }) }, INVALID);
v('claims-not-object', 'RFC 7519 §7.2 step 10: the claims set is a JSON object', { token: token({ payloadText: '["sub","alice"]' }) }, INVALID);
v('claims-not-json', 'RFC 7519 §7.2 step 10', { token: token({ payloadText: 'sub=alice' }) }, INVALID);
v('claims-bad-utf8', 'RFC 7519 §7.2 step 9: UTF-8', { token: (() => { const h = b64u(JSON.stringify({ alg: 'EdDSA', kid: 'ed1' })); const p = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url'); return `${h}.${p}.${signWith('ed1', 'EdDSA', `${h}.${p}`)}`; })() }, INVALID);

// RFC 8725 attacks and RFC 7515 format rules.
const [h0, p0, s0] = token({}).split('.') as [string, string, string];
const rsPem = createPublicKey({ key: pub('rs1') as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string;
const hsInput = `${b64u(JSON.stringify({ alg: 'HS256', kid: 'rs1' }))}.${p0}`;
v('alg-none', 'RFC 8725 §2.1, §3.1: alg "none" is never accepted', { token: `${b64u(JSON.stringify({ alg: 'none' }))}.${p0}.` }, INVALID);
v('alg-none-with-signature', 'RFC 8725 §3.1', { token: `${b64u(JSON.stringify({ alg: 'none', kid: 'ed1' }))}.${p0}.${s0}` }, INVALID);
v('alg-none-case', 'RFC 8725 §3.1: "None" is not an allowed alg either', { token: `${b64u(JSON.stringify({ alg: 'None' }))}.${p0}.${s0}` }, INVALID);
v('rs-hs-confusion-pem', 'RFC 8725 §2.1, §3.1: HS256 with the RSA public key (PEM) as the HMAC secret', { token: `${hsInput}.${b64u(createHmac('sha256', rsPem).update(hsInput).digest())}` }, INVALID);
v('rs-hs-confusion-jwk', 'RFC 8725 §2.1: HS256 with the public JWK JSON as the HMAC secret', { token: `${hsInput}.${b64u(createHmac('sha256', JSON.stringify(pub('rs1'))).update(hsInput).digest())}` }, INVALID);
const octInput = `${b64u(JSON.stringify({ alg: 'HS256', kid: 'k' }))}.${p0}`;
v('hs256-oct-key', 'RFC 8725 §3.1: MAC algorithms are not on the allow-list, even with an oct key in the JWKS', { token: `${octInput}.${b64u(createHmac('sha256', 'secret').update(octInput).digest())}`, jwks: { keys: [...JWKS.keys, { kty: 'oct', kid: 'k', k: b64u('secret') }] } }, INVALID);
v('kty-alg-mismatch-es-on-rsa', 'RFC 8725 §3.1: an ES256 header naming an RSA key fails', { token: `${b64u(JSON.stringify({ alg: 'ES256', kid: 'rs1' }))}.${p0}.${s0}` }, INVALID);
v('kty-alg-mismatch-rs-on-okp', 'RFC 8725 §3.1: an RS256 header naming an OKP key fails', { token: `${b64u(JSON.stringify({ alg: 'RS256', kid: 'ed1' }))}.${p0}.${s0}` }, INVALID);
v('crv-mismatch-es384-on-p256', 'RFC 7518 §3.4: ES384 needs a P-384 key', { token: token({ key: 'es1', alg: 'ES256', header: { alg: 'ES384', kid: 'es1' } }) }, INVALID);
v('alg-not-allowed', 'RFC 8725 §3.1: an algorithm outside the configured allow-list', { token: token({}), options: { ...OPTIONS, algorithms: ['RS256', 'ES256'] } }, INVALID);
v('alg-allowed', 'RFC 8725 §3.1: the allow-list names the algorithm', { token: token({}), options: { ...OPTIONS, algorithms: ['EdDSA'] } }, { ok: OK });
v('crit-unknown', 'RFC 7515 §4.1.11: crit naming an extension not understood', { token: token({ header: { alg: 'EdDSA', kid: 'ed1', crit: ['exp'], exp: NOW + 10 } }) }, INVALID);
v('crit-b64-false', 'RFC 7797 §3, §6: unencoded payload (b64 false) is refused', { token: token({ header: { alg: 'EdDSA', kid: 'ed1', b64: false, crit: ['b64'] } }) }, INVALID);
v('b64-without-crit', 'RFC 7797 §6: b64 is refused here, with or without crit', { token: token({ header: { alg: 'EdDSA', kid: 'ed1', b64: true } }) }, INVALID);
const es = token({ key: 'es1' });
const [eh, ep, esig] = es.split('.') as [string, string, string];
v('es256-der-signature', 'RFC 7518 §3.4: ES signatures are R‖S (64 bytes for ES256); a DER signature fails on its length', { token: `${eh}.${ep}.${b64u(derSignature(Buffer.from(esig, 'base64url')))}` }, INVALID);
v('signature-altered', 'RFC 7515 §5.2 step 8', { token: `${h0}.${p0}.${s0.slice(0, 10)}${s0[10] === 'A' ? 'B' : 'A'}${s0.slice(11)}` }, INVALID);
v('payload-altered', 'RFC 7515 §5.2 step 8: the signature covers the payload', { token: `${h0}.${b64u(JSON.stringify({ ...CLAIMS, sub: 'admin' }))}.${s0}` }, INVALID);
v('truncated-signature', 'RFC 7515 §7.1: a truncated token fails', { token: `${h0}.${p0}.${s0.slice(0, -1)}` }, INVALID);
v('truncated-two-parts', 'RFC 7515 §7.1: three parts are required', { token: `${h0}.${p0}` }, INVALID);
v('four-parts', 'RFC 7515 §7.1: exactly three parts (a JWE has five)', { token: `${h0}.${p0}.${s0}.${s0}` }, INVALID);
v('empty-signature', 'RFC 7515 §7.1; Kafka SerializedJwt: the signature part must be non-empty', { token: `${h0}.${p0}.` }, INVALID);
v('padding-in-signature', 'RFC 7515 §2: base64url without "=" padding', { token: `${h0}.${p0}.${s0}==` }, INVALID);
v('padding-in-header', 'RFC 7515 §2', { token: (() => { const hh = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: 'ed1', x: 12 })).toString('base64'); if (!hh.endsWith('=')) throw new Error('no padding'); return `${hh}.${p0}.${signWith('ed1', 'EdDSA', `${hh}.${p0}`)}`; })() }, INVALID);
v('standard-base64-chars', 'RFC 7515 §2: "+" and "/" are not base64url', { token: `${h0}.${p0}.${s0.replace(/-/g, '+').replace(/_/g, '/')}${/[-_]/.test(s0) ? '' : '+'}` }, INVALID);
v('whitespace-in-token', 'RFC 7515 §7.1: no white space inside the compact form', { token: `${h0}. ${p0}.${s0}` }, INVALID);
v('non-canonical-base64url', 'RFC 4648 §3.5: the last character of the signature has unused bits set', { token: `${h0}.${p0}.${s0.slice(0, -1)}${nonCanonical(s0.slice(-1))}` }, INVALID);
v('large-token', 'Kafka\'s broker takes any token that fits its 524288-byte SASL frame (sasl.server.max.receive.size; issue 12): a 17 KB token is accepted', { token: token({ claims: withClaims({ pad: 'x'.repeat(17_000) }) }) }, { ok: OK });
v('oversized-token', 'Bounded input: the token exceeds the configured maxTokenLength', { token: token({ claims: withClaims({ pad: 'x'.repeat(17_000) }) }), options: { ...OPTIONS, maxTokenLength: 16_384 } }, INVALID);
v('large-token-within-limit', 'Bounded input: a 12 KiB token is still accepted', { token: token({ claims: withClaims({ pad: 'x'.repeat(9_000) }) }) }, { ok: OK });
v('header-duplicate-alg', 'RFC 7515 §5.2: duplicate header names refused (a later "alg" must not override)', { token: (() => { const hh = b64u('{"alg":"none","kid":"ed1","alg":"EdDSA"}'); return `${hh}.${p0}.${signWith('ed1', 'EdDSA', `${hh}.${p0}`)}`; })() }, INVALID);
v('header-not-json', 'RFC 7515 §5.2 step 3', { token: `${b64u('alg=EdDSA')}.${p0}.${s0}` }, INVALID);
v('header-kid-number', 'RFC 7515 §4.1.4: kid is a string', { token: token({ header: { alg: 'EdDSA', kid: 1 } }) }, INVALID);
v('kid-unknown', 'RFC 7515 §4.1.4: no key has this kid', { token: token({ header: { alg: 'EdDSA', kid: 'gone' } }) }, INVALID);
v('embedded-jwk-ignored', 'RFC 8725 §3.10 / RFC 7515 §4.1.3: a key embedded in the header is never trusted', { token: token({ key: 'attacker', alg: 'EdDSA', header: { alg: 'EdDSA', jwk: pub('attacker', { kid: undefined }) } }) }, INVALID);
v('rsa-1024-key', 'RFC 7518 §3.3: RSA keys of 2048 bits or larger MUST be used', { token: token({ key: 'rsSmall', alg: 'RS256', header: { alg: 'RS256', kid: 'rsSmall' } }), jwks: { keys: [pub('rsSmall')] } }, INVALID);
v('jwk-use-enc', 'RFC 7517 §4.2: a key with use "enc" does not verify signatures', { token: token({}), jwks: { keys: [pub('ed1', { use: 'enc' })] } }, INVALID);
v('jwk-use-sig', 'RFC 7517 §4.2', { token: token({}), jwks: { keys: [pub('ed1', { use: 'sig' })] } }, { ok: OK });
v('jwk-alg-mismatch', 'RFC 7517 §4.4: a key marked for PS256 does not verify RS256', { token: token({ key: 'rs1' }), jwks: { keys: [pub('rs1', { alg: 'PS256' })] } }, INVALID);
v('jwk-key-ops-no-verify', 'RFC 7517 §4.3: key_ops without "verify"', { token: token({}), jwks: { keys: [pub('ed1', { key_ops: ['encrypt'] })] } }, INVALID);
v('jwks-oct-only', 'RFC 8725 §3.1: an oct key never verifies an asymmetric alg', { token: token({}), jwks: { keys: [{ kty: 'oct', kid: 'ed1', k: 'c2VjcmV0' }] } }, INVALID);

function derSignature(rs: Buffer): Buffer {
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(rs.subarray(0, 32)), int(rs.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function nonCanonical(last: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // 64-byte signatures end in 86 characters: the last carries 4 data bits and 2 unused bits.
  return alphabet[alphabet.indexOf(last) | 1]!;
}

// One token made by `jose` itself, a peer signer.
const joseKey = await importJWK(KEYS.ed1 as never, 'EdDSA');
const joseToken = await new SignJWT({ ...CLAIMS }).setProtectedHeader({ alg: 'EdDSA', kid: 'ed1' }).sign(joseKey);
v('jose-signed', 'panva/jose SignJWT output validates (interoperability)', { token: joseToken }, { ok: OK });

// jws.verify: single signature checks.
const jws: unknown[] = [];
function w(id: string, source: string, input: Jwk, expect: unknown): void {
  jws.push({ id, source, op: 'jws.verify', input, expect });
}
const enc = new TextEncoder();
const RFC8037_INPUT = 'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc';
const RFC8037_SIG = 'hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';
const RFC7515_INPUT = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';
const RFC7515_SIG = 'DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q';
const ed = { kty: 'OKP', crv: 'Ed25519', x: RFC8037_ED25519.x };
const p256 = { kty: 'EC', crv: 'P-256', x: RFC7515_P256.x, y: RFC7515_P256.y };
void enc;
w('rfc8037-a4-ed25519', 'RFC 8037 §A.4', { jwk: ed, alg: 'EdDSA', signingInput: RFC8037_INPUT, signature: RFC8037_SIG }, { ok: {} });
w('rfc8037-a4-changed-message', 'RFC 8037 §A.4, RFC 8032 §5.1.7', { jwk: ed, alg: 'EdDSA', signingInput: `${RFC8037_INPUT}x`, signature: RFC8037_SIG }, { error: {} });
w('rfc8037-a4-short-signature', 'RFC 8032 §5.1.7: a signature is 64 bytes', { jwk: ed, alg: 'EdDSA', signingInput: RFC8037_INPUT, signature: RFC8037_SIG.slice(0, 84) }, { error: {} });
w('rfc7515-a3-es256', 'RFC 7515 §A.3', { jwk: p256, alg: 'ES256', signingInput: RFC7515_INPUT, signature: RFC7515_SIG }, { ok: {} });
w('rfc7515-a3-der', 'RFC 7518 §3.4: the DER form of the same signature fails', { jwk: p256, alg: 'ES256', signingInput: RFC7515_INPUT, signature: b64u(derSignature(Buffer.from(RFC7515_SIG, 'base64url'))) }, { error: {} });
w('rfc7515-a3-as-es384', 'RFC 7518 §3.4: ES384 with a P-256 key', { jwk: p256, alg: 'ES384', signingInput: RFC7515_INPUT, signature: RFC7515_SIG }, { error: {} });
w('rfc7515-a3-with-kid-alg', 'RFC 7517 §4.4: a JWK alg member equal to the algorithm', { jwk: { ...p256, alg: 'ES256', use: 'sig' }, alg: 'ES256', signingInput: RFC7515_INPUT, signature: RFC7515_SIG }, { ok: {} });
w('rfc7515-a3-wrong-curve-member', 'RFC 7518 §6.2.1.1: crv must be P-256 for ES256', { jwk: { ...p256, crv: 'P-384' }, alg: 'ES256', signingInput: RFC7515_INPUT, signature: RFC7515_SIG }, { error: {} });
w('rfc7515-a3-padded-signature', 'RFC 7515 §2: no padding', { jwk: p256, alg: 'ES256', signingInput: RFC7515_INPUT, signature: `${RFC7515_SIG}==` }, { error: {} });
w('alg-none', 'RFC 8725 §3.1', { jwk: ed, alg: 'none', signingInput: RFC8037_INPUT, signature: RFC8037_SIG }, { error: {} });
w('alg-hs256-oct', 'RFC 8725 §3.1: MAC algorithms are not verified here', { jwk: { kty: 'oct', k: 'c2VjcmV0' }, alg: 'HS256', signingInput: 'a.b', signature: b64u(createHmac('sha256', 'secret').update('a.b').digest()) }, { error: {} });
w('okp-key-for-es256', 'RFC 8725 §3.1: key type must fit alg', { jwk: ed, alg: 'ES256', signingInput: RFC7515_INPUT, signature: RFC7515_SIG }, { error: {} });
w('ed448-key-for-eddsa', 'RFC 8037 §3.1: EdDSA here is Ed25519 only; an Ed448 key is refused', { jwk: { kty: 'OKP', crv: 'Ed448', x: b64u(new Uint8Array(57).fill(1)) }, alg: 'EdDSA', signingInput: RFC8037_INPUT, signature: RFC8037_SIG }, { error: {} });
w('x25519-key-for-eddsa', 'RFC 8037 §3.2: X25519 is a key agreement curve, not a signature key', { jwk: { ...ed, crv: 'X25519' }, alg: 'EdDSA', signingInput: RFC8037_INPUT, signature: RFC8037_SIG }, { error: {} });
w('ed25519-wrong-x-length', 'RFC 8037 §2: an Ed25519 public key is 32 bytes', { jwk: { ...ed, x: b64u(new Uint8Array(31)) }, alg: 'EdDSA', signingInput: RFC8037_INPUT, signature: RFC8037_SIG }, { error: {} });
const rsInput = `${b64u('{"alg":"RS256"}')}.${b64u('payload')}`;
w('rs256', 'RFC 7518 §3.3 (deterministic RSASSA-PKCS1-v1_5)', { jwk: pub('rs1'), alg: 'RS256', signingInput: rsInput, signature: signWith('rs1', 'RS256', rsInput) }, { ok: {} });
w('rs256-as-ps256', 'RFC 7518 §3.5: a PKCS#1 v1.5 signature is not a PSS one', { jwk: pub('rs1'), alg: 'PS256', signingInput: rsInput, signature: signWith('rs1', 'RS256', rsInput) }, { error: {} });
w('ps256', 'RFC 7518 §3.5 (salt length 32)', { jwk: pub('rs1'), alg: 'PS256', signingInput: rsInput, signature: signWith('rs1', 'PS256', rsInput) }, { ok: {} });
w('ps384', 'RFC 7518 §3.5', { jwk: pub('rs1'), alg: 'PS384', signingInput: rsInput, signature: signWith('rs1', 'PS384', rsInput) }, { ok: {} });
w('rs384-as-rs256', 'RFC 7518 §3.3: the hash is part of the algorithm', { jwk: pub('rs1'), alg: 'RS256', signingInput: rsInput, signature: signWith('rs1', 'RS384', rsInput) }, { error: {} });
w('rsa-1024', 'RFC 7518 §3.3: at least 2048 bits', { jwk: pub('rsSmall'), alg: 'RS256', signingInput: rsInput, signature: signWith('rsSmall', 'RS256', rsInput) }, { error: {} });
w('es512', 'RFC 7518 §3.4: P-521, 132-byte R‖S', { jwk: pub('es521'), alg: 'ES512', signingInput: rsInput, signature: signWith('es521', 'ES512', rsInput) }, { ok: {} });

const header = (description: string, vectors: unknown[]): string =>
  `${JSON.stringify({ format: 'oauthbearer-vectors/1', description, vectors }, null, 1)}\n`;
writeFileSync(join(root, 'spec-vectors/jwt.json'), header(`Signed access tokens as Kafka's broker validates them (KIP-768, jose4j), RFC 7519 claims, RFC 8725 attacks, RFC 8705 binding. Generated by test/jose/make-vectors.ts at nowMs ${NOW_MS}.`, jwt));
writeFileSync(join(root, 'spec-vectors/jws.json'), header('Single JWS signature checks (RFC 7515 §5.2, RFC 7518 §3, RFC 8037); ES signatures are R‖S. Generated by test/jose/make-vectors.ts.', jws));
console.log(`${jwt.length} jwt vectors, ${jws.length} jws vectors`);
