/**
 * The fuzz targets: every decoder of peer or configuration input, fed raw bytes (issue 12, item 6).
 *
 * Text decoders get the bytes as UTF-8 (malformed sequences become U+FFFD), or, when the first byte is 0xFF, the
 * rest as UTF-16LE, so lone surrogates reach them too (a JS string can hold one; Kafka's Java strings can too).
 */
import { decodeClientResponse } from '../src/sasl/gs2.js';
import { decodeErrorChallenge } from '../src/sasl/challenge.js';
import { parseJaasConfig } from '../src/kafka/jaas.js';
import { kafkaSaslConfig, parseProperties } from '../src/kafka/properties.js';
import { createRdkafkaUnsecuredToken } from '../src/kafka/rdkafka.js';
import { validateUnsecuredToken } from '../src/kafka/unsecured.js';
import { decodeJws } from '../src/jose/jws.js';
import { jwkFitsAlgorithm, parseJwks, selectKeys } from '../src/jose/jwk.js';
import { ALGORITHMS } from '../src/jose/algorithms.js';
import type { JwsAlgorithm } from '../src/ports.js';
import { processTokenResponse } from '../src/oauth/response.js';
import { decodeRequest, decodeResponse, SUPPORTED_VERSIONS } from '../src/kafka/wire/codec.js';
import { createFrameDecoder } from '../src/kafka/wire/frame.js';
import { createBrokerSession } from '../src/kafka/wire/broker.js';
import type { FuzzTarget } from './engine.js';

/** A fixed "now" for the targets that take a time (2023-11-14T22:13:20Z, as the spec vectors use). */
export const NOW_MS = 1_700_000_000_000;

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The text a target sees for `data` (see the file header). */
export function fuzzText(data: Uint8Array): string {
  if (data[0] === 0xff) {
    const rest = data.subarray(1);
    // Lone surrogates survive only a lenient UTF-16 decode done by hand: TextDecoder replaces them.
    let s = '';
    for (let i = 0; i + 1 < rest.length; i += 2) s += String.fromCharCode(rest[i]! | (rest[i + 1]! << 8));
    return s;
  }
  return utf8.decode(data);
}

/** The bytes that make `text` reach a text target as is (UTF-8 unless it holds a lone surrogate). */
export function textSeed(text: string): Uint8Array {
  // UTF-8 never has a 0xFF byte, so only text with a lone surrogate needs the UTF-16 form.
  if (!/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return new TextEncoder().encode(text);
  const out = new Uint8Array(1 + 2 * text.length);
  out[0] = 0xff;
  for (let i = 0; i < text.length; i++) {
    out[1 + 2 * i] = text.charCodeAt(i) & 0xff;
    out[2 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  return out;
}

/** HTTP statuses the token-response target picks from with its first byte. */
export const TOKEN_RESPONSE_STATUSES = [200, 201, 400, 401, 403, 500, 503, 204, 302, 429] as const;

const ALGS = Object.keys(ALGORITHMS) as JwsAlgorithm[];

const GS2_DICTIONARY = ['n,', 'y,', 'p=', 'a=', ',', '=2C', '=3D', '=', '\u0001', '\u0001\u0001', 'auth=', 'auth=Bearer ',
  'Bearer ', 'bearer ', 'host=', 'port=', 'ext=', ' ', '\t', '\u00e9', '\ud83d\ude00', '~+/', '=='];
const JSON_DICTIONARY = ['{', '}', '[', ']', '"', '\\', '\\u0000', '\\ud800', ':', ',', 'null', 'true', 'false', '1e308', '-0',
  '"status"', '"scope"', '"openid-configuration"', '"invalid_token"', '__proto__', '"constructor"'];

export const targets: readonly FuzzTarget[] = [
  {
    name: 'gs2-rfc7628',
    run: (data) => decodeClientResponse(data, { profile: 'rfc7628' }),
    dictionary: GS2_DICTIONARY,
  },
  {
    name: 'gs2-kafka',
    run: (data) => decodeClientResponse(data, { profile: 'kafka' }),
    dictionary: GS2_DICTIONARY,
  },
  {
    name: 'challenge',
    run: (data) => decodeErrorChallenge(data),
    dictionary: JSON_DICTIONARY,
  },
  {
    name: 'jaas',
    run: (data) => parseJaasConfig(fuzzText(data)),
    dictionary: ['required', 'requisite', 'sufficient', 'optional', ';', '=', '"', "'", '\\', '//', '/*', '*/', '\n', ' ', '\t',
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule', 'unsecuredLoginStringClaim_sub', 'clientSecret', '\\u0041'],
  },
  {
    name: 'properties',
    run: (data) => kafkaSaslConfig(parseProperties(fuzzText(data))),
    dictionary: ['=', ':', ' ', '\\', '\\u', '\\u0041', '\n', '\r\n', '\r', '#', '!', '\\\n', 'sasl.jaas.config', 'sasl.mechanism',
      'sasl.login.refresh.window.factor', 'sasl.login.refresh.window.jitter', 'sasl.login.refresh.min.period.seconds',
      'sasl.login.refresh.buffer.seconds', 'sasl.oauthbearer.token.endpoint.url', 'OAUTHBEARER', '0x1p-2', 'NaN', 'Infinity', '1e400'],
  },
  {
    name: 'rdkafka',
    run: (data) => createRdkafkaUnsecuredToken(fuzzText(data), NOW_MS),
    dictionary: ['principal=', 'principalClaimName=', 'scope=', 'scopeClaimName=', 'lifeSeconds=', 'extension_', '=', ' ', ',',
      '\t', '9223372036854775807', '-1', '0x10'],
  },
  {
    name: 'unsecured',
    run: (data) => validateUnsecuredToken(fuzzText(data), {}, NOW_MS),
    dictionary: ['.', 'eyJ', 'eyJhbGciOiJub25lIn0', 'eyJzdWIiOiJhIiwiZXhwIjoxOTk5OTk5OTk5fQ', '-', '_', '=', 'A', '\u00e9'],
  },
  {
    name: 'jws',
    run: (data) => decodeJws(fuzzText(data), ALGS),
    dictionary: ['.', 'eyJ', 'eyJhbGciOiJSUzI1NiJ9', 'eyJhbGciOiJFUzI1NiIsImtpZCI6IjEifQ', 'eyJhbGciOiJub25lIn0', '-', '_', '=', '+', '/'],
  },
  {
    name: 'jwks',
    run: (data) => {
      const { keys } = parseJwks(fuzzText(data));
      for (const alg of ALGS) {
        for (const key of keys) jwkFitsAlgorithm(key, alg);
        selectKeys(keys, alg, typeof keys[0]?.kid === 'string' ? keys[0].kid : undefined);
      }
      return keys.length;
    },
    dictionary: [...JSON_DICTIONARY, '"keys"', '"kty"', '"RSA"', '"EC"', '"OKP"', '"crv"', '"P-256"', '"Ed25519"', '"n"', '"e"', '"x"', '"y"',
      '"alg"', '"use"', '"sig"', '"key_ops"', '"verify"', '"kid"', '"AQAB"'],
  },
  {
    name: 'token-response',
    run: (data) => processTokenResponse(
      { status: TOKEN_RESPONSE_STATUSES[(data[0] ?? 0) % TOKEN_RESPONSE_STATUSES.length]!, body: data.subarray(1) },
      { nowMs: NOW_MS },
    ),
    dictionary: [...JSON_DICTIONARY, '"access_token"', '"id_token"', '"token_type"', '"expires_in"', '"error"', '"error_description"',
      '"errorCode"', '"errorSummary"', '"invalid_client"', '1e308', '"3600"', '9007199254740993'],
  },
];

/** Every (apiKey, apiVersion) the wire codec reads: the wire-response target picks one with its first byte. */
export const WIRE_VERSIONS: ReadonlyArray<readonly [apiKey: number, apiVersion: number]> = SUPPORTED_VERSIONS.flatMap(({ apiKey, minVersion, maxVersion }) =>
  Array.from({ length: maxVersion - minVersion + 1 }, (_, i) => [apiKey, minVersion + i] as const));

// Lengths and varints at their edges (0, -1, int32 max, a 5-byte varint), api keys, a mechanism and a GS2 message.
const WIRE_DICTIONARY: readonly (string | Uint8Array)[] = [
  ...[[0], [0, 0], [0, 0, 0, 0], [0xff, 0xff], [0xff, 0xff, 0xff, 0xff], [0x7f, 0xff, 0xff, 0xff], [0x80, 0x80, 0x80, 0x80, 0x08],
    [0x01], [0x7f], [0, 18], [0, 17], [0, 36], [0, 3]].map((b) => Uint8Array.from(b)),
  'OAUTHBEARER', 'n,,\u0001auth=Bearer x\u0001\u0001',
];

/** The wire codec's decoders (CONTRACT.md §A): requests, responses at every version, and the frame splitter. */
export const wireTargets: readonly FuzzTarget[] = [
  {
    name: 'wire-request',
    run: (data) => decodeRequest(data),
    dictionary: WIRE_DICTIONARY,
  },
  {
    name: 'wire-response',
    run: (data) => {
      const [apiKey, apiVersion] = WIRE_VERSIONS[(data[0] ?? 0) % WIRE_VERSIONS.length]!;
      return decodeResponse(data.subarray(1), apiKey, apiVersion);
    },
    dictionary: WIRE_DICTIONARY,
  },
  {
    name: 'wire-frames',
    // The first byte splits the rest into pushes of 1-16 bytes; frames are taken out after every push.
    run: (data) => {
      const frames = createFrameDecoder({ maxFrameBytes: 4096 });
      const step = ((data[0] ?? 0) & 15) + 1;
      let n = 0;
      for (let i = 1; i < data.length; i += step) {
        frames.push(data.subarray(i, i + step));
        while (frames.next() !== null) n++;
      }
      return n;
    },
    dictionary: WIRE_DICTIONARY,
  },
  {
    name: 'wire-broker',
    // The broker machine fed any bytes in pushes of 1-16 bytes (first byte), its validations answered with an
    // unsecured-style token: it closes on bad bytes (a 'close' action) and never throws past its contract.
    run: (data) => {
      const session = createBrokerSession({ broker: { nodeId: 1, host: '127.0.0.1', port: 9092 } }, NOW_MS);
      const step = ((data[0] ?? 0) & 15) + 1;
      let actions = 0;
      const drain = (): void => {
        for (let a = session.poll(); a !== null; a = session.poll()) {
          actions++;
          if (a.type === 'validate') {
            session.tokenValidated({ token: { value: a.token, principal: 'p', scope: [], lifetimeMs: NOW_MS + 60_000, startTimeMs: NOW_MS } }, NOW_MS);
          }
        }
      };
      for (let i = 1; i < data.length && session.state !== 'closed'; i += step) {
        session.receive(data.subarray(i, i + step), NOW_MS);
        drain();
      }
      return actions;
    },
    dictionary: WIRE_DICTIONARY,
  },
];

export const allTargets: readonly FuzzTarget[] = [...targets, ...wireTargets];

export function targetNamed(name: string): FuzzTarget {
  const t = allTargets.find((x) => x.name === name);
  if (t === undefined) throw new Error(`no fuzz target "${name}"; known: ${allTargets.map((x) => x.name).join(', ')}`);
  return t;
}
