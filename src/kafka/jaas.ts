/**
 * Kafka's `sasl.jaas.config` (JaasContext.loadClientContext → org.apache.kafka.common.security.JaasConfig), which
 * reads the value with a `java.io.StreamTokenizer` configured for `//` and `/* *\/` comments and `-`, `_`, `$`
 * as word characters. Every rule of that tokenizer is reproduced, quirks included (kafka-observed.md).
 * @module
 */
import { OAuthBearerError } from '../errors.js';
import { javaTrim } from './java.js';

/**
 * One parsed login-module entry.
 * @category Kafka semantics
 */
export interface JaasEntry {
  /** The login module class name, verbatim. */
  readonly loginModule: string;
  /** The control flag, lower case: `required`, `requisite`, `sufficient` or `optional`. */
  readonly flag: 'required' | 'requisite' | 'sufficient' | 'optional';
  /** The options; a repeated key keeps its last value. */
  readonly options: ReadonlyMap<string, string>;
}

/** Longest `sasl.jaas.config` read: 1 MiB, far above any real login-module entry (Kafka sets no limit). */
export const MAX_JAAS_CONFIG_LENGTH = 1 << 20;

/** Modules Kafka refuses by default (JaasUtils.DISALLOWED_LOGIN_MODULES_DEFAULT). */
export const DISALLOWED_LOGIN_MODULES: readonly string[] = ['com.sun.security.auth.module.JndiLoginModule'];

const TT_EOF = -1;
const TT_NUMBER = -2;
const TT_WORD = -3;

const CT_WHITESPACE = 1;
const CT_DIGIT = 2;
const CT_ALPHA = 4;
const CT_QUOTE = 8;
const CT_COMMENT = 16;

// The character table of `new StreamTokenizer(reader)` plus JaasConfig's wordChars('-'), ('_'), ('$').
const CTYPE = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x61; c <= 0x7a; c++) t[c]! |= CT_ALPHA;
  for (let c = 0x41; c <= 0x5a; c++) t[c]! |= CT_ALPHA;
  for (let c = 160; c <= 255; c++) t[c]! |= CT_ALPHA;
  for (let c = 0; c <= 0x20; c++) t[c] = CT_WHITESPACE;
  t[0x2f] = CT_COMMENT;
  t[0x22] = CT_QUOTE;
  t[0x27] = CT_QUOTE;
  for (let c = 0x30; c <= 0x39; c++) t[c]! |= CT_DIGIT;
  t[0x2e]! |= CT_DIGIT;
  t[0x2d]! |= CT_DIGIT;
  t[0x2d]! |= CT_ALPHA;
  t[0x5f]! |= CT_ALPHA;
  t[0x24]! |= CT_ALPHA;
  return t;
})();

const NEED_CHAR = -4;

/** A port of java.io.StreamTokenizer.nextToken() over UTF-16 code units, with JaasConfig's settings. */
class Tokenizer {
  ttype = TT_EOF;
  sval: string | null = null;
  private peekc = NEED_CHAR;
  private pos = 0;
  constructor(private readonly text: string) {}

  private read(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos++) : -1;
  }

  private ctype(c: number): number {
    return c < 0 ? CT_WHITESPACE : c < 256 ? CTYPE[c]! : CT_ALPHA;
  }

  nextToken(): number {
    // Comments restart the scan; Java recurses, we loop.
    for (;;) {
      this.sval = null;
      let c = this.peekc;
      if (c === NEED_CHAR) {
        c = this.read();
        if (c < 0) return (this.ttype = TT_EOF);
      }
      if (c < 0) return (this.ttype = TT_EOF);
      this.ttype = c;
      this.peekc = NEED_CHAR;
      let ct = c < 256 ? CTYPE[c]! : CT_ALPHA;
      while ((ct & CT_WHITESPACE) !== 0) {
        if (c === 0x0d) {
          c = this.read();
          if (c === 0x0a) c = this.read();
        } else {
          c = this.read();
        }
        if (c < 0) return (this.ttype = TT_EOF);
        ct = c < 256 ? CTYPE[c]! : CT_ALPHA;
      }

      if ((ct & CT_DIGIT) !== 0) {
        if (c === 0x2d) {
          c = this.read();
          if (c !== 0x2e && (c < 0x30 || c > 0x39)) {
            this.peekc = c;
            return (this.ttype = 0x2d);
          }
        }
        let seenDot = false;
        for (;;) {
          if (c === 0x2e && !seenDot) seenDot = true;
          else if (c < 0x30 || c > 0x39) break;
          c = this.read();
        }
        this.peekc = c;
        // A number has no string value; JaasConfig only ever reads sval.
        return (this.ttype = TT_NUMBER);
      }

      if ((ct & CT_ALPHA) !== 0) {
        const start = this.pos - 1;
        do {
          c = this.read();
        } while ((this.ctype(c) & (CT_ALPHA | CT_DIGIT)) !== 0);
        this.peekc = c;
        this.sval = this.text.slice(start, c < 0 ? this.pos : this.pos - 1);
        return (this.ttype = TT_WORD);
      }

      if ((ct & CT_QUOTE) !== 0) {
        this.ttype = c;
        let out = '';
        let d = this.read();
        while (d >= 0 && d !== this.ttype && d !== 0x0a && d !== 0x0d) {
          if (d === 0x5c) {
            c = this.read();
            const first = c;
            if (c >= 0x30 && c <= 0x37) {
              c -= 0x30;
              let c2 = this.read();
              if (c2 >= 0x30 && c2 <= 0x37) {
                c = (c << 3) + (c2 - 0x30);
                c2 = this.read();
                if (c2 >= 0x30 && c2 <= 0x37 && first <= 0x33) {
                  c = (c << 3) + (c2 - 0x30);
                  d = this.read();
                } else d = c2;
              } else d = c2;
            } else {
              switch (c) {
                case 0x61: c = 0x07; break; // \a
                case 0x62: c = 0x08; break; // \b
                case 0x66: c = 0x0c; break; // \f
                case 0x6e: c = 0x0a; break; // \n
                case 0x72: c = 0x0d; break; // \r
                case 0x74: c = 0x09; break; // \t
                case 0x76: c = 0x0b; break; // \v
              }
              d = this.read();
            }
          } else {
            // A run of plain characters as one slice, not a string each (linear to 1 MiB, bench/bounds.bench.ts).
            const text = this.text;
            let end = this.pos;
            while (end < text.length) {
              const x = text.charCodeAt(end);
              if (x === this.ttype || x === 0x5c || x === 0x0a || x === 0x0d) break;
              end++;
            }
            out += text.slice(this.pos - 1, end);
            this.pos = end;
            d = this.read();
            continue;
          }
          // Java stores (char) c: a backslash at end of input stores (char) -1, U+FFFF.
          out += String.fromCharCode(c & 0xffff);
        }
        this.peekc = d === this.ttype ? NEED_CHAR : d;
        this.sval = out;
        return this.ttype;
      }

      if (c === 0x2f) {
        c = this.read();
        if (c === 0x2a) {
          let prev = 0;
          let eof = false;
          while ((c = this.read()) !== 0x2f || prev !== 0x2a) {
            if (c === 0x0d) {
              c = this.read();
              if (c === 0x0a) c = this.read();
            } else if (c === 0x0a) {
              c = this.read();
            }
            if (c < 0) {
              eof = true;
              break;
            }
            prev = c;
          }
          if (eof) return (this.ttype = TT_EOF);
          continue;
        }
        // `//`, and (because '/' is also the default comment character) a lone `/`, run to the end of the
        // line; the character just read after the lone '/' is consumed first, even a line break.
        while ((c = this.read()) !== 0x0a && c !== 0x0d && c >= 0);
        this.peekc = c;
        continue;
      }

      return (this.ttype = c);
    }
  }
}

function fail(message: string): never {
  throw new OAuthBearerError('ERR_JAAS_CONFIG', message);
}

const FLAGS = { REQUIRED: 'required', REQUISITE: 'requisite', SUFFICIENT: 'sufficient', OPTIONAL: 'optional' } as const;

/**
 * Parses a `sasl.jaas.config` value exactly as Kafka's client does: one `LoginModule flag key=value… ;` entry.
 * Values may be words (`a.b-c_$1`, any character ≥ U+00A0) or `"…"`/`'…'` strings with Java escapes; unquoted
 * numbers have no value; the flag is matched upper-cased (so `ReQuIrEd` and `requ\u0131red` are `required`).
 * @throws OAuthBearerError `ERR_JAAS_CONFIG` for every input Kafka rejects, for `JndiLoginModule`, and for an option
 *   whose key is a number or punctuation (Kafka stores it under a null key, which no caller can read)
 * @example
 * ```ts
 * const { loginModule, flag, options } = parseJaasConfig(
 *   'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice";');
 * options.get('unsecuredLoginStringClaim_sub'); // 'alice'
 * ```
 * @category Kafka semantics
 */
export function parseJaasConfig(text: string): JaasEntry {
  if (text.length > MAX_JAAS_CONFIG_LENGTH) {
    throw new OAuthBearerError('ERR_INPUT_TOO_LARGE', `sasl.jaas.config is ${text.length} characters; the limit is ${MAX_JAAS_CONFIG_LENGTH}`);
  }
  const t = new Tokenizer(text);
  const entries: JaasEntry[] = [];
  while (t.nextToken() !== TT_EOF) entries.push(parseEntry(t));
  if (entries.length === 0) fail('sasl.jaas.config names no login module: write "<LoginModule class> required <options>;"');
  if (entries.length !== 1) {
    fail(`sasl.jaas.config contains ${entries.length} login modules; Kafka accepts exactly 1 module`);
  }
  const entry = entries[0]!;
  const trimmed = javaTrim(entry.loginModule);
  if (DISALLOWED_LOGIN_MODULES.includes(trimmed)) fail(`Login module ${trimmed} is not allowed (Kafka JaasContext refuses it)`);
  return entry;
}

function parseEntry(t: Tokenizer): JaasEntry {
  const loginModule = t.sval;
  if (t.nextToken() === TT_EOF) fail('sasl.jaas.config has no control flag after the login module name');
  const flagText = t.sval;
  if (flagText === null) fail('sasl.jaas.config has no control flag: write required, requisite, sufficient or optional');
  // String.toUpperCase(Locale.ROOT) maps U+0131 (dotless i) to I and U+017F (long s) to S, as JS does.
  const flag = (FLAGS as Record<string, JaasEntry['flag'] | undefined>)[flagText.toUpperCase()];
  if (flag === undefined) fail(`Invalid login module control flag (${flagText.length} characters) in sasl.jaas.config: use required, requisite, sufficient or optional`);
  const options = new Map<string, string>();
  let nullKey = false;
  let position = 0;
  while (t.nextToken() !== TT_EOF && t.ttype !== 0x3b) {
    const key = t.sval;
    position++;
    if (t.nextToken() !== 0x3d || t.nextToken() === TT_EOF || t.sval === null) {
      // After the first option, this "key" (and any key before it but the first) may be the rest of an unquoted
      // value cut at a space (clientSecret=ab cd=ef gh): part of a secret, so only the first key is ever quoted
      // and the others are named by position. Kafka quotes it.
      const which = position === 1 && key !== null ? `option "${key}"` : `option ${position}`;
      fail(`Value not specified for ${which} in sasl.jaas.config: quote values with spaces, numbers and punctuation, as in key="3600"`);
    }
    if (key === null) nullKey = true;
    else options.set(key, t.sval);
  }
  if (t.ttype !== 0x3b) fail('sasl.jaas.config entry is not terminated by ";"');
  // AppConfigurationEntry refuses a null or empty module name.
  if (loginModule === null || loginModule.length === 0) fail('sasl.jaas.config has an empty login module name');
  if (nullKey) fail('sasl.jaas.config has an option whose name is a number or punctuation: quote the name');
  return { loginModule, flag, options };
}
