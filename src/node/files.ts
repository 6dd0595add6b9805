/**
 * File-backed credentials for the token retriever, re-read when they change (Kafka 4.1+ `CachedFile` with its
 * last-modified policy, KIP-1139/KIP-1258): the assertion file, the assertion private key file, the assertion
 * template file and a `file:` token. The check happens on the next token request (a `stat`), never on a timer.
 * A file that is missing, empty or unparsable (being rewritten, say) keeps the last good value; with no good value
 * ever, the error says which file and why.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { OAuthBearerError } from '../errors.js';
import type { Jwk } from '../ports.js';
import { MAX_ASSERTION_LENGTH, parseAssertionTemplate, type AssertionTemplate } from '../oauth/assertion.js';
import type { KafkaFileSources } from '../oauth/config.js';
import { javaTrim } from '../kafka/java.js';
import { MAX_KEY_FILE_LENGTH, privateKeyFromFile } from '../oauth/pem.js';
import type { AssertionSource, ValueSource } from '../oauth/retriever.js';

/**
 * What a watched file reports besides its value: for tests and logs.
 * @category Node adapters
 */
export interface WatchedFile<T> extends ValueSource<T> {
  /** How many times the file was read and parsed successfully. */
  readonly loads: number;
  /** The last problem seen (missing, unparsable) while an older good value was kept, or null. */
  readonly lastProblem: OAuthBearerError | null;
}

/**
 * A file re-read whenever its modification time, size or inode changes, parsed by `parse`. Parse failures and a
 * missing file keep the last good value.
 * @param what which setting names the file, for messages (`sasl.oauthbearer.assertion.file`)
 * @throws OAuthBearerError `ERR_FILE` (from `current()`) when the file never held a good value
 * @example
 * ```ts
 * const key = watchedFile('/etc/kafka/key.pem', 'assertion private key', (t) => privateKeyFromFile(t), 65536);
 * const der = await key.current();
 * ```
 * @category Node adapters
 */
export function watchedFile<T>(path: string, what: string, parse: (text: string) => T | Promise<T>, maxBytes: number): WatchedFile<T> {
  let signature: string | null = null;
  let good: { value: T } | null = null;
  let loads = 0;
  let lastProblem: OAuthBearerError | null = null;
  let pending: Promise<T> | null = null;

  const problem = (message: string, cause?: unknown): T => {
    const error = new OAuthBearerError('ERR_FILE', `The ${what} file ${JSON.stringify(path)} ${message}`, cause === undefined ? {} : { cause });
    if (good === null) throw error;
    lastProblem = error;
    return good.value;
  };

  async function load(): Promise<T> {
    let info;
    try {
      info = await stat(path);
    } catch (cause) {
      signature = null;
      return problem(`cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'}); check the path and permissions`, cause);
    }
    const now = `${info.mtimeMs}:${info.size}:${info.ino}`;
    if (now === signature && good !== null) return good.value;
    if (now === signature) return problem('could not be used; fix it and the next token request reads it again');
    signature = now;
    if (info.size > maxBytes) return problem(`is ${info.size} bytes; the limit is ${maxBytes}`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      signature = null;
      return problem(`cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, cause);
    }
    try {
      const value = await parse(text);
      good = { value };
      loads++;
      lastProblem = null;
      return value;
    } catch (cause) {
      const reason = cause instanceof OAuthBearerError ? cause.message : 'it could not be parsed';
      return problem(`is not usable yet (${reason}); the last good value is kept until it is`, cause);
    }
  }

  return {
    current() {
      // One load at a time: concurrent token requests share the same stat/read.
      pending ??= load().finally(() => { pending = null; });
      return pending;
    },
    get loads() { return loads; },
    get lastProblem() { return lastProblem; },
  };
}

/** A compact JWS: three base64url parts, the last one non-empty (RFC 7515 §7.1). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function parseJwtFile(what: string) {
  return (text: string): string => {
    const value = javaTrim(text);
    if (value === '') throw new OAuthBearerError('ERR_FILE', 'it is empty');
    if (!COMPACT_JWS.test(value)) throw new OAuthBearerError('ERR_FILE', `it does not hold one compact JWT (${what}, RFC 7515 §7.1)`);
    return value;
  };
}

/**
 * The assertion file (`sasl.oauthbearer.assertion.file`) as an assertion source, re-read when it changes.
 * @example
 * ```ts
 * const source = fileAssertionSource('/etc/kafka/assertion.jwt');
 * await source.current(); // the file's JWT, re-read after the file changes
 * ```
 * @category Node adapters
 */
export function fileAssertionSource(path: string): AssertionSource & WatchedFile<string> {
  const file = watchedFile(path, 'assertion (sasl.oauthbearer.assertion.file)', parseJwtFile('assertion'), MAX_ASSERTION_LENGTH);
  return Object.assign(file, { assertion: () => file.current() });
}

/**
 * The private key file (`sasl.oauthbearer.assertion.private.key.file`), decrypted with the passphrase when encrypted.
 * @example
 * ```ts
 * const key = privateKeyFileSource('/etc/kafka/client.key', passphrase);
 * await key.current(); // PKCS#8 DER; key.lastProblem holds the last failed reload
 * ```
 * @category Node adapters
 */
export function privateKeyFileSource(path: string, passphrase?: string): WatchedFile<Uint8Array> {
  return watchedFile(path, 'private key (sasl.oauthbearer.assertion.private.key.file)', (text) => privateKeyFromFile(text, passphrase), MAX_KEY_FILE_LENGTH);
}

/**
 * The assertion template file (`sasl.oauthbearer.assertion.template.file`).
 * @example
 * ```ts
 * const template = templateFileSource('/etc/kafka/assertion-template.json');
 * await template.current(); // { header, payload } as parseAssertionTemplate returns
 * ```
 * @category Node adapters
 */
export function templateFileSource(path: string): WatchedFile<AssertionTemplate> {
  return watchedFile(path, 'assertion template (sasl.oauthbearer.assertion.template.file)', parseAssertionTemplate, MAX_ASSERTION_LENGTH);
}

/**
 * A `file:` token (Kafka FileJwtRetriever): the trimmed file content, re-read when it changes.
 * @example
 * ```ts
 * const token = tokenFileSource('/var/run/secrets/kafka/token'); // re-read when the file changes
 * ```
 * @category Node adapters
 */
export function tokenFileSource(path: string): WatchedFile<string> {
  return watchedFile(path, 'token (sasl.oauthbearer.token.endpoint.url)', parseJwtFile('access token'), MAX_ASSERTION_LENGTH);
}

/**
 * The file sources Kafka's settings name, for `tokenRetrieverConfig`.
 * @category Node adapters
 */
export const nodeFileSources: KafkaFileSources = {
  assertionFile: fileAssertionSource,
  privateKeyFile: (path, passphrase): ValueSource<Jwk | Uint8Array> => privateKeyFileSource(path, passphrase),
  templateFile: templateFileSource,
};
