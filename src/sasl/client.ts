/**
 * The OAUTHBEARER client mechanism (RFC 7628 §3) as a synchronous, I/O-free state machine, with Kafka's client
 * sequence (`OAuthBearerSaslClient`): send the initial response; an empty server message is success; a non-empty
 * one is an error challenge, answered with `%x01` (§3.2.3), after which only the out-of-band final failure
 * (Kafka's SaslAuthenticate error response) may come.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { decodeErrorChallenge, type ErrorChallenge } from './challenge.js';
import { checkBytes, encodeClientResponse, type ClientResponseFields } from './gs2.js';

/**
 * Where a client exchange stands.
 * @category Framing (SASL)
 */
export type ClientStateKind = 'initial' | 'awaiting-server' | 'awaiting-failure' | 'success' | 'failure';

/**
 * What the client does with a server message.
 * @category Framing (SASL)
 */
export type ClientStep =
  /** The server accepted the token: the exchange succeeded. */
  | { readonly action: 'success' }
  /**
   * The server sent an error challenge: send `message` (`%x01`) and wait for the final failure. `challenge` is the
   * decoded JSON, or null when it does not decode (Kafka's client does not parse it either).
   */
  | { readonly action: 'send'; readonly message: Uint8Array; readonly challenge: ErrorChallenge | null };

/**
 * The SASL client mechanism; see {@link createClient}.
 * @example
 * ```ts
 * const client = createClient({ token });
 * send(client.start()); // the GS2 client response
 * const step = client.receive(serverBytes); // { action: 'success' } or { action: 'send', message, challenge }
 * ```
 * @category Framing (SASL)
 */
export interface Client {
  readonly state: ClientStateKind;
  /** The decoded error challenge, once one arrived and decoded; else null. */
  readonly challenge: ErrorChallenge | null;
  /** Why the exchange failed, once it has; else null. */
  readonly error: OAuthBearerError | null;
  /**
   * The initial response (RFC 7628 §3.1).
   * @throws OAuthBearerError `ERR_USAGE_STATE` if already started; the `encodeClientResponse` codes for bad fields
   */
  start(): Uint8Array;
  /**
   * A server message arrives.
   * @throws OAuthBearerError `ERR_USAGE_STATE` before `start`, `ERR_UNEXPECTED_MESSAGE` after an error challenge
   *   or after the end
   */
  receive(bytes: Uint8Array): ClientStep;
  /**
   * Records the final failure the server reported out of band (Kafka's SaslAuthenticate error message).
   * @throws OAuthBearerError `ERR_USAGE_STATE` before `start` or after the end
   */
  fail(message: string): OAuthBearerError;
}

type ClientState =
  | { readonly kind: 'initial' }
  | { readonly kind: 'awaiting-server' }
  | { readonly kind: 'awaiting-failure'; readonly challenge: ErrorChallenge | null }
  | { readonly kind: 'success' }
  | { readonly kind: 'failure'; readonly challenge: ErrorChallenge | null; readonly error: OAuthBearerError };

type ClientEvent = { readonly type: 'start' } | { readonly type: 'receive'; readonly bytes: Uint8Array } | { readonly type: 'fail'; readonly message: string };

const KVSEP_MESSAGE = new Uint8Array([0x01]);

/**
 * Creates an OAUTHBEARER client mechanism for one exchange.
 * @example
 * ```ts
 * const client = createClient({ token });
 * send(client.start());
 * const step = client.receive(serverBytes);
 * if (step.action === 'send') send(step.message); // then the server reports the failure
 * ```
 * @category Framing (SASL)
 */
export function createClient(fields: ClientResponseFields): Client {
  let state: ClientState = { kind: 'initial' };

  const failWith = (challenge: ErrorChallenge | null, error: OAuthBearerError): OAuthBearerError => {
    state = { kind: 'failure', challenge, error };
    return error;
  };

  // Every transition, in one place. Returns the step's value; throws for events the state does not allow.
  const dispatch = (event: ClientEvent): Uint8Array | ClientStep | OAuthBearerError => {
    const s = state;
    switch (s.kind) {
      case 'initial':
        if (event.type === 'start') {
          try {
            const message = encodeClientResponse(fields);
            state = { kind: 'awaiting-server' };
            return message;
          } catch (err) {
            if (err instanceof OAuthBearerError) failWith(null, err);
            throw err;
          }
        }
        break;
      case 'awaiting-server':
        if (event.type === 'receive') {
          if (event.bytes.length === 0) {
            state = { kind: 'success' };
            return { action: 'success' };
          }
          let challenge: ErrorChallenge | null = null;
          try {
            challenge = decodeErrorChallenge(event.bytes);
          } catch {
            // Kafka's client neither parses nor checks the challenge; it answers %x01 whatever it holds.
          }
          state = { kind: 'awaiting-failure', challenge };
          return { action: 'send', message: KVSEP_MESSAGE.slice(), challenge };
        }
        if (event.type === 'fail') return failWith(null, finalFailure(event.message, null));
        break;
      case 'awaiting-failure':
        if (event.type === 'receive') {
          // Kafka: IllegalSaslStateException("Unexpected challenge in Sasl client state RECEIVE_SERVER_MESSAGE_AFTER_FAILURE").
          throw failWith(
            s.challenge,
            new OAuthBearerError('ERR_UNEXPECTED_MESSAGE', 'The server sent a message after its error challenge; only the final failure may follow'),
          );
        }
        if (event.type === 'fail') return failWith(s.challenge, finalFailure(event.message, s.challenge));
        break;
      case 'success':
        if (event.type === 'receive') {
          // Kafka: a challenge after completion is an IllegalSaslStateException and the client is FAILED.
          throw failWith(null, new OAuthBearerError('ERR_UNEXPECTED_MESSAGE', 'The server sent a message after the exchange succeeded'));
        }
        break;
      case 'failure':
        if (event.type === 'receive') {
          throw new OAuthBearerError('ERR_UNEXPECTED_MESSAGE', 'The server sent a message after the exchange failed');
        }
        break;
    }
    throw new OAuthBearerError('ERR_USAGE_STATE', `${event.type}() is not allowed while the client is ${s.kind}`);
  };

  return {
    get state() {
      return state.kind;
    },
    get challenge() {
      return 'challenge' in state ? state.challenge : null;
    },
    get error() {
      return 'error' in state ? state.error : null;
    },
    start() {
      return dispatch({ type: 'start' }) as Uint8Array;
    },
    receive(bytes) {
      checkBytes(bytes, 'receive');
      return dispatch({ type: 'receive', bytes }) as ClientStep;
    },
    fail(message) {
      return dispatch({ type: 'fail', message: String(message) }) as OAuthBearerError;
    },
  };
}

function finalFailure(message: string, challenge: ErrorChallenge | null): OAuthBearerError {
  return new OAuthBearerError('ERR_AUTHENTICATION_FAILED', `The server failed the SASL exchange: ${message.slice(0, 500)}`, {
    status: challenge?.status,
    scope: challenge?.scope ?? undefined,
  });
}
