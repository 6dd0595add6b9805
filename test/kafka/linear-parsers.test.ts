// The properties line reader and the JAAS quoted-string reader take runs of plain characters as one slice (their
// cost stays linear to the 1 MiB bound, bench/bounds.bench.ts). Each is checked here against a per-character
// reference: the straightforward ports of java.util.Properties.LineReader and java.io.StreamTokenizer's quote
// loop that they replaced, on texts drawn from the characters that matter (backslashes, quotes, line breaks).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logicalLines, parseProperties } from '../../src/kafka/properties.js';
import { parseJaasConfig } from '../../src/kafka/jaas.js';

/** Properties.LineReader.readLine, one character at a time (the reader before the change). */
function referenceLines(text: string): string[] {
  const lines: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    let line = '';
    let skipWhiteSpace = true;
    let appendedLineBegin = false;
    let precedingBackslash = false;
    let done: string | null = null;
    while (done === null) {
      if (i >= n) {
        if (line.length === 0) return lines;
        done = precedingBackslash ? line.slice(0, -1) : line;
        break;
      }
      const c = text[i++]!;
      if (skipWhiteSpace) {
        if (c === ' ' || c === '\t' || c === '\f') continue;
        if (!appendedLineBegin && (c === '\r' || c === '\n')) continue;
        skipWhiteSpace = false;
        appendedLineBegin = false;
      }
      if (line.length === 0 && (c === '#' || c === '!')) {
        while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
        if (i >= n) return lines;
        i++;
        skipWhiteSpace = true;
        continue;
      }
      if (c !== '\n' && c !== '\r') {
        line += c;
        precedingBackslash = c === '\\' ? !precedingBackslash : false;
        continue;
      }
      if (line.length === 0) {
        skipWhiteSpace = true;
        continue;
      }
      if (i >= n) {
        done = precedingBackslash ? line.slice(0, -1) : line;
      } else if (precedingBackslash) {
        line = line.slice(0, -1);
        skipWhiteSpace = true;
        appendedLineBegin = true;
        precedingBackslash = false;
        if (c === '\r' && text[i] === '\n') i++;
      } else {
        done = line;
      }
    }
    lines.push(done);
  }
}

/** StreamTokenizer's quoted string, one character at a time: the value between the quotes `q`, escapes decoded. */
function referenceQuoted(body: string, q: number): string {
  let pos = 0;
  const read = (): number => (pos < body.length ? body.charCodeAt(pos++) : -1);
  let out = '';
  let c = 0;
  let d = read();
  while (d >= 0 && d !== q && d !== 0x0a && d !== 0x0d) {
    if (d === 0x5c) {
      c = read();
      const first = c;
      if (c >= 0x30 && c <= 0x37) {
        c -= 0x30;
        let c2 = read();
        if (c2 >= 0x30 && c2 <= 0x37) {
          c = (c << 3) + (c2 - 0x30);
          c2 = read();
          if (c2 >= 0x30 && c2 <= 0x37 && first <= 0x33) {
            c = (c << 3) + (c2 - 0x30);
            d = read();
          } else d = c2;
        } else d = c2;
      } else {
        const named: Record<number, number> = { 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };
        c = named[c] ?? c;
        d = read();
      }
    } else {
      c = d;
      d = read();
    }
    out += String.fromCharCode(c & 0xffff);
  }
  return out;
}

/** Properties.loadConvert, one character at a time; null where it refuses a malformed \\u. */
function referenceUnescape(s: string): string | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = s[++i];
    if (e === undefined) break;
    if (e === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += e === 't' ? '\t' : e === 'r' ? '\r' : e === 'n' ? '\n' : e === 'f' ? '\f' : e;
    }
  }
  return out;
}

const propertiesText = fc.stringMatching(/^[a\\\n\r \t#!=:é]{0,40}$/);

describe('linear readers agree with the per-character ones', () => {
  it('properties: the same logical lines for any text of backslashes, breaks, blanks and comment marks', () => {
    fc.assert(fc.property(propertiesText, (text) => {
      expect(logicalLines(text)).toEqual(referenceLines(text));
    }), { numRuns: 3000 });
  });

  it('properties: the same value for any text of escapes (\\t, \\u with good and bad hex, others)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a\\tnu0-9Fg=: ]{0,40}$/), (text) => {
      fc.pre(!/(^|[^\\])(\\\\)*\\$/.test(text));
      const expected = referenceUnescape(`v${text}`);
      if (expected === null) expect(() => parseProperties(`k=v${text}`)).toThrow(/Malformed \\uxxxx/);
      else expect(parseProperties(`k=v${text}`).get('k')).toBe(expected);
    }), { numRuns: 3000 });
  });

  it('properties: continuations by the parity of a line\'s final run of backslashes', () => {
    // Two backslashes: an escaped backslash, the break ends the line. Three: an escaped one and a continuation.
    expect(Object.fromEntries(parseProperties('a=b\\\\\nc'))).toEqual({ a: 'b\\', c: '' });
    expect(Object.fromEntries(parseProperties('a=b\\\\\\\n  c'))).toEqual({ a: 'b\\c' });
    // A continued line that is a lone backslash continues again.
    expect(Object.fromEntries(parseProperties('a=x\\\n \\\n y'))).toEqual({ a: 'xy' });
    expect(logicalLines('x\\\r\n\\\\\ny')).toEqual(['x\\\\', 'y']);
  });

  it('JAAS: the same quoted value for any body of escapes, octal digits, quotes and breaks', () => {
    const body = fc.stringMatching(/^[ab\\"'0-7ntx\n é]{0,40}$/);
    fc.assert(fc.property(body, fc.constantFrom(0x22, 0x27), (text, q) => {
      const quote = String.fromCharCode(q);
      const jaas = `M required k=${quote}${text}`;
      const expected = referenceQuoted(text, q);
      let value: string | undefined;
      let error: unknown;
      try {
        value = parseJaasConfig(`${jaas}${quote};`).options.get('k');
      } catch (e) {
        error = e;
      }
      // Where the body closes the string early or breaks the line, the rest decides the outcome: only compare
      // when the whole body is the value.
      if (!/["'\n\\]/.test(text.replace(/\\./g, ''))) {
        expect(error).toBeUndefined();
        expect(value).toBe(expected);
      }
    }), { numRuns: 3000 });
  });

  it('JAAS: a NUL is a plain character of a quoted value, first, after an escape or inside a run', () => {
    for (const [body, value] of [['\0ab', '\0ab'], ['a\\n\0b', 'a\n\0b'], ['ab\0', 'ab\0']]) {
      expect(parseJaasConfig(`M required k="${body}";`).options.get('k')).toBe(value);
    }
  });

  it('JAAS: a long value with escapes scattered through it', () => {
    const plain = 'x'.repeat(5000);
    const text = `${plain}\\n${plain}\\"${plain}\\101${plain}`;
    expect(parseJaasConfig(`M required k="${text}";`).options.get('k')).toBe(`${plain}\n${plain}"${plain}A${plain}`);
  });
});
