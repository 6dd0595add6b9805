/**
 * `server.exchange` (FORMAT.md): the SASL server engine (src/sasl/server.ts) fed the client's messages in order,
 * with Kafka's unsecured validator (KIP-255) or the KIP-768 JWT validator, and an optional extension check.
 */
import { isJsonObject } from '../../encoding/json.js';
import { authenticateStep, createServer } from '../../sasl/server.js';
import { unsecuredValidator } from '../../kafka/unsecured.js';
import type { BearerToken, ExtensionsValidator, TokenValidator } from '../../token.js';
import type { VectorInput, VectorOps } from '../types.js';
import { vectorBytes, vectorNumber, vectorStringMap, vectorFormatError } from '../values.js';
import { joseOps } from './jose.js';

/** VALIDATOR `{ "unsecured": options }` or `{ "jwt": JWT_OPTIONS }` (the `jwt.validate` input without token and time). */
export function validatorFrom(spec: Record<string, unknown>): TokenValidator {
  if (isJsonObject(spec.unsecured)) return unsecuredValidator(vectorStringMap(spec, 'unsecured'));
  if (isJsonObject(spec.jwt)) {
    const jwt = spec.jwt;
    // One definition of the jwt.validate options: the op's own, run per token.
    return async (token, context): Promise<BearerToken> => {
      const input: VectorInput = { ...jwt, token, nowMs: context.nowMs };
      const r = (await joseOps['jwt.validate']!.run(input)) as Omit<BearerToken, 'value'>;
      return { value: token, principal: r.principal, scope: r.scope, lifetimeMs: r.lifetimeMs, startTimeMs: r.startTimeMs };
    };
  }
  return vectorFormatError('Vector input "validator" must hold "unsecured" or "jwt"');
}

/** `{ "accept": [keys], "reject": [keys] }`: marks the sent extensions so named valid or invalid, ignores the rest. */
export function extensionsFrom(spec: unknown): ExtensionsValidator | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isJsonObject(spec)) return vectorFormatError('Vector input "validator.extensions" must be an object');
  const list = (field: string): Set<string> => {
    const value = spec[field] ?? [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      return vectorFormatError(`Vector input "validator.extensions.${field}" must be a list of strings`);
    }
    return new Set(value as string[]);
  };
  const accept = list('accept');
  const reject = list('reject');
  return (_token, extensions) => ({
    valid: [...extensions.keys()].filter((k) => accept.has(k)),
    invalid: new Map([...extensions.keys()].filter((k) => reject.has(k)).map((k) => [k, 'refused by the extension check'])),
  });
}

/** The operation, by name. */
export const exchangeOps: VectorOps = {
  'server.exchange': {
    async run(input) {
      const spec = input.validator;
      if (!isJsonObject(spec)) return vectorFormatError('Vector input "validator" must be an object');
      const validator = validatorFrom(spec);
      const extensionsValidator = extensionsFrom(spec.extensions);
      const nowMs = vectorNumber(input, 'nowMs');
      if (!Array.isArray(input.messages)) return vectorFormatError('Vector input "messages" must be a list of byte strings');
      const server = createServer();
      const replies: { challenge: Uint8Array | null; state: string }[] = [];
      let result: Record<string, unknown> = {};
      for (const [i, message] of input.messages.entries()) {
        const reply = await authenticateStep(server, vectorBytes(message, `messages[${i}]`), {
          validator,
          ...(extensionsValidator === undefined ? {} : { extensionsValidator }),
          context: { nowMs },
        });
        replies.push({ challenge: reply.challenge, state: reply.state });
        if (reply.state === 'success') result = { principal: reply.principal, extensions: reply.extensions };
        if (reply.state !== 'continue') break;
      }
      return { replies, ...result };
    },
  },
};
