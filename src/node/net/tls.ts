/**
 * Kafka's `ssl.*` settings (SslConfigs, BrokerSecurityConfigs, KIP-651 PEM stores) turned into `node:tls` options,
 * and the client certificate's SHA-256 thumbprint (RFC 8705 §3.1) of a TLS connection.
 * @module
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TLSSocket } from 'node:tls';
import { OAuthBearerError } from '../../errors.js';
import { encodeBase64url } from '../../encoding/base64.js';
import { configString, type KafkaProps } from '../../kafka/properties.js';

/**
 * Kafka's SSL property names (SslConfigs, BrokerSecurityConfigs).
 * @category Node adapters
 */
export const SSL_CONFIG = {
  keystoreType: 'ssl.keystore.type',
  keystoreLocation: 'ssl.keystore.location',
  keystorePassword: 'ssl.keystore.password',
  keystoreKey: 'ssl.keystore.key',
  keystoreCertificateChain: 'ssl.keystore.certificate.chain',
  keyPassword: 'ssl.key.password',
  truststoreType: 'ssl.truststore.type',
  truststoreLocation: 'ssl.truststore.location',
  truststoreCertificates: 'ssl.truststore.certificates',
  clientAuth: 'ssl.client.auth',
  endpointIdentificationAlgorithm: 'ssl.endpoint.identification.algorithm',
} as const;

/** Largest keystore or truststore file read: 1 MiB. */
export const MAX_STORE_FILE_BYTES = 1 << 20;

/**
 * Key material and trust for `node:tls`, PEM text normalised to what OpenSSL reads.
 * @category Node adapters
 */
export interface TlsMaterial {
  /** The private key (PEM), when a keystore is configured. */
  readonly key?: string;
  /** The certificate chain (PEM), leaf first. */
  readonly cert?: string;
  /** `ssl.key.password`, for an encrypted PKCS#8 key. */
  readonly passphrase?: string;
  /** A PKCS#12 keystore (`ssl.keystore.type=PKCS12`). */
  readonly pfx?: Uint8Array;
  /** Trusted CA certificates (PEM); absent: the system's. */
  readonly ca?: string;
}

/**
 * `ssl.client.auth` (BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG), Kafka's default `none`.
 * @category Node adapters
 */
export type SslClientAuth = 'none' | 'requested' | 'required';

function configError(name: string, problem: string): never {
  throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${name}: ${problem}`);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Opens the keystore's private key once at load, so a wrong or missing `ssl.key.password` is a configuration error
 * naming the setting (issue 12), not OpenSSL's throw from deep in `node:tls`. OpenSSL's reason is kept (it never
 * quotes the key or the password).
 */
function checkKeyOpens(key: string, password: string | null, where: string): void {
  try {
    createPrivateKey({ key, format: 'pem', ...(password === null ? {} : { passphrase: password }) });
  } catch (cause) {
    const reason = (cause as { code?: unknown }).code === 'ERR_MISSING_PASSPHRASE' ? 'it is encrypted and ssl.key.password is not set'
      : password === null ? `it could not be read (${(cause as Error).message})` : `it does not open with ssl.key.password (${(cause as Error).message})`;
    throw new OAuthBearerError('ERR_CONFIG', `Invalid value for configuration ${password === null ? where : SSL_CONFIG.keyPassword}: the private key in ${where} could not be used: ${reason}; set the key's own password in ${SSL_CONFIG.keyPassword}`);
  }
}

/**
 * PEM blocks re-wrapped at 64 columns. A PEM value in a properties file continued with `\` arrives on one line
 * (Properties drops the line breaks); Kafka's PemStore reads it regardless, OpenSSL needs the breaks back.
 */
export function normalizePem(text: string, what: string, labels: RegExp): string {
  const blocks: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (!labels.test(m[1]!)) continue;
    const body = m[2]!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/=]*$/.test(body)) throw new OAuthBearerError('ERR_CONFIG', `${what}: the ${m[1]} block is not base64`);
    blocks.push(`-----BEGIN ${m[1]}-----\n${body.replace(/.{1,64}/g, '$&\n')}-----END ${m[1]}-----\n`);
  }
  if (blocks.length === 0) throw new OAuthBearerError('ERR_CONFIG', `${what} holds no PEM ${labels.source} block`);
  return blocks.join('');
}

const KEY_LABELS = /^(ENCRYPTED )?(RSA |EC )?PRIVATE KEY$/;
const CERT_LABELS = /^CERTIFICATE$/;

async function readStore(path: string, name: string): Promise<Buffer> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_STORE_FILE_BYTES) configError(name, `${path} is ${bytes.length} bytes; the limit is ${MAX_STORE_FILE_BYTES}`);
    return bytes;
  } catch (cause) {
    if (cause instanceof OAuthBearerError) throw cause;
    throw new OAuthBearerError('ERR_FILE', `${name}: ${path} could not be read: ${(cause as Error).message}`, { cause });
  }
}

/** A PASSWORD or STRING setting: trimmed, null when absent or empty. */
function setting(props: KafkaProps, name: string): string | null {
  const value = configString(props, name, null);
  return value === null || value === '' ? null : value;
}

/**
 * Reads Kafka's keystore and truststore settings: `ssl.keystore.type=PEM` with `ssl.keystore.location` (key and
 * chain in one file) or `ssl.keystore.key` + `ssl.keystore.certificate.chain` (inline PEM), `ssl.key.password`;
 * `PKCS12` with a location and `ssl.keystore.password`; `ssl.truststore.type=PEM` with `ssl.truststore.location`
 * or `ssl.truststore.certificates`. Kafka's JKS default is refused: Node has no JKS reader.
 * @throws OAuthBearerError `ERR_CONFIG` naming the setting, `ERR_FILE` for an unreadable file
 * @example
 * ```ts
 * const tls = await loadTlsMaterial(parseProperties('ssl.keystore.type=PEM\nssl.keystore.location=/etc/kafka/broker.pem'));
 * ```
 * @category Node adapters
 */
export async function loadTlsMaterial(props: KafkaProps): Promise<TlsMaterial> {
  const c = SSL_CONFIG;
  const out: { -readonly [K in keyof TlsMaterial]: TlsMaterial[K] } = {};
  const location = setting(props, c.keystoreLocation);
  const inlineKey = setting(props, c.keystoreKey);
  const chain = setting(props, c.keystoreCertificateChain);
  const keyPassword = setting(props, c.keyPassword);
  if (location !== null || inlineKey !== null || chain !== null) {
    const type = (setting(props, c.keystoreType) ?? 'JKS').toUpperCase();
    if (type === 'PEM') {
      if (location !== null && (inlineKey !== null || chain !== null)) {
        configError(c.keystoreLocation, `set either ${c.keystoreLocation} or ${c.keystoreKey} with ${c.keystoreCertificateChain}, not both`);
      }
      if (location !== null) {
        const text = (await readStore(location, c.keystoreLocation)).toString('utf8');
        out.key = normalizePem(text, c.keystoreLocation, KEY_LABELS);
        out.cert = normalizePem(text, c.keystoreLocation, CERT_LABELS);
      } else {
        if (inlineKey === null) configError(c.keystoreKey, `${c.keystoreCertificateChain} needs its private key in ${c.keystoreKey}`);
        if (chain === null) configError(c.keystoreCertificateChain, `${c.keystoreKey} needs its certificate chain in ${c.keystoreCertificateChain}`);
        out.key = normalizePem(inlineKey, c.keystoreKey, KEY_LABELS);
        out.cert = normalizePem(chain, c.keystoreCertificateChain, CERT_LABELS);
      }
      if (keyPassword !== null) out.passphrase = keyPassword;
      checkKeyOpens(out.key, keyPassword, location !== null ? c.keystoreLocation : c.keystoreKey);
    } else if (type === 'PKCS12') {
      if (location === null) configError(c.keystoreLocation, 'a PKCS12 keystore needs its file');
      out.pfx = await readStore(location, c.keystoreLocation);
      const password = setting(props, c.keystorePassword);
      if (password !== null) out.passphrase = password;
    } else {
      configError(c.keystoreType, `"${type}" keystores cannot be read here; set ${c.keystoreType}=PEM (or PKCS12)`);
    }
  }
  const trustLocation = setting(props, c.truststoreLocation);
  const trustInline = setting(props, c.truststoreCertificates);
  if (trustLocation !== null || trustInline !== null) {
    const type = (setting(props, c.truststoreType) ?? 'JKS').toUpperCase();
    if (type !== 'PEM') configError(c.truststoreType, `"${type}" truststores cannot be read here; set ${c.truststoreType}=PEM`);
    if (trustLocation !== null && trustInline !== null) {
      configError(c.truststoreLocation, `set either ${c.truststoreLocation} or ${c.truststoreCertificates}, not both`);
    }
    out.ca = trustLocation !== null
      ? normalizePem((await readStore(trustLocation, c.truststoreLocation)).toString('utf8'), c.truststoreLocation, CERT_LABELS)
      : normalizePem(trustInline!, c.truststoreCertificates, CERT_LABELS);
  }
  return out;
}

/**
 * `ssl.client.auth`: `required`, `requested` or `none` (Kafka's default), any case.
 * @example
 * ```ts
 * sslClientAuth({ 'ssl.client.auth': 'required' }); // 'required'
 * sslClientAuth({}); // 'none'
 * ```
 * @category Node adapters
 */
export function sslClientAuth(props: KafkaProps): SslClientAuth {
  const value = (setting(props, SSL_CONFIG.clientAuth) ?? 'none').toLowerCase();
  if (value !== 'none' && value !== 'requested' && value !== 'required') {
    configError(SSL_CONFIG.clientAuth, `"${value}"; use required, requested or none`);
  }
  return value;
}

/**
 * The base64url SHA-256 of the DER of the client certificate on `socket` (RFC 8705 §3.1 `x5t#S256`), or null when
 * the client presented none.
 * @example
 * ```ts
 * const thumbprint = certificateThumbprint(tlsSocket); // 'Xy0...'
 * ```
 * @category Node adapters
 */
export function certificateThumbprint(socket: TLSSocket): string | null {
  const peer = socket.getPeerCertificate();
  const raw = (peer as { raw?: Buffer } | null)?.raw;
  if (raw === undefined || raw.length === 0) return null;
  return encodeBase64url(createHash('sha256').update(raw).digest());
}
