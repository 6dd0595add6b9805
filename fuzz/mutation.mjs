// `npm run mutation [-- folder ...]`: Stryker over src/encoding, src/sasl, src/kafka and src/jose, one folder at a
// time (the machine is shared; each run uses at most two test processes), then reports/mutation.md from the JSON
// reports: the score per folder and every surviving mutant, each either named equivalent (with the reason, from
// fuzz/equivalent-mutants/*.json) or listed as still to kill. `--report` only rewrites reports/mutation.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const FOLDERS = ['encoding', 'sasl', 'kafka', 'jose'];
const args = process.argv.slice(2);
const reportOnly = args.includes('--report');
const folders = args.filter((a) => !a.startsWith('--'));
for (const f of folders) if (!FOLDERS.includes(f)) throw new Error(`unknown folder ${f}; use ${FOLDERS.join(', ')}`);

if (!reportOnly) {
  for (const folder of folders.length > 0 ? folders : FOLDERS) {
    console.log(`== stryker: src/${folder}`);
    const r = spawnSync('npx', ['stryker', 'run'], { cwd: root, stdio: 'inherit', env: { ...process.env, MUTATE_FOLDER: folder } });
    if (r.status !== 0) {
      console.error(`stryker failed on src/${folder} (exit ${r.status})`);
      process.exitCode = 1;
    }
  }
}

/**
 * Equivalent mutants: "path:line:column mutator" → why no test can tell the mutant from the original. One file per
 * area in fuzz/equivalent-mutants/ (encoding.json, sasl.json, kafka-wire.json, ...), so work on one folder never
 * edits another's list; a key named twice is an error.
 */
const equivalent = {};
const equivalentDir = join(root, 'fuzz', 'equivalent-mutants');
for (const name of readdirSync(equivalentDir).filter((n) => n.endsWith('.json')).sort()) {
  for (const [key, reason] of Object.entries(JSON.parse(readFileSync(join(equivalentDir, name), 'utf8')))) {
    if (key in equivalent) throw new Error(`${name}: ${key} is already named equivalent in another file`);
    equivalent[key] = reason;
  }
}
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const rows = [];
const survivors = [];
let total = { detected: 0, undetected: 0, equivalent: 0, ignored: 0, errors: 0 };
for (const folder of FOLDERS) {
  // The folder's whole run (kafka.json), then the parts run on their own (kafka-wire.json, ...), each file's newest
  // result last: a part's file replaces the whole run's entry for the files it mutated.
  const dir = join(root, 'reports', 'mutation');
  const parts = [`${folder}.json`, ...(existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith(`${folder}-`) && n.endsWith('.json')).sort() : [])]
    .map((n) => join(dir, n))
    .filter((f) => existsSync(f));
  if (parts.length === 0) {
    rows.push(`| src/${folder} (not run) | | | | | | |`);
    continue;
  }
  const report = { files: {} };
  for (const part of parts) Object.assign(report.files, JSON.parse(readFileSync(part, 'utf8')).files);
  const c = { detected: 0, undetected: 0, equivalent: 0, ignored: 0, errors: 0 };
  for (const [path, { mutants, source }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    for (const m of mutants) {
      // A static mutant (module-level code, run once at import) is left out under ignoreStatic: one that still has a
      // status comes from an incremental file written before the option was set, and is counted as ignored too.
      if (m.status === 'Ignored' || m.static === true) c.ignored++;
      else if (DETECTED.has(m.status)) c.detected++;
      else if (UNDETECTED.has(m.status)) {
        const key = `${path}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`;
        const reason = equivalent[key];
        if (reason !== undefined) c.equivalent++;
        else c.undetected++;
        const code = (lines[m.location.start.line - 1] ?? '').trim().slice(0, 110);
        survivors.push({ key, status: m.status, replacement: (m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60), code, reason });
      } else c.errors++;
    }
  }
  const valid = c.detected + c.undetected + c.equivalent;
  const score = (n) => (valid === 0 ? 'n/a' : `${((100 * n) / valid).toFixed(2)}%`);
  const files = Object.keys(report.files).map((f) => f.split('/').pop()).join(', ');
  rows.push(`| src/${folder} (${files}) | ${score(c.detected)} | ${score(c.detected + c.equivalent)} | ${c.detected} | ${c.undetected} | ${c.equivalent} | ${c.ignored} |`);
  for (const k of Object.keys(total)) total[k] += c[k];
}
const valid = total.detected + total.undetected + total.equivalent;

const md = `# Mutation testing (issue 12, item 7)

Stryker ${JSON.parse(readFileSync(join(root, 'node_modules/@stryker-mutator/core/package.json'), 'utf8')).version} with the vitest runner,
\`coverageAnalysis: perTest\`, \`ignoreStatic: true\`, incremental, two test processes, one folder at a time:

\`\`\`sh
npm run mutation                  # all four folders; or: npm run mutation -- sasl kafka
MUTATE_FOLDER=sasl npx stryker run # one folder by hand (stryker.config.mjs)
\`\`\`

The tests Stryker runs: vitest.stryker.config.ts (unit tests of the four folders, the conformance vectors and the
Wycheproof suite, given ../shared/wycheproof through WYCHEPROOF_DIR by stryker.config.mjs; not the fuzz smoke runs,
which cover nearly every decoder and would rerun for each mutant, nor the integration suites, which test the built
package).

A folder too large for one run is run in parts, a set of its files each
(\`MUTATE_PART=kafka-wire-machines MUTATE_FILES='wire/broker.ts,wire/client.ts'\`), each part with its own report
(reports/mutation/PART.json, gitignored) and incremental file; this report takes each file's result from the last
part, in name order, that mutated it. A file changed after its part ran is rerun incrementally as a later part
(\`kafka-zz-...\`), so every result below is of the code as committed.

Score = killed (or timed out) / (killed + survived + no coverage). "With equivalents" also counts the mutants named
equivalent below, which no test can kill because the mutant behaves as the original. Static mutants (module-level
constants, evaluated once at import) are ignored: each would rerun the whole suite.

| folder | score | with equivalents | killed | survived | equivalent | ignored (static) |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
| **all run** | ${valid === 0 ? 'n/a' : `${((100 * total.detected) / valid).toFixed(2)}%`} | ${valid === 0 ? 'n/a' : `${((100 * (total.detected + total.equivalent)) / valid).toFixed(2)}%`} | ${total.detected} | ${total.undetected} | ${total.equivalent} | ${total.ignored} |

## Surviving mutants

${survivors.length === 0 ? 'None.' : survivors.map((s) => `- \`${s.key}\` → \`${s.replacement}\` (${s.status})${s.reason === undefined ? ' **not yet killed**' : `: equivalent, ${s.reason}`}\n  \`${s.code.replace(/`/g, "'")}\``).join('\n')}
`;
writeFileSync(join(root, 'reports', 'mutation.md'), md);
console.log(`reports/mutation.md: ${rows.length} folders, ${survivors.length} surviving mutants (${total.equivalent} named equivalent)`);
