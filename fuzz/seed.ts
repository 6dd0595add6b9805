/**
 * Extracts each fuzz target's seed inputs from spec-vectors/ (run: `npx tsx fuzz/seed.ts`, or through
 * `npm run fuzz -- --seed`). Seeds go to fuzz/corpus/<target>/<sha1-12>; a long run then keeps only the minimized
 * corpus (fuzz/run.ts).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { TOKEN_RESPONSE_STATUSES, textSeed } from './targets.js';

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
  return seeds;
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
