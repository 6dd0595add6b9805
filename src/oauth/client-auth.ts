/**
 * Client authentication as values (RFC 6749 §2.3.1 client secrets, RFC 7523 §2.2 / §3 private_key_jwt,
 * RFC 8705 §2.1 tls_client_auth, and public clients), in the style of oauth4webapi's `ClientSecretBasic(...)`.
 * A value says what goes into the token request; {@link resolveClientAuth} turns a `private_key_jwt` signer into
 * a signed client assertion (a fresh one per request, RFC 7523 §3 item 7).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import type { CryptoPort, Jwk, JwsAlgorithm, KeyHandle, Random } from '../ports.js';
import { createAssertion, randomJti } from './assertion.js';
import { javaTrim } from '../kafka/java.js';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE_JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * RFC 6749 §2.3.1 with HTTP Basic, as Kafka's KIP-768 client sends it.
 * @category Getting tokens
 */
export interface ClientSecretBasic {
  readonly method: 'client_secret_basic';
  readonly clientId: string;
  readonly clientSecret: string;
  /** Kafka's `sasl.oauthbearer.header.urlencode` (KIP-1025): form-encode id and secret before base64. */
  readonly urlencode: boolean;
}

/**
 * RFC 6749 §2.3.1: `client_id` and `client_secret` in the request body.
 * @category Getting tokens
 */
export interface ClientSecretPost {
  readonly method: 'client_secret_post';
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * RFC 7523 §2.2: a client assertion already signed (a file, or one {@link resolveClientAuth} made).
 * @category Getting tokens
 */
export interface ClientAssertion {
  readonly method: 'private_key_jwt';
  /** Sent as `client_id` when given (RFC 7521 §4.2 makes it optional). */
  readonly clientId?: string;
  readonly clientAssertion: string;
}

/**
 * RFC 8705 §2.1: mutual TLS with a PKI certificate; only `client_id` goes in the body.
 * @category Getting tokens
 */
export interface TlsClientAuth {
  readonly method: 'tls_client_auth';
  readonly clientId: string;
}

/**
 * No client authentication (a public client, or the jwt-bearer grant alone as Kafka's KIP-1139 sends it).
 * @category Getting tokens
 */
export interface NoClientAuth {
  readonly method: 'none';
  readonly clientId?: string;
}

/**
 * Client authentication ready to go into a token request.
 * @category Getting tokens
 */
export type ClientAuth = ClientSecretBasic | ClientSecretPost | ClientAssertion | TlsClientAuth | NoClientAuth;

/**
 * A `private_key_jwt` recipe: signs a fresh client assertion (RFC 7523 §3) for every request.
 * @category Getting tokens
 */
export interface PrivateKeyJwt {
  readonly method: 'private_key_jwt';
  readonly clientId: string;
  readonly signer: {
    readonly key: Jwk | Uint8Array | KeyHandle;
    readonly alg: JwsAlgorithm;
    readonly kid?: string;
    readonly audience: string | readonly string[];
    readonly lifetimeSeconds: number;
    readonly notBeforeSeconds: number | null;
  };
}

/**
 * Any client authentication a caller can configure.
 * @category Getting tokens
 */
export type ClientAuthMethod = ClientAuth | PrivateKeyJwt;

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || javaTrim(value) === '') {
    throw new OAuthBearerError('ERR_CLIENT_AUTH', `The ${what} must be a non-blank string; set it in the client configuration`);
  }
  return value;
}

/**
 * HTTP Basic client authentication (RFC 6749 §2.3.1), as Kafka's KIP-768 client does it.
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` when the id or secret is blank
 * @example
 * ```ts
 * const auth = clientSecretBasic('my-client', process.env.SECRET!, { urlencode: false });
 * ```
 * @category Getting tokens
 */
export function clientSecretBasic(clientId: string, clientSecret: string, options: { urlencode?: boolean } = {}): ClientSecretBasic {
  return {
    method: 'client_secret_basic',
    clientId: requireText(clientId, 'client id'),
    clientSecret: requireText(clientSecret, 'client secret'),
    urlencode: options.urlencode ?? false,
  };
}

/**
 * Client id and secret in the request body (RFC 6749 §2.3.1).
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` when the id or secret is blank
 * @example
 * ```ts
 * tokenRequest({ tokenEndpoint, grantType: GRANT_TYPE_CLIENT_CREDENTIALS, clientAuth: clientSecretPost('app', 's3cret') }).body;
 * // 'grant_type=client_credentials&client_id=app&client_secret=s3cret'
 * ```
 * @category Getting tokens
 */
export function clientSecretPost(clientId: string, clientSecret: string): ClientSecretPost {
  return { method: 'client_secret_post', clientId: requireText(clientId, 'client id'), clientSecret: requireText(clientSecret, 'client secret') };
}

/**
 * A pre-made client assertion (RFC 7523 §2.2), for example Kafka's `sasl.oauthbearer.assertion.file`.
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` when the assertion is blank
 * @example
 * ```ts
 * tokenRequest({ tokenEndpoint, grantType: GRANT_TYPE_CLIENT_CREDENTIALS, clientAuth: clientAssertion(signedJwt, 'app') }).body;
 * // 'grant_type=client_credentials&client_id=app&client_assertion_type=urn%3A...%3Ajwt-bearer&client_assertion=...'
 * ```
 * @category Getting tokens
 */
export function clientAssertion(assertion: string, clientId?: string): ClientAssertion {
  const out: ClientAssertion = { method: 'private_key_jwt', clientAssertion: javaTrim(requireText(assertion, 'client assertion')) };
  return clientId === undefined || clientId.trim() === '' ? out : { ...out, clientId };
}

/**
 * Options of {@link privateKeyJwt}.
 * @category Getting tokens
 */
export interface PrivateKeyJwtOptions {
  /** The client id: `iss` and `sub` of the assertion (RFC 7523 §3 items 1, 2) and the `client_id` parameter. */
  clientId: string;
  alg: JwsAlgorithm;
  kid?: string;
  /** `aud` (RFC 7523 §3 item 3): the token endpoint URL or the issuer identifier. */
  audience: string | readonly string[];
  /** `exp - iat`; default 300, Kafka's `sasl.oauthbearer.assertion.claim.exp.seconds`. */
  lifetimeSeconds?: number;
  /** `iat - nbf`; default 60, Kafka's `sasl.oauthbearer.assertion.claim.nbf.seconds`; null leaves `nbf` out. */
  notBeforeSeconds?: number | null;
}

/**
 * Client authentication with a JWT signed by the client's private key (RFC 7523 §2.2, OpenID Connect Core §9
 * `private_key_jwt`). The key is a private JWK, PKCS#8 DER, or a handle the crypto port imported.
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` for a blank client id or audience, or a negative lifetime
 * @example
 * ```ts
 * const auth = privateKeyJwt(jwk, { clientId: 'svc', alg: 'EdDSA', audience: 'https://idp.example/token' });
 * const ready = await resolveClientAuth(auth, { crypto, random, nowMs: Date.now() });
 * ```
 * @category Getting tokens
 */
export function privateKeyJwt(key: Jwk | Uint8Array | KeyHandle, options: PrivateKeyJwtOptions): PrivateKeyJwt {
  const audience = typeof options.audience === 'string' ? requireText(options.audience, 'assertion audience') : options.audience;
  if (typeof audience !== 'string' && (audience.length === 0 || audience.some((a) => typeof a !== 'string' || a.trim() === ''))) {
    throw new OAuthBearerError('ERR_CLIENT_AUTH', 'The assertion audience list must hold at least one non-blank string');
  }
  const lifetimeSeconds = options.lifetimeSeconds ?? 300;
  const notBeforeSeconds = options.notBeforeSeconds === undefined ? 60 : options.notBeforeSeconds;
  if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new OAuthBearerError('ERR_CLIENT_AUTH', `The assertion lifetime must be a positive whole number of seconds, not ${lifetimeSeconds}`);
  }
  if (notBeforeSeconds !== null && (!Number.isSafeInteger(notBeforeSeconds) || notBeforeSeconds < 0)) {
    throw new OAuthBearerError('ERR_CLIENT_AUTH', `The assertion not-before offset must be a whole number of seconds ≥ 0, not ${notBeforeSeconds}`);
  }
  return {
    method: 'private_key_jwt',
    clientId: requireText(options.clientId, 'client id'),
    signer: {
      key, alg: options.alg, audience, lifetimeSeconds, notBeforeSeconds,
      ...(options.kid === undefined ? {} : { kid: options.kid }),
    },
  };
}

/**
 * Mutual-TLS client authentication with a PKI certificate (RFC 8705 §2.1). The certificate and key belong to the
 * HTTP port (`tlsFetch` in `oauthbearer/node`); the request carries only `client_id`.
 * @throws OAuthBearerError `ERR_CLIENT_AUTH` when the client id is blank
 * @example
 * ```ts
 * tokenRequest({ tokenEndpoint, grantType: GRANT_TYPE_CLIENT_CREDENTIALS, clientAuth: tlsClientAuth('app') }).body;
 * // 'grant_type=client_credentials&client_id=app'; send it over a tlsHttp port with the client certificate
 * ```
 * @category Getting tokens
 */
export function tlsClientAuth(clientId: string): TlsClientAuth {
  return { method: 'tls_client_auth', clientId: requireText(clientId, 'client id') };
}

/**
 * No client authentication; `client_id` is sent when given (RFC 6749 §2.3, public clients).
 * @example
 * ```ts
 * tokenRequest({ tokenEndpoint, grantType: GRANT_TYPE_JWT_BEARER, clientAuth: none(), assertion }).body;
 * // 'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=...'
 * ```
 * @category Getting tokens
 */
export function none(clientId?: string): NoClientAuth {
  return clientId === undefined || clientId.trim() === '' ? { method: 'none' } : { method: 'none', clientId };
}

/**
 * What {@link resolveClientAuth} needs to sign.
 * @category Getting tokens
 */
export interface SigningContext {
  readonly crypto: CryptoPort;
  readonly random: Random;
  readonly nowMs: number;
}

/**
 * Makes client authentication ready for {@link tokenRequest}: a `private_key_jwt` signer signs a new assertion
 * with `iss` = `sub` = client id, `aud`, `iat`, `exp`, `nbf` and a fresh `jti` (RFC 7523 §3); other methods pass
 * through unchanged.
 * @throws OAuthBearerError `ERR_PRIVATE_KEY` when the key does not fit the algorithm, `ERR_ASSERTION` on signing failure
 * @example
 * ```ts
 * const clientAuth = await resolveClientAuth(privateKeyJwt(key, { clientId: 'app', alg: 'RS256', audience: tokenEndpoint }), { crypto: webCryptoPort, random: webRandom, nowMs: Date.now() });
 * const request = tokenRequest({ tokenEndpoint, grantType: GRANT_TYPE_CLIENT_CREDENTIALS, clientAuth });
 * ```
 * @category Getting tokens
 */
export async function resolveClientAuth(auth: ClientAuthMethod, context: SigningContext): Promise<ClientAuth> {
  if (!('signer' in auth)) return auth;
  const { signer } = auth;
  const iat = Math.floor(context.nowMs / 1000);
  const claims: Record<string, unknown> = {
    iss: auth.clientId,
    sub: auth.clientId,
    aud: typeof signer.audience === 'string' ? signer.audience : [...signer.audience],
    iat,
    exp: iat + signer.lifetimeSeconds,
    ...(signer.notBeforeSeconds === null ? {} : { nbf: iat - signer.notBeforeSeconds }),
    jti: randomJti(context.random),
  };
  const made = await createAssertion(
    { privateKey: signer.key, alg: signer.alg, claims, ...(signer.kid === undefined ? {} : { kid: signer.kid }) },
    context.crypto,
  );
  return { method: 'private_key_jwt', clientId: auth.clientId, clientAssertion: made.compact };
}
