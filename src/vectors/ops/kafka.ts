/** Conformance operations of src/kafka/ (FORMAT.md): unsecured tokens, JAAS, librdkafka, refresh and reauth. */
import { OAuthBearerError } from '../../errors.js';
import { isJsonObject } from '../../encoding/json.js';
import { parseJaasConfig } from '../../kafka/jaas.js';
import { createRdkafkaUnsecuredToken } from '../../kafka/rdkafka.js';
import { clientReauthAtMs, serverSessionLifetimeMs } from '../../kafka/reauth.js';
import { refreshAtMs, refreshConfig, type RefreshConfig } from '../../kafka/refresh.js';
import { createUnsecuredJws, validateUnsecuredToken } from '../../kafka/unsecured.js';
import type { VectorInput, VectorOps } from '../types.js';
import { vectorNumber, vectorString, vectorStringMap } from '../values.js';

/** A JSON RESULT number: non-finite values as Jackson writes them by default ("NaN", "Infinity"). */
function jsonNumber(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

function nullableNumber(input: VectorInput, field: string): number | null {
  const v = input[field];
  if (v === null || v === undefined) return null;
  return vectorNumber(input, field);
}

/** A refresh.time config number: a JSON number, or "NaN"/"Infinity" as a string (Kafka accepts NaN). */
function configNumber(config: Record<string, unknown>, field: string): number {
  const v = config[field];
  if (typeof v === 'number') return v;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Vector input "config.${field}" must be a number`);
}

export const kafkaOps: VectorOps = {
  'unsecured.create': {
    sets: ['scope'],
    run(input) {
      // The token callback only (FORMAT: "an unsecured JWS"); extension options do not touch the JWS.
      const token = createUnsecuredJws(vectorStringMap(input, 'options'), vectorNumber(input, 'nowMs'));
      return {
        value: token.value,
        header: token.header,
        claims: token.claims,
        principal: token.principal,
        scope: [...token.scope],
        lifetimeMs: token.lifetimeMs,
        startTimeMs: token.startTimeMs,
      };
    },
  },
  'unsecured.validate': {
    sets: ['scope'],
    run(input) {
      const token = validateUnsecuredToken(vectorString(input, 'token'), vectorStringMap(input, 'options'), vectorNumber(input, 'nowMs'));
      return { principal: token.principal, scope: [...token.scope], lifetimeMs: token.lifetimeMs, startTimeMs: token.startTimeMs };
    },
  },
  'rdkafka.config': {
    sets: ['scope'],
    run(input) {
      const token = createRdkafkaUnsecuredToken(vectorString(input, 'config'), vectorNumber(input, 'nowMs'));
      return {
        principal: token.principal,
        scope: [...token.scope],
        lifetimeMs: token.lifetimeMs,
        startTimeMs: token.startTimeMs,
        extensions: Object.fromEntries(token.extensions),
        claimsJson: token.claimsJson,
        value: token.value,
      };
    },
  },
  'refresh.config': {
    run(input) {
      const config = vectorStringMap(input, 'config');
      const c = refreshConfig(config);
      return {
        windowFactor: jsonNumber(c.windowFactor),
        windowJitter: jsonNumber(c.windowJitter),
        minPeriodSeconds: c.minPeriodSeconds,
        bufferSeconds: c.bufferSeconds,
      };
    },
  },
  'refresh.time': {
    run(input) {
      const raw = input.config;
      if (!isJsonObject(raw)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "config" must be an object');
      const config: RefreshConfig = {
        windowFactor: configNumber(raw, 'windowFactor'),
        windowJitter: configNumber(raw, 'windowJitter'),
        minPeriodSeconds: configNumber(raw, 'minPeriodSeconds'),
        bufferSeconds: configNumber(raw, 'bufferSeconds'),
      };
      const at = refreshAtMs(
        { nowMs: vectorNumber(input, 'nowMs'), expiryMs: vectorNumber(input, 'expiryMs'), startMs: nullableNumber(input, 'startMs') },
        config,
        vectorNumber(input, 'random'),
      );
      return { refreshAtMs: at };
    },
  },
  'jaas.parse': {
    run(input) {
      const entry = parseJaasConfig(vectorString(input, 'config'));
      return { modules: [{ loginModule: entry.loginModule, flag: entry.flag, options: Object.fromEntries(entry.options) }] };
    },
  },
  'reauth.time': {
    run(input) {
      const side = vectorString(input, 'side');
      if (side === 'server') {
        return {
          sessionLifetimeMs: serverSessionLifetimeMs({
            nowMs: vectorNumber(input, 'nowMs'),
            maxReauthMs: nullableNumber(input, 'maxReauthMs'),
            tokenExpiryMs: nullableNumber(input, 'tokenExpiryMs'),
          }),
        };
      }
      if (side === 'client') {
        return {
          reauthAtMs: clientReauthAtMs({
            authenticationEndMs: vectorNumber(input, 'authenticationEndMs'),
            sessionLifetimeMs: vectorNumber(input, 'sessionLifetimeMs'),
            draw: vectorNumber(input, 'random'),
          }),
        };
      }
      throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "side" must be "server" or "client"');
    },
  },
};
