/**
 * The token retriever: the thin async driver that pairs {@link tokenRequest} / {@link processTokenResponse} with
 * the HTTP, clock, random, sleep and crypto ports, under Kafka's `Retry` (KIP-768 `HttpAccessTokenRetriever`,
 * KIP-1139 `JwtBearerJwtRetriever`, KIP-1258 client assertions). Everything it decides is in the pure parts.
 * @module
 */
import { describeIoError, OAuthBearerError, safeCause } from '../errors.js';
import type { Clock, CryptoPort, HttpPort, Jwk, KeyHandle, Random, ResponseLike } from '../ports.js';
import { createAssertion, layerAssertion, randomJti, type AssertionLayers, type AssertionTemplate } from './assertion.js';
import { resolveClientAuth, type ClientAuth, type ClientAuthMethod } from './client-auth.js';
import { GRANT_TYPE_CLIENT_CREDENTIALS, GRANT_TYPE_JWT_BEARER, tokenRequest, toFetchRequest, type GrantType, type TokenRequest } from './request.js';
import { MAX_TOKEN_RESPONSE_BYTES, processTokenResponse, readBoundedBody, UNRETRYABLE_STATUSES, type TokenResponse } from './response.js';
import { checkRetryConfig, retry, type RetryConfig } from './retry.js';
import { checkUrlAllowed, type AllowedUrls } from './urls.js';
import { scrubError, secretForms } from './redact.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_READ_TIMEOUT_MS, httpDeadline, timeoutSetting, type TimeoutPort } from '../deadline.js';

/**
 * What an assertion source is given to make (or fetch) the current assertion.
 * @category Getting tokens
 */
export interface AssertionContext {
  readonly nowMs: number;
  readonly random: Random;
  readonly crypto: CryptoPort;
}

/**
 * Where an assertion comes from: a file (re-read when it changes, `oauthbearer/node` `fileAssertionSource`), or
 * one signed now ({@link layeredAssertionSource}). Called once per token request attempt.
 * @category Getting tokens
 */
export interface AssertionSource {
  assertion(context: AssertionContext): Promise<string>;
}

/**
 * Client authentication with a client assertion from a source (Kafka KIP-1258).
 * @category Getting tokens
 */
export interface SourcedClientAssertion {
  readonly method: 'private_key_jwt';
  readonly clientId?: string;
  readonly source: AssertionSource;
}

/**
 * Everything the retriever needs to know (build it from Kafka properties with `tokenRetrieverConfig`).
 * @category Getting tokens
 */
export interface TokenRetrieverConfig {
  readonly tokenEndpoint: string;
  /** The URL allow-list (CVE-2025-27817); the endpoint must be on it. */
  readonly allowedUrls: AllowedUrls;
  readonly grantType: GrantType;
  readonly clientAuth: ClientAuthMethod | SourcedClientAssertion;
  /** The jwt-bearer grant's assertion (RFC 7523 §2.1), required for that grant. */
  readonly grantAssertion?: AssertionSource;
  readonly scope?: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly retry: RetryConfig;
  /**
   * `sasl.login.connect.timeout.ms`. Unset, null or 0 (the JDK's "no limit"): {@link DEFAULT_CONNECT_TIMEOUT_MS}
   * (20 000, jose4j's), so no attempt is unbounded. An attempt, headers and body, ends connect + read after it starts.
   */
  readonly connectTimeoutMs?: number | null;
  /**
   * `sasl.login.read.timeout.ms`. Unset, null or 0: {@link DEFAULT_READ_TIMEOUT_MS} (20 000). The whole body must
   * arrive within it once the headers have (not per read: a dripping server cannot hold the retriever).
   */
  readonly readTimeoutMs?: number | null;
}

/**
 * The ports a retriever runs on. Defaults for Node: `nodeRetrieverPorts` in `oauthbearer/node`.
 * @category Getting tokens
 */
export interface TokenRetrieverPorts {
  readonly http: HttpPort;
  readonly clock: Clock;
  readonly random: Random;
  readonly sleep: (ms: number) => Promise<void>;
  readonly crypto: CryptoPort;
  /** A signal that aborts after `ms`; default `AbortSignal.timeout`. */
  readonly timeout?: TimeoutPort;
}

/**
 * A source of one fixed assertion.
 * @example
 * ```ts
 * const retrieve = createTokenRetriever({ ...config, grantType: GRANT_TYPE_JWT_BEARER, grantAssertion: staticAssertionSource(signedJwt) }, ports);
 * ```
 * @category Getting tokens
 */
export function staticAssertionSource(assertion: string): AssertionSource {
  return { assertion: () => Promise.resolve(assertion) };
}

/** The secrets a request carries, in every form ({@link secretForms}), the Basic credential included. */
function secretsOf(auth: ClientAuth, request: TokenRequest): string[] {
  const raw: string[] = [];
  switch (auth.method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      raw.push(auth.clientSecret);
      break;
    case 'private_key_jwt':
      raw.push(auth.clientAssertion);
      break;
    default:
      break;
  }
  const forms = raw.flatMap(secretForms);
  const basic = request.headers.authorization;
  if (basic !== undefined) forms.push(basic, basic.replace(/^Basic /, ''));
  return forms;
}

/**
 * Creates a function that fetches a new token from the token endpoint each time it is called, retrying as Kafka's
 * `Retry` does (I/O failures, timeouts and statuses outside {@link UNRETRYABLE_STATUSES}; the first error is
 * reported). Client assertions and jwt-bearer assertions are made afresh for every attempt (RFC 7523 §3 item 7:
 * a `jti` must not be replayed).
 * @throws OAuthBearerError `ERR_URL_NOT_ALLOWED` (at creation) when the endpoint is not allowed, `ERR_CONFIG`
 * for bad retry settings; the returned function throws `ERR_TOKEN_ENDPOINT` (with the RFC 6749 §5.2 `status`),
 * `ERR_TOKEN_RESPONSE`, `ERR_HTTP`, `ERR_HTTP_TIMEOUT`, `ERR_CLIENT_AUTH`, `ERR_ASSERTION`, `ERR_PRIVATE_KEY`
 * @example
 * ```ts
 * const config = tokenRetrieverConfig(parseKafkaTokenConfig(props, jaasOptions), nodeFileSources);
 * const retrieve = createTokenRetriever(config, nodeRetrieverPorts());
 * const { accessToken } = await retrieve();
 * ```
 * @category Getting tokens
 */
export function createTokenRetriever(config: TokenRetrieverConfig, ports: TokenRetrieverPorts): () => Promise<TokenResponse> {
  checkUrlAllowed(config.tokenEndpoint, config.allowedUrls, 'token endpoint URL (sasl.oauthbearer.token.endpoint.url)');
  checkRetryConfig(config.retry);
  if (config.grantType === GRANT_TYPE_JWT_BEARER && config.grantAssertion === undefined) {
    throw new OAuthBearerError('ERR_CONFIG', 'The jwt-bearer grant needs an assertion: set sasl.oauthbearer.assertion.file or the assertion private key');
  }
  if (config.grantType !== GRANT_TYPE_JWT_BEARER && config.grantType !== GRANT_TYPE_CLIENT_CREDENTIALS) {
    throw new OAuthBearerError('ERR_CONFIG', `Unsupported grant type ${JSON.stringify(String(config.grantType))}`);
  }
  const limits = {
    connectTimeoutMs: timeoutSetting(config.connectTimeoutMs, DEFAULT_CONNECT_TIMEOUT_MS, 'sasl.login.connect.timeout.ms'),
    readTimeoutMs: timeoutSetting(config.readTimeoutMs, DEFAULT_READ_TIMEOUT_MS, 'sasl.login.read.timeout.ms'),
  };

  async function attempt(retryable: Set<unknown>, secrets: string[]): Promise<TokenResponse> {
    const nowMs = ports.clock.nowMs();
    const context: AssertionContext = { nowMs, random: ports.random, crypto: ports.crypto };
    const auth: ClientAuth = 'source' in config.clientAuth
      ? { method: 'private_key_jwt', clientAssertion: await config.clientAuth.source.assertion(context),
          ...(config.clientAuth.clientId === undefined ? {} : { clientId: config.clientAuth.clientId }) }
      : await resolveClientAuth(config.clientAuth, context);
    const assertion = config.grantAssertion === undefined ? undefined : await config.grantAssertion.assertion(context);
    if (assertion !== undefined) secrets.push(...secretForms(assertion));
    const request = tokenRequest({
      tokenEndpoint: config.tokenEndpoint, grantType: config.grantType, clientAuth: auth,
      ...(config.scope === undefined ? {} : { scope: config.scope }),
      ...(assertion === undefined ? {} : { assertion }),
      ...(config.params === undefined ? {} : { params: config.params }),
    });
    secrets.push(...secretsOf(auth, request));

    const deadline = httpDeadline(limits, ports.timeout, 'The token endpoint request', 'sasl.login.connect.timeout.ms / sasl.login.read.timeout.ms');
    const fail = (cause: unknown): OAuthBearerError =>
      deadline.timedOut !== null ? deadline.error()
      : cause instanceof OAuthBearerError ? cause
      : new OAuthBearerError('ERR_HTTP', `The token endpoint request failed (${describeIoError(cause)}); check sasl.oauthbearer.token.endpoint.url, the TLS trust and the network`, { cause: safeCause(cause) });

    let response: ResponseLike;
    let body: Uint8Array;
    try {
      try {
        response = await deadline.guard(ports.http(toFetchRequest(request, deadline.signal)));
      } catch (cause) {
        const error = fail(cause);
        // I/O failures and timeouts are retried (Kafka: IOException inside Retry); a typed refusal from the port
        // itself (an allow-listed port, say) is not.
        if (!(cause instanceof OAuthBearerError) || cause.code === 'ERR_HTTP' || cause.code === 'ERR_HTTP_TIMEOUT' || deadline.timedOut !== null) retryable.add(error);
        throw error;
      }
      deadline.bodyPhase();
      try {
        body = await deadline.guard(readBoundedBody(response, MAX_TOKEN_RESPONSE_BYTES, deadline.signal));
      } catch (cause) {
        const error = fail(cause);
        // An oversized body is the server's steady answer; an I/O failure or timeout mid-body is worth a retry.
        if (!(cause instanceof OAuthBearerError) || cause.code === 'ERR_HTTP' || deadline.timedOut !== null) retryable.add(error);
        throw error;
      }
    } finally {
      deadline.dispose();
    }
    const { status } = response;
    try {
      return processTokenResponse({ status, body }, { nowMs, secrets });
    } catch (error) {
      // Kafka (HttpAccessTokenRetriever.handleOutput): non-retryable statuses fail at once; other failure statuses and
      // an empty (zero-length) 200/201 body are IOExceptions inside Retry; parsing a non-empty success body (blank
      // included) happens after Retry and is not retried.
      const success = status === 200 || status === 201;
      if ((!success && !UNRETRYABLE_STATUSES.has(status)) || (success && body.byteLength === 0)) retryable.add(error);
      throw error;
    }
  }

  return async () => {
    const retryable = new Set<unknown>();
    const secrets: string[] = [];
    try {
      return await retry(() => attempt(retryable, secrets), config.retry, (e) => retryable.has(e), ports);
    } catch (error) {
      throw scrubError(error, secrets);
    }
  };
}

/**
 * A value that may change between token requests (a file re-read when it changes, say).
 * @category Getting tokens
 */
export interface ValueSource<T> {
  current(): Promise<T>;
}

/**
 * Options of {@link layeredAssertionSource}: Kafka's assertion layers with the key and template as sources.
 * @category Getting tokens
 */
export interface LayeredAssertionOptions extends Omit<AssertionLayers, 'template'> {
  readonly privateKey: ValueSource<Jwk | Uint8Array>;
  readonly template?: ValueSource<AssertionTemplate>;
}

/**
 * An assertion signed for every request from Kafka's layers (KIP-1139 `DefaultAssertionCreator` with a
 * `LayeredAssertionJwtTemplate`): static config claims, the template file, then `alg`/`typ`/`iat`/`exp`/`nbf`/`jti`.
 * The imported key is kept until the key source hands out a different value.
 * @example
 * ```ts
 * const source = layeredAssertionSource({ alg: 'RS256', staticClaims: { iss: 'svc', sub: 'svc', aud: url },
 *   expSeconds: 300, nbfSeconds: 60, includeJti: true, privateKey: { current: async () => pkcs8 } });
 * ```
 * @category Getting tokens
 */
export function layeredAssertionSource(options: LayeredAssertionOptions): AssertionSource {
  let cached: { key: Jwk | Uint8Array; handle: KeyHandle } | undefined;
  return {
    async assertion(context) {
      const key = await options.privateKey.current();
      if (cached?.key !== key) cached = { key, handle: await context.crypto.importPrivateKey(key, options.alg) };
      const template = options.template === undefined ? undefined : await options.template.current();
      const layers: AssertionLayers = {
        alg: options.alg, staticClaims: options.staticClaims, expSeconds: options.expSeconds, nbfSeconds: options.nbfSeconds,
        includeJti: options.includeJti, ...(template === undefined ? {} : { template }),
      };
      const { header, claims } = layerAssertion(layers, context.nowMs, randomJti(context.random));
      const made = await createAssertion({ privateKey: cached.handle, alg: options.alg, claims, header }, context.crypto);
      return made.compact;
    },
  };
}
