// The API reference builds from TSDoc without a single warning (typedoc.json treats warnings as errors): every
// export is documented and every type it names is exported too.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('typedoc builds the API reference with no warnings', async () => {
  const root = join(import.meta.dirname, '..');
  const typedoc = join(root, 'node_modules/typedoc/bin/typedoc');
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [typedoc, '--emit', 'none'], { cwd: root, timeout: 120_000 })
    .catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? 'typedoc failed' }));
  expect(`${stdout}${stderr}`).not.toMatch(/\[(warning|error)\]/);
}, 120_000);

// Issue 14 item 6: the reference is grouped by capability and every exported function shows its use.
it('every export has a capability @category and every exported function an @example', async () => {
  const { default: ts } = await import('typescript');
  const root = join(import.meta.dirname, '..');
  const { readFileSync } = await import('node:fs');
  const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { entryPoints: string[]; categoryOrder: string[] };
  const program = ts.createProgram(config.entryPoints.map((e) => join(root, e)), { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const checker = program.getTypeChecker();
  const uncategorized: string[] = [];
  const withoutExample: string[] = [];
  let functions = 0;
  for (const entry of config.entryPoints) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(join(root, entry))!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const docs = (symbol.declarations ?? []).map((d) => {
        const node = ts.isVariableDeclaration(d) ? d.parent.parent : d;
        const text = node.getSourceFile().text;
        return (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []).map((r) => text.slice(r.pos, r.end)).join('\n');
      }).join('\n');
      const category = /@category (.+)$/m.exec(docs)?.[1]?.trim();
      if (category === undefined || !config.categoryOrder.includes(category)) uncategorized.push(`${entry}: ${exported.name}`);
      if ((symbol.declarations ?? []).some((d) => ts.isFunctionDeclaration(d))) {
        functions += 1;
        if (!docs.includes('@example')) withoutExample.push(`${entry}: ${exported.name}`);
      }
    }
  }
  expect(functions).toBeGreaterThan(100);
  expect(uncategorized).toEqual([]);
  expect(withoutExample).toEqual([]);
}, 60_000);
