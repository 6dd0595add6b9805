/**
 * A small seeded mutator of client initial responses for `oauthbearer probe --fuzz N --seed S`.
 *
 * Ours rather than fast-check's arbitraries: fast-check is a dev dependency, and `probe` ships in the package's
 * bin, where dev dependencies are absent; importing it lazily would make `--fuzz` fail for every user who
 * installed the package. A mutator aimed at RFC 7628's grammar (separators, GS2 header, kvpairs, scheme, token
 * shapes) reaches the same refusals in a few dozen lines, and case `i` of seed `S` is the same bytes on every run.
 * @module
 */

/** mulberry32: a 32-bit seeded generator, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Bytes that sit on the grammar's edges: kvsep, comma, equals, space, tab, NUL, DEL, non-ASCII, letters. */
const EDGE_BYTES = [0x00, 0x01, 0x2c, 0x3d, 0x20, 0x09, 0x0d, 0x0a, 0x7f, 0x80, 0xc3, 0xff, 0x41, 0x7a, 0x2e, 0x5f, 0x2b, 0x2f];
const GS2_HEADERS = ['n,,', 'y,,', 'p=tls-unique,,', 'n,a=,', 'n,a=probe,', 'n,a=other,', 'n,a=a=2Cb,', 'n,a=a=2cb,', 'n', '', ',,', 'n,,,', 'N,,', 'n,a=é,'];
const KEYS = ['auth', 'AUTH', 'Auth', 'x', 'host', 'port', 'a1', '', 'traceId', '_'];
const VALUES = ['', 'v', ' ', '\t', 'Bearer x', 'a=b', '\x7f', 'é', 'x'.repeat(300)];
const SCHEMES = ['Bearer', 'bearer', 'BEARER', 'Basic', 'Bearer ', 'Bearer\t', '', 'Bearerx', 'MAC'];

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The byte arrays one after another in a new array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Token variants: the good one broken in ways a validator must notice. */
function tokenVariants(token: string, nowS: number): string[] {
  const [h, c] = token.split('.') as [string, string];
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return [
    token,
    `${h}.${part({ sub: 'probe', iat: nowS - 7200, exp: nowS - 60 })}.`, // expired
    `${h}.${part({ iat: nowS, exp: nowS + 600 })}.`, // no sub
    `${h}.${part({ sub: 'probe', iat: nowS + 7200, exp: nowS + 9000 })}.`, // issued in the future
    `${part({ alg: 'HS256' })}.${c}.`, // an alg that is not none, no signature
    `${h}.${c}.c2lnbmF0dXJl`, // a signature on an unsecured token
    `${h}.${Buffer.from('not json').toString('base64url')}.`,
    `${h}.${c}`, // two parts
    `${h}..${c}.`,
    '',
    `${h}.${c}.`.replace(/[A-Za-z]/, '$'),
    `${h}.${part({ sub: 'probe', iat: nowS, exp: nowS + 600, scope: 7 })}.`,
    `${h}.${part({ sub: '', iat: nowS, exp: nowS + 600 })}.`,
    `${h}.${part({ sub: 'probe', iat: nowS, exp: 'soon' })}.`,
  ];
}

/**
 * Case `index` of the fuzz with `seed`: the good initial response for `token` with one to four mutations drawn from
 * a generator seeded by (seed, index), so one case can be replayed alone.
 */
export function mutatedInitialResponse(token: string, seed: number, index: number, nowMs: number): Uint8Array {
  const random = seededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (n: number): number => Math.floor(random() * n);
  const nowS = Math.floor(nowMs / 1000);
  // Structural choices first (header, scheme, token, extra kvpairs), then byte-level damage.
  let header = 'n,,';
  let scheme = 'Bearer';
  let tokenText = token;
  const kvpairs: string[] = ['traceId=probe'];
  const structural = int(3);
  for (let i = 0; i < structural; i++) {
    switch (int(4)) {
      case 0: header = pick(GS2_HEADERS); break;
      case 1: scheme = pick(SCHEMES); break;
      case 2: tokenText = pick(tokenVariants(token, nowS)); break;
      default: kvpairs.splice(int(kvpairs.length + 1), 0, `${pick(KEYS)}=${pick(VALUES)}`); break;
    }
  }
  const auth = `auth=${scheme}${scheme === '' ? '' : ' '}${tokenText}`;
  kvpairs.splice(int(kvpairs.length + 1), 0, auth);
  let bytes = enc(`${header}\x01${kvpairs.join('\x01')}\x01\x01`);
  const damage = structural === 0 ? 1 + int(3) : int(2);
  for (let i = 0; i < damage && bytes.length > 0; i++) {
    const at = int(bytes.length);
    switch (int(6)) {
      case 0: { // flip one bit
        const copy = bytes.slice();
        copy[at]! ^= 1 << int(8);
        bytes = copy;
        break;
      }
      case 1: { // replace a byte with an edge byte
        const copy = bytes.slice();
        copy[at] = pick(EDGE_BYTES);
        bytes = copy;
        break;
      }
      case 2: // insert an edge byte
        bytes = concat(bytes.subarray(0, at), Uint8Array.of(pick(EDGE_BYTES)), bytes.subarray(at));
        break;
      case 3: // delete up to 8 bytes
        bytes = concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + int(8))));
        break;
      case 4: { // duplicate a short range
        const end = Math.min(bytes.length, at + 1 + int(16));
        bytes = concat(bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end));
        break;
      }
      default: // truncate
        bytes = bytes.subarray(0, at);
        break;
    }
  }
  return bytes;
}
