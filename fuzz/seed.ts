/**
 * Extracts each fuzz target's seed inputs from spec-vectors/ (run: `npx tsx fuzz/seed.ts`, or through
 * `npm run fuzz -- --seed`). Seeds go to fuzz/corpus/<target>/<sha1-12>; a long run then keeps only the minimized
 * corpus (fuzz/run.ts).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { TOKEN_RESPONSE_STATUSES, WIRE_VERSIONS, textSeed } from './targets.js';
import { encodeRequest, encodeResponse, SUPPORTED_VERSIONS } from '../src/kafka/wire/codec.js';
import { ZERO_UUID } from '../src/kafka/wire/apis.js';

const root = join(import.meta.dirname, '..');
const encoder = new TextEncoder();

type Vector = { op: string; input: Record<string, unknown>; expect: { ok?: Record<string, unknown> } };

function bytesOf(value: unknown): Uint8Array | null {
  if (typeof value === 'string') return encoder.encode(value);
  if (value !== null && typeof value === 'object' && typeof (value as { base64?: unknown }).base64 === 'string') {
    return new Uint8Array(Buffer.from((value as { base64: string }).base64, 'base64'));
  }
  return null;
}

/** A Java properties line for `key` = `value` (backslash, newlines and leading spaces escaped). */
function propertyLine(key: string, value: string): string {
  const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/^ /, '\\ ');
  return `${esc(key).replace(/[=: ]/g, (c) => `\\${c}`)}=${esc(value)}`;
}

/** Every seed per target, from every vector file. */
export function seedsFromVectors(): Map<string, Uint8Array[]> {
  const seeds = new Map<string, Uint8Array[]>();
  const add = (target: string, bytes: Uint8Array | null): void => {
    if (bytes === null) return;
    let list = seeds.get(target);
    if (list === undefined) seeds.set(target, (list = []));
    list.push(bytes);
  };
  const dir = join(root, 'spec-vectors');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const { vectors } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { vectors: Vector[] };
    for (const v of vectors) {
      const input = v.input;
      switch (v.op) {
        case 'gs2.decode':
          add('gs2-rfc7628', bytesOf(input.message));
          add('gs2-kafka', bytesOf(input.message));
          break;
        case 'gs2.encode':
          add('gs2-rfc7628', bytesOf(v.expect.ok?.message));
          add('gs2-kafka', bytesOf(v.expect.ok?.message));
          break;
        case 'server.exchange':
          for (const m of (input.messages as unknown[]) ?? []) {
            add('gs2-rfc7628', bytesOf(m));
            add('gs2-kafka', bytesOf(m));
          }
          break;
        case 'challenge.decode':
          add('challenge', bytesOf(input.message));
          break;
        case 'challenge.encode':
          add('challenge', bytesOf(v.expect.ok?.message));
          break;
        case 'client.exchange':
          for (const m of (input.serverMessages as unknown[]) ?? []) add('challenge', bytesOf(m));
          break;
        case 'jaas.parse':
          if (typeof input.config === 'string') {
            add('jaas', textSeed(input.config));
            add('properties', textSeed(`sasl.mechanism=OAUTHBEARER\n${propertyLine('sasl.jaas.config', input.config)}\n`));
          }
          break;
        case 'refresh.config': {
          const config = (input.config ?? {}) as Record<string, string>;
          add('properties', textSeed(Object.entries(config).map(([k, val]) => propertyLine(k, String(val))).join('\n')));
          break;
        }
        case 'rdkafka.config':
          if (typeof input.config === 'string') add('rdkafka', textSeed(input.config));
          break;
        case 'unsecured.validate':
          if (typeof input.token === 'string') add('unsecured', textSeed(input.token));
          break;
        case 'jwt.validate':
          if (typeof input.token === 'string') add('jws', textSeed(input.token));
          if (input.jwks !== undefined) add('jwks', textSeed(JSON.stringify(input.jwks)));
          break;
        case 'jws.verify':
          if (input.jwk !== undefined) add('jwks', textSeed(JSON.stringify({ keys: [input.jwk] })));
          break;
        case 'wire.decode': {
          const bytes = bytesOf(input.bytes);
          if (bytes === null) break;
          if (input.kind === 'request') {
            add('wire-request', bytes.subarray(4));
            add('wire-broker', Uint8Array.of(0, ...bytes));
          } else {
            const index = WIRE_VERSIONS.findIndex(([k, v]) => k === input.apiKey && v === input.apiVersion);
            if (index >= 0) add('wire-response', Uint8Array.of(index, ...bytes.subarray(4)));
          }
          add('wire-frames', Uint8Array.of(bytes.length & 15, ...bytes));
          break;
        }
        case 'wire.encode': {
          const bytes = bytesOf(v.expect.ok?.bytes);
          if (bytes !== null) add('wire-frames', Uint8Array.of(3, ...bytes));
          break;
        }
        case 'token.response': {
          const body = bytesOf(input.body);
          const status = TOKEN_RESPONSE_STATUSES.indexOf(input.status as (typeof TOKEN_RESPONSE_STATUSES)[number]);
          if (body !== null && status >= 0) {
            const out = new Uint8Array(body.length + 1);
            out[0] = status;
            out.set(body, 1);
            add('token-response', out);
          }
          break;
        }
      }
    }
  }
  // Properties syntax the vectors do not show: comments, continuations, escapes, ':' and ' ' separators.
  add('properties', textSeed('# c\n! c\nsasl.mechanism : OAUTHBEARER\nsasl.login.refresh.window.factor 0.8\nsasl.jaas.config=a \\\n  required;\nk\\u0041=\\t\n'));
  for (const [target, inputs] of wireSeeds()) for (const input of inputs) add(target, input);
  return seeds;
}

/** Bodies of each api with every field set (absent fields of lower versions are not written). */
const WIRE_BODIES: Record<number, { request: object; response: object }> = {
  18: {
    request: { clientSoftwareName: 'oauthbearer', clientSoftwareVersion: '0.1.0' },
    response: { errorCode: 0, apiKeys: [...SUPPORTED_VERSIONS], throttleTimeMs: 0, supportedFeatures: [{ name: 'f', minVersion: 0, maxVersion: 1 }],
      finalizedFeaturesEpoch: 1, finalizedFeatures: [{ name: 'f', maxVersionLevel: 1, minVersionLevel: 0 }], zkMigrationReady: false },
  },
  17: { request: { mechanism: 'OAUTHBEARER' }, response: { errorCode: 0, mechanisms: ['OAUTHBEARER'] } },
  36: {
    request: { authBytes: encoder.encode('n,,\u0001auth=Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.\u0001\u0001') },
    response: { errorCode: 0, errorMessage: null, authBytes: new Uint8Array(0), sessionLifetimeMs: 3_600_000 },
  },
  3: {
    request: { topics: [{ topicId: ZERO_UUID, name: 't' }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false },
    response: { throttleTimeMs: 0, brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }], clusterId: 'c', controllerId: 1,
      topics: [{ errorCode: 0, name: 't', topicId: ZERO_UUID, isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0,
        replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }], topicAuthorizedOperations: -2147483648 }], clusterAuthorizedOperations: -2147483648 },
  },
};

/** Seeds of the wire targets: a request and a response of every api at every version, and their frames. */
export function wireSeeds(): Map<string, Uint8Array[]> {
  const requests: Uint8Array[] = [];
  const responses: Uint8Array[] = [];
  const frames: Uint8Array[] = [];
  WIRE_VERSIONS.forEach(([apiKey, apiVersion], index) => {
    const bodies = WIRE_BODIES[apiKey]!;
    const request = encodeRequest({ apiKey, apiVersion, correlationId: 7, clientId: 'oauthbearer', body: bodies.request });
    const response = encodeResponse({ apiKey, apiVersion, correlationId: 7, body: bodies.response });
    requests.push(request.subarray(4));
    const r = new Uint8Array(response.length - 3);
    r[0] = index;
    r.set(response.subarray(4), 1);
    responses.push(r);
    const f = new Uint8Array(1 + request.length + response.length);
    f[0] = index & 15;
    f.set(request, 1);
    f.set(response, 1 + request.length);
    frames.push(f);
  });
  // A whole client conversation for the broker: ApiVersions, SaslHandshake, SaslAuthenticate, Metadata.
  const conversation = [[18, 3], [17, 1], [36, 2], [3, 12]].map(([apiKey, apiVersion], i) =>
    encodeRequest({ apiKey: apiKey!, apiVersion: apiVersion!, correlationId: i + 1, clientId: 'c', body: WIRE_BODIES[apiKey!]!.request }));
  const broker = [Uint8Array.of(0, ...conversation.flatMap((b) => [...b])), Uint8Array.of(0, ...conversation[0]!), Uint8Array.of(15, ...conversation.slice(1).flatMap((b) => [...b]))];
  return new Map([['wire-request', requests], ['wire-response', responses], ['wire-frames', frames], ['wire-broker', broker]]);
}

export function inputName(input: Uint8Array): string {
  return createHash('sha1').update(input).digest('hex').slice(0, 12);
}

export function corpusDir(target: string): string {
  return join(root, 'fuzz', 'corpus', target);
}

export function readCorpus(target: string): Uint8Array[] {
  const dir = corpusDir(target);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.map((n) => new Uint8Array(readFileSync(join(dir, n))));
}

export function writeSeeds(): void {
  for (const [target, inputs] of seedsFromVectors()) {
    const dir = corpusDir(target);
    mkdirSync(dir, { recursive: true });
    for (const input of inputs) writeFileSync(join(dir, inputName(input)), input);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeSeeds();
  for (const [target, inputs] of seedsFromVectors()) console.log(`${target}: ${inputs.length} seeds`);
}
