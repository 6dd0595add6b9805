/**
 * The OAUTHBEARER server mechanism (RFC 7628 §3.2) as a synchronous, I/O-free state machine, with Kafka's broker
 * sequence (`OAuthBearerSaslServer`, `SaslServerAuthenticator`): error challenge on a refused token, `%x01` after
 * it ends the exchange with the challenge JSON as the error message, a fresh initial response after it is
 * evaluated again, authzid compared with the principal before the extensions are checked, only validated
 * extensions kept, an empty final message on success.
 *
 * The machine asks its driver to validate the token and check the extensions; {@link authenticateStep} is the thin
 * async driver that does so with a {@link TokenValidator} and an {@link ExtensionsValidator}.
 * @module
 */
import { OAuthBearerError, isOAuthBearerError } from '../errors.js';
import type { BearerToken, ExtensionsValidator, ExtensionsVerdict, TokenValidator, ValidationContext } from '../token.js';
import { acceptAllExtensions } from '../token.js';
import { checkBytes, decodeClientResponse, type ClientResponse, type Gs2Profile } from './gs2.js';
import { errorChallengeText } from './challenge.js';
import { encodeUtf8 } from '../encoding/utf8.js';

/**
 * Options of {@link createServer}.
 * @category Framing (SASL)
 */
export interface ServerOptions {
  /** `kafka` (default): Kafka's broker grammar, challenge bytes and authzid rule. `rfc7628`: the RFCs'. */
  readonly profile?: Gs2Profile;
  /** Largest client message in bytes (default `MAX_CLIENT_RESPONSE_BYTES`, Kafka's 524288-byte frame limit). */
  readonly maxMessageBytes?: number;
  /** `openid-configuration` to put in every error challenge (RFC 7628 §3.2.2); Kafka's broker sends none. */
  readonly openidConfiguration?: string;
  /** True when this exchange re-authenticates a connection (KIP-368): Kafka's messages then say "re-authentication". */
  readonly reauthentication?: boolean;
}

/**
 * How an exchange ended.
 * @category Framing (SASL)
 */
export type ServerOutcome =
  | {
      readonly state: 'success';
      /** The server's final message: zero bytes (what Kafka's broker sends). */
      readonly challenge: Uint8Array;
      /** The token's principal; the authenticated identity. */
      readonly principal: string;
      readonly token: BearerToken;
      /** The extensions the extension check marked valid; others are dropped. */
      readonly extensions: ReadonlyMap<string, string>;
    }
  | {
      readonly state: 'failure';
      readonly error: OAuthBearerError;
      /**
       * What Kafka's broker puts in its SaslAuthenticate error response for this failure, or null when it closes
       * the connection without one (a non-Bearer scheme, an oversized frame, a validator's internal failure).
       */
      readonly kafkaErrorMessage: string | null;
    };

/**
 * What the machine asks of its driver after an event.
 * @category Framing (SASL)
 */
export type ServerStep =
  /** Validate `token`, then call `tokenValidated`. */
  | { readonly action: 'validate'; readonly token: string; readonly authzid: string | null; readonly extensions: ReadonlyMap<string, string> }
  /**
   * Send `challenge` (an error challenge) to the client and wait for its next message. `cause` is the validator's
   * own error behind it (an expired token, a wrong audience), for the broker's log; it is never sent.
   */
  | { readonly action: 'send'; readonly challenge: Uint8Array; readonly cause: OAuthBearerError }
  /** Check `extensions` for this token, then call `extensionsChecked`. */
  | { readonly action: 'check-extensions'; readonly token: BearerToken; readonly extensions: ReadonlyMap<string, string> }
  /** The exchange is over. */
  | { readonly action: 'finish'; readonly outcome: ServerOutcome };

/**
 * The outcome of a token validation, for {@link Server.tokenValidated}.
 * @category Framing (SASL)
 */
export type TokenValidation = { readonly token: BearerToken } | { readonly error: unknown };

/**
 * The SASL server mechanism; see {@link createServer}.
 * @example
 * ```ts
 * const server = createServer({ profile: 'kafka' });
 * let step = server.receive(clientBytes); // { action: 'validate', token, authzid, extensions }
 * step = server.tokenValidated({ token: await validator(step.token, { nowMs: Date.now() }) });
 * ```
 * @category Framing (SASL)
 */
export interface Server {
  /** Where the exchange stands. */
  readonly state: ServerState['kind'];
  /**
   * A client message arrives.
   * @throws OAuthBearerError `ERR_USAGE_STATE` while a validation is pending, `ERR_UNEXPECTED_MESSAGE` after the end
   */
  receive(bytes: Uint8Array): ServerStep;
  /**
   * The token validation the last `validate` step asked for has finished.
   * @throws OAuthBearerError `ERR_USAGE_STATE` when no validation was asked for
   */
  tokenValidated(result: TokenValidation): ServerStep;
  /**
   * The extension check the last `check-extensions` step asked for has finished.
   * @throws OAuthBearerError `ERR_USAGE_STATE` when no check was asked for
   */
  extensionsChecked(verdict: ExtensionsVerdict | { readonly error: unknown }): ServerStep;
}

/**
 * The machine's state.
 * @category Framing (SASL)
 */
export type ServerState =
  | { readonly kind: 'initial' }
  | { readonly kind: 'validating'; readonly response: ClientResponse }
  | { readonly kind: 'challenged'; readonly challengeText: string; readonly status: string; readonly scope: string | null; readonly cause: OAuthBearerError }
  | { readonly kind: 'checking-extensions'; readonly response: ClientResponse; readonly token: BearerToken }
  | { readonly kind: 'success'; readonly outcome: ServerOutcome }
  | { readonly kind: 'failure'; readonly outcome: ServerOutcome };

type ServerEvent =
  | { readonly type: 'receive'; readonly bytes: Uint8Array }
  | { readonly type: 'tokenValidated'; readonly result: TokenValidation }
  | { readonly type: 'extensionsChecked'; readonly verdict: ExtensionsVerdict | { readonly error: unknown } };

const EMPTY = new Uint8Array(0);

/** Kafka's SaslServerAuthenticator hides the detail of a SaslException behind this fixed text. */
function kafkaFixedMessage(reauthentication: boolean): string {
  return `Authentication failed during ${reauthentication ? 're-authentication' : 'authentication'} due to invalid credentials with SASL mechanism OAUTHBEARER`;
}

/**
 * Creates an OAUTHBEARER server mechanism. Feed it the client's messages with `receive`; it answers with the next
 * step. Synchronous and I/O-free: validation happens in the driver ({@link authenticateStep}).
 * @throws OAuthBearerError `ERR_USAGE_ARGUMENT` for an unknown profile
 * @example
 * ```ts
 * const server = createServer({ profile: 'kafka' });
 * let step = server.receive(clientBytes);              // { action: 'validate', token, ... }
 * step = server.tokenValidated({ token: await validator(step.token, { nowMs }) });
 * if (step.action === 'check-extensions') step = server.extensionsChecked({ valid: step.extensions.keys() });
 * ```
 * @category Framing (SASL)
 */
export function createServer(options: ServerOptions = {}): Server {
  const profile = options.profile ?? 'kafka';
  if (profile !== 'kafka' && profile !== 'rfc7628') {
    throw new OAuthBearerError('ERR_USAGE_ARGUMENT', `createServer: profile must be "kafka" or "rfc7628", not "${String(profile)}"`);
  }
  const kafka = profile === 'kafka';
  const fixedMessage = kafkaFixedMessage(options.reauthentication === true);
  const decodeOptions = { ...options, profile };
  let state: ServerState = { kind: 'initial' };

  const finish = (outcome: ServerOutcome): ServerStep => {
    state = { kind: outcome.state, outcome } as ServerState;
    return { action: 'finish', outcome };
  };
  const fail = (error: OAuthBearerError, kafkaErrorMessage: string | null): ServerStep =>
    finish({ state: 'failure', error, kafkaErrorMessage });

  const evaluateInitialResponse = (bytes: Uint8Array): ServerStep => {
    let response: ClientResponse;
    try {
      response = decodeClientResponse(bytes, decodeOptions);
    } catch (err) {
      if (!isOAuthBearerError(err)) throw err;
      // Kafka: a non-Bearer scheme raises IllegalArgumentException (OAuthBearerClientInitialResponse reads the wrong
      // matcher) and an oversized frame is refused by the transport; both close the connection with no response.
      const closes = kafka && (err.code === 'ERR_AUTH_SCHEME' || err.code === 'ERR_INPUT_TOO_LARGE');
      return fail(err, closes ? null : fixedMessage);
    }
    state = { kind: 'validating', response };
    return { action: 'validate', token: response.token, authzid: response.authzid, extensions: response.extensions };
  };

  const onTokenValidated = (response: ClientResponse, result: TokenValidation): ServerStep => {
    if ('error' in result) {
      const error = result.error;
      if (!isOAuthBearerError(error) || error.status === undefined || error.status === '') {
        // No protocol status: an internal failure. Kafka's broker closes the connection without a response.
        return fail(new OAuthBearerError('ERR_VALIDATOR', 'The token validator failed without a protocol status', { cause: error }), null);
      }
      const text = errorChallengeText({ status: error.status, scope: error.scope, openidConfiguration: options.openidConfiguration }, { style: kafka ? 'kafka' : 'compact' });
      state = { kind: 'challenged', challengeText: text, status: error.status, scope: error.scope ?? null, cause: error };
      return { action: 'send', challenge: encodeUtf8(text), cause: error };
    }
    const token = result.token;
    if (typeof token !== 'object' || token === null || typeof token.principal !== 'string') {
      return fail(new OAuthBearerError('ERR_VALIDATOR', 'The token validator returned no token with a string principal'), null);
    }
    // Kafka compares the authzid exactly as sent (escapes kept); RFC 5801 §4 defines the unescaped name.
    const authzid = kafka ? response.authzidRaw : response.authzid;
    if (authzid !== null && authzid !== token.principal) {
      const message = `Authentication failed: Client requested an authorization id (${authzid}) that is different from the token's principal name (${token.principal})`;
      return fail(
        new OAuthBearerError('ERR_AUTHZID_MISMATCH', "The authzid is not the token's principal; send none or the principal"),
        message,
      );
    }
    state = { kind: 'checking-extensions', response, token };
    return { action: 'check-extensions', token, extensions: response.extensions };
  };

  const onExtensionsChecked = (response: ClientResponse, token: BearerToken, verdict: ExtensionsVerdict | { readonly error: unknown }): ServerStep => {
    if ('error' in verdict) {
      return fail(new OAuthBearerError('ERR_VALIDATOR', 'The extensions validator failed', { cause: verdict.error }), null);
    }
    const invalid = verdict.invalid;
    if (invalid !== undefined && invalid.size > 0) {
      const list = [...invalid].map(([name, reason]) => `${name}: ${reason}`).join('; ');
      return fail(
        new OAuthBearerError('ERR_EXTENSIONS_INVALID', `${invalid.size} SASL extensions were refused: ${[...invalid.keys()].map((k) => k.slice(0, 64)).join(', ')}`),
        `Authentication failed: ${invalid.size} extensions are invalid! They are: ${list}`,
      );
    }
    const validated = new Map<string, string>();
    for (const name of verdict.valid) {
      const value = response.extensions.get(name);
      if (value === undefined) {
        // Kafka's OAuthBearerExtensionsValidatorCallback.valid throws IllegalArgumentException for such a name.
        return fail(new OAuthBearerError('ERR_VALIDATOR', `The extensions validator marked "${name.slice(0, 64)}" valid, which the client did not send`), null);
      }
      validated.set(name, value);
    }
    return finish({ state: 'success', challenge: EMPTY, principal: token.principal, token, extensions: validated });
  };

  // Every transition, in one place.
  const dispatch = (event: ServerEvent): ServerStep => {
    const s = state;
    switch (s.kind) {
      case 'initial':
        if (event.type === 'receive') return evaluateInitialResponse(event.bytes);
        break;
      case 'challenged':
        if (event.type === 'receive') {
          // RFC 7628 §3.2.3: the client ends a failed exchange with %x01; Kafka reports the challenge JSON itself.
          if (event.bytes.length === 1 && event.bytes[0] === 0x01) {
            // The validator's own error stays the cause, so the reason (expired, wrong audience) reaches the log.
            return fail(
              new OAuthBearerError('ERR_AUTHENTICATION_FAILED', `The token was refused with status "${s.status}": ${s.cause.message}`, {
                status: s.status,
                scope: s.scope ?? undefined,
                cause: s.cause,
              }),
              s.challengeText,
            );
          }
          // Kafka evaluates any other message as a new initial response (a retry with another token).
          return evaluateInitialResponse(event.bytes);
        }
        break;
      case 'validating':
        if (event.type === 'tokenValidated') return onTokenValidated(s.response, event.result);
        break;
      case 'checking-extensions':
        if (event.type === 'extensionsChecked') return onExtensionsChecked(s.response, s.token, event.verdict);
        break;
      case 'success':
      case 'failure':
        if (event.type === 'receive') throw new OAuthBearerError('ERR_UNEXPECTED_MESSAGE', `The client sent a message after the exchange ended in ${s.kind}`);
        break;
    }
    throw new OAuthBearerError('ERR_USAGE_STATE', `${event.type}() is not allowed while the server is ${s.kind}`);
  };

  return {
    get state() {
      return state.kind;
    },
    receive(bytes) {
      checkBytes(bytes, 'receive');
      return dispatch({ type: 'receive', bytes });
    },
    tokenValidated(result) {
      return dispatch({ type: 'tokenValidated', result });
    },
    extensionsChecked(verdict) {
      return dispatch({ type: 'extensionsChecked', verdict });
    },
  };
}

/**
 * Options of {@link authenticateStep}.
 * @category Framing (SASL)
 */
export interface AuthenticateStepOptions {
  readonly validator: TokenValidator;
  /** Default: accept every extension, as Kafka's unsecured and KIP-768 validator handlers do. */
  readonly extensionsValidator?: ExtensionsValidator;
  readonly context: ValidationContext;
}

/**
 * The server's answer to one client message.
 * @category Framing (SASL)
 */
export interface AuthenticateStepResult {
  /** Bytes to send: an error challenge, the empty success message, or null on failure (nothing to send). */
  readonly challenge: Uint8Array | null;
  /** With an error challenge: the validator's error behind it (never sent to the client). */
  readonly cause?: OAuthBearerError;
  readonly state: 'continue' | 'success' | 'failure';
  readonly principal?: string;
  readonly token?: BearerToken;
  /** Validated extensions, on success. */
  readonly extensions?: ReadonlyMap<string, string>;
  readonly error?: OAuthBearerError;
  /** On failure: Kafka's SaslAuthenticate error message, or null when Kafka closes the connection instead. */
  readonly kafkaErrorMessage?: string | null;
}

/**
 * Runs one client message through a server machine: decodes it, validates the token, checks the extensions.
 * @throws OAuthBearerError `ERR_UNEXPECTED_MESSAGE` after the exchange ended, `ERR_USAGE_STATE` if the machine
 *   is mid-validation (driven elsewhere)
 * @example
 * ```ts
 * const server = createServer();
 * const reply = await authenticateStep(server, clientBytes, { validator, context: { nowMs: Date.now() } });
 * if (reply.challenge !== null) send(reply.challenge);
 * ```
 * @category Framing (SASL)
 */
export async function authenticateStep(server: Server, bytes: Uint8Array, options: AuthenticateStepOptions): Promise<AuthenticateStepResult> {
  let step = server.receive(bytes);
  for (;;) {
    switch (step.action) {
      case 'validate': {
        let result: TokenValidation;
        try {
          result = { token: await options.validator(step.token, options.context) };
        } catch (error) {
          result = { error };
        }
        step = server.tokenValidated(result);
        break;
      }
      case 'check-extensions': {
        const check = options.extensionsValidator ?? acceptAllExtensions;
        let verdict: ExtensionsVerdict | { error: unknown };
        try {
          verdict = await check(step.token, step.extensions);
        } catch (error) {
          verdict = { error };
        }
        step = server.extensionsChecked(verdict);
        break;
      }
      case 'send':
        return { challenge: step.challenge, state: 'continue', cause: step.cause };
      case 'finish':
        // A success outcome carries its own (empty) challenge; a failure sends none.
        return { challenge: null, ...step.outcome };
    }
  }
}
