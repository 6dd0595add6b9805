// The core (src/ outside src/node/) uses only web-standard globals and ports: no Node built-ins, Buffer, process,
// require, timers or global fetch. This test reads every core file and fails on any such use.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const FORBIDDEN: ReadonlyArray<readonly [string, RegExp]> = [
  ['a node: import', /\bfrom\s*['"]node:|\bimport\(\s*['"]node:/],
  ['a Node built-in import', /\bfrom\s*['"](fs|fs\/promises|net|tls|http|https|http2|crypto|path|os|child_process|stream|url|util|buffer|timers|worker_threads|dns|zlib|events)['"]/],
  ['require()', /\brequire\s*\(/],
  ['Buffer', /\bBuffer\b/],
  ['process', /\bprocess\s*[.[]/],
  ['a timer', /\b(setTimeout|setInterval|setImmediate|clearTimeout|clearInterval)\s*\(/],
  ['global fetch', /(^|[^.\w])fetch\s*\(/],
  ['globalThis.fetch', /globalThis\s*\.\s*fetch\b/],
];

/** Strips comments so that prose about `process` or `fetch(` does not count. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

export function violations(file: string, text: string): string[] {
  const found: string[] = [];
  code(text).split('\n').forEach((line, i) => {
    for (const [what, pattern] of FORBIDDEN) if (pattern.test(line)) found.push(`${file}:${i + 1} uses ${what}: ${line.trim()}`);
  });
  return found;
}

function coreFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return relative(root, path) === join('src', 'node') ? [] : coreFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('the I/O-free core', () => {
  it('has no Node built-ins, Buffer, process, require, timers or fetch outside src/node/', () => {
    const files = coreFiles(join(root, 'src'));
    expect(files.length).toBeGreaterThan(5);
    const found = files.flatMap((f) => violations(relative(root, f), readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
  it('catches each kind of violation (the check can fail)', () => {
    const samples = [
      "import { readFile } from 'node:fs';",
      "import net from 'net';",
      "const x = require('y');",
      'const b = Buffer.from("a");',
      'if (process.env.X) {}',
      'setTimeout(() => 0, 1);',
      'await fetch(url);',
      'globalThis.fetch',
    ];
    for (const s of samples) expect(violations('x.ts', s), s).toHaveLength(1);
    expect(violations('x.ts', '// process.env in a comment\nconst ok = http(request);\nconst y = port.fetch(url);')).toEqual([]);
  });
});
