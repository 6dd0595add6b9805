/**
 * Private key files for client assertions (Kafka `sasl.oauthbearer.assertion.private.key.file` and
 * `.passphrase`, KIP-1139): PEM (RFC 7468 §10 `PRIVATE KEY`, §11 `ENCRYPTED PRIVATE KEY`) or bare base64 of
 * PKCS#8 DER (what Kafka's `AssertionUtils` decodes), and encrypted PKCS#8 (RFC 5958 §3) with PBES2
 * (RFC 8018 §6.2) = PBKDF2 (§5.2, HMAC-SHA-256 or HMAC-SHA-1) + AES-CBC (RFC 8018 §B.2.5 / NIST SP 800-38A), as
 * `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes. The output is PKCS#8 DER for the crypto port's `importPrivateKey`.
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { decodeBase64 } from '../encoding/base64.js';
import { encodeUtf8 } from '../encoding/utf8.js';

/** Largest key file read: 64 KiB, far above a PEM RSA 8192-bit key (about 6.5 KiB). */
export const MAX_KEY_FILE_LENGTH = 64 * 1024;

/**
 * Most PBKDF2 iterations accepted: 10,000,000. OpenSSL writes 2048 (or 600,000 with newer defaults); the bound keeps
 * a hostile file from costing minutes of CPU.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

const OID = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes128cbc: '2.16.840.1.101.3.4.1.2',
  aes192cbc: '2.16.840.1.101.3.4.1.22',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
} as const;

const AES_KEY_BYTES: Readonly<Record<string, number>> = { [OID.aes128cbc]: 16, [OID.aes192cbc]: 24, [OID.aes256cbc]: 32 };

function fail(message: string, cause?: unknown): never {
  throw new OAuthBearerError('ERR_PRIVATE_KEY', message, cause === undefined ? {} : { cause });
}

/** One DER TLV (X.690 §8.1): tag, content bounds. */
interface Tlv { tag: number; start: number; end: number; next: number }

function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) fail('The key file is not valid DER: it ends inside a header (X.690 §8.1)');
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) fail('The key file is not valid DER: bad length (X.690 §8.1.3)');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[start + i]!;
    start += n;
  }
  const end = start + length;
  if (end > limit) fail('The key file is not valid DER: a length runs past the end (X.690 §8.1.3)');
  return { tag, start, end, next: end };
}

function children(der: Uint8Array, tlv: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = tlv.start; at < tlv.end;) {
    const child = readTlv(der, at, tlv.end);
    out.push(child);
    at = child.next;
  }
  return out;
}

function oidText(der: Uint8Array, tlv: Tlv): string {
  if (tlv.tag !== 0x06 || tlv.end === tlv.start) fail('The key file is not valid DER: expected an OBJECT IDENTIFIER');
  const first = der[tlv.start]!;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let value = 0;
  for (let i = tlv.start + 1; i < tlv.end; i++) {
    value = value * 128 + (der[i]! & 0x7f);
    if (!(der[i]! & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function integer(der: Uint8Array, tlv: Tlv): number {
  if (tlv.tag !== 0x02 || tlv.end - tlv.start > 6 || tlv.end === tlv.start) fail('The key file is not valid DER: expected a small INTEGER');
  let value = 0;
  for (let i = tlv.start; i < tlv.end; i++) value = value * 256 + der[i]!;
  return value;
}

function expect(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined || tlv.tag !== tag) fail(`The encrypted key is not PKCS#8 as RFC 5958 §3 / RFC 8018 §A.4 define it (${what})`);
  return tlv;
}

/** A PEM block or bare base64 key file, decoded. */
export interface KeyFileContents {
  /** `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`, … or null for bare base64 (Kafka's form). */
  readonly label: string | null;
  readonly der: Uint8Array;
}

/**
 * Reads a key file's text: the first PEM block (RFC 7468 §2; text around it is ignored), or, with no
 * `-----BEGIN`, the whole text as base64 (white space ignored), as Kafka's `AssertionUtils` reads it.
 * @throws OAuthBearerError `ERR_PRIVATE_KEY` for an unterminated block or bad base64, `ERR_INPUT_TOO_LARGE`
 */
export function readKeyFile(text: string): KeyFileContents {
  if (text.length > MAX_KEY_FILE_LENGTH) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `The private key file is ${text.length} characters; the limit is ${MAX_KEY_FILE_LENGTH}`);
  }
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text);
  let label: string | null = null;
  let body = text;
  if (begin !== null) {
    label = begin[1]!;
    const endMarker = `-----END ${label}-----`;
    const endAt = text.indexOf(endMarker, begin.index);
    if (endAt < 0) fail(`The PEM block "${label}" has no "${endMarker}" line (RFC 7468 §2); the file may be truncated`);
    body = text.slice(begin.index + begin[0].length, endAt);
    // RFC 7468 §2 allows explanatory headers only in legacy encrypted PEM (RFC 1421), which we do not read.
    if (body.includes(':')) fail('The PEM block has RFC 1421 headers (legacy OpenSSL encryption); convert it with "openssl pkcs8 -topk8 -v2 aes-256-cbc"');
  }
  const compact = body.replace(/[\s]+/g, '');
  if (compact === '') fail('The private key file is empty');
  let der: Uint8Array;
  try {
    der = decodeBase64(compact, { what: 'private key file', canonical: false });
  } catch (cause) {
    fail('The private key file is neither PEM nor base64 of PKCS#8 DER', cause);
  }
  return { label, der };
}

/**
 * Decrypts an `EncryptedPrivateKeyInfo` (RFC 5958 §3) protected with PBES2 (RFC 8018 §6.2): PBKDF2 with
 * HMAC-SHA-256 or HMAC-SHA-1, AES-128/192/256-CBC. Returns the PKCS#8 `PrivateKeyInfo` DER.
 * @throws OAuthBearerError `ERR_PRIVATE_KEY` for another scheme, too many iterations, or a wrong passphrase
 * @example
 * ```ts
 * const pkcs8 = await decryptPkcs8(encryptedDer, passphrase); // the PKCS#8 PrivateKeyInfo DER
 * ```
 * @category Getting tokens
 */
export async function decryptPkcs8(der: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const top = expect(readTlv(der, 0), 0x30, 'EncryptedPrivateKeyInfo');
  const [algId, data] = children(der, top);
  const [schemeOid, pbes2Params] = children(der, expect(algId, 0x30, 'encryptionAlgorithm'));
  if (oidText(der, expect(schemeOid, 0x06, 'algorithm')) !== OID.pbes2) {
    fail('The encrypted key does not use PBES2 (RFC 8018 §6.2); re-encrypt it with "openssl pkcs8 -topk8 -v2 aes-256-cbc"');
  }
  const [kdf, enc] = children(der, expect(pbes2Params, 0x30, 'PBES2-params'));
  const [kdfOid, kdfParams] = children(der, expect(kdf, 0x30, 'keyDerivationFunc'));
  if (oidText(der, expect(kdfOid, 0x06, 'kdf')) !== OID.pbkdf2) fail('The encrypted key does not use PBKDF2 (RFC 8018 §5.2)');
  const params = children(der, expect(kdfParams, 0x30, 'PBKDF2-params'));
  const salt = expect(params[0], 0x04, 'salt');
  const iterations = integer(der, expect(params[1], 0x02, 'iterationCount'));
  let prf = OID.hmacWithSHA1 as string; // RFC 8018 §A.2: the default PRF
  for (const p of params.slice(2)) {
    if (p.tag === 0x30) prf = oidText(der, expect(children(der, p)[0], 0x06, 'prf'));
  }
  const hash = prf === OID.hmacWithSHA256 ? 'SHA-256' : prf === OID.hmacWithSHA1 ? 'SHA-1' : fail(`The PBKDF2 PRF ${prf} is not supported; use hmacWithSHA256`);
  if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) fail(`The PBKDF2 iteration count ${iterations} is outside 1..${MAX_PBKDF2_ITERATIONS}`);
  const [encOid, ivTlv] = children(der, expect(enc, 0x30, 'encryptionScheme'));
  const cipher = oidText(der, expect(encOid, 0x06, 'cipher'));
  const keyBytes = AES_KEY_BYTES[cipher] ?? fail(`The cipher ${cipher} is not supported; use aes-256-cbc`);
  const iv = der.slice(expect(ivTlv, 0x04, 'iv').start, ivTlv!.end);
  if (iv.length !== 16) fail('The AES-CBC IV must be 16 bytes (RFC 8018 §B.2.5)');
  const encrypted = expect(data, 0x04, 'encryptedData');

  const subtle = globalThis.crypto.subtle;
  const password = await subtle.importKey('raw', encodeUtf8(passphrase) as Uint8Array<ArrayBuffer>, 'PBKDF2', false, ['deriveKey']);
  const aesKey = await subtle.deriveKey(
    { name: 'PBKDF2', salt: der.slice(salt.start, salt.end), iterations, hash },
    password, { name: 'AES-CBC', length: keyBytes * 8 }, false, ['decrypt'],
  );
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await subtle.decrypt({ name: 'AES-CBC', iv }, aesKey, der.slice(encrypted.start, encrypted.end)));
  } catch (cause) {
    // A wrong passphrase almost always breaks the PKCS#7 padding.
    fail('The private key could not be decrypted: wrong passphrase (sasl.oauthbearer.assertion.private.key.passphrase)?', cause);
  }
  try {
    const info = readTlv(plain, 0);
    if (info.tag !== 0x30 || info.next !== plain.length) throw new Error('not a SEQUENCE');
  } catch (cause) {
    fail('The private key could not be decrypted: wrong passphrase (sasl.oauthbearer.assertion.private.key.passphrase)?', cause);
  }
  return plain;
}

/**
 * Turns a key file's text into PKCS#8 DER: decrypts an `ENCRYPTED PRIVATE KEY` with the passphrase; refuses
 * PKCS#1/SEC1 (`RSA PRIVATE KEY`, `EC PRIVATE KEY`) with the command that converts them.
 * @throws OAuthBearerError `ERR_PRIVATE_KEY`
 * @example
 * ```ts
 * const der = await privateKeyFromFile(await readFile('key.pem', 'utf8'), process.env.KEY_PASSPHRASE);
 * const key = await crypto.importPrivateKey(der, 'RS256');
 * ```
 * @category Getting tokens
 */
export async function privateKeyFromFile(text: string, passphrase?: string): Promise<Uint8Array> {
  const { label, der } = readKeyFile(text);
  if (label === 'RSA PRIVATE KEY' || label === 'EC PRIVATE KEY') {
    fail(`The key is in the legacy "${label}" format; convert it to PKCS#8 with "openssl pkcs8 -topk8 -nocrypt -in key.pem"`);
  }
  const encrypted = label === 'ENCRYPTED PRIVATE KEY' || (label === null && looksEncrypted(der));
  if (encrypted) {
    if (passphrase === undefined || passphrase === '') fail('The private key is encrypted; set sasl.oauthbearer.assertion.private.key.passphrase');
    return decryptPkcs8(der, passphrase);
  }
  if (label !== null && label !== 'PRIVATE KEY') fail(`The PEM block is "${label}"; a "PRIVATE KEY" (PKCS#8, RFC 5958) is needed`);
  return der;
}

/** True when DER starts like EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID … } … } rather than PrivateKeyInfo's INTEGER version. */
function looksEncrypted(der: Uint8Array): boolean {
  try {
    const top = readTlv(der, 0);
    const first = children(der, top)[0];
    return top.tag === 0x30 && first !== undefined && first.tag === 0x30;
  } catch {
    return false;
  }
}
