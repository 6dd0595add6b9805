/**
 * Long fuzz runs (issue 12, item 6): `npm run fuzz -- [--seed] [--runs N] [--minutes M] [target ...]`.
 *
 * Each target runs in a child process watched by this one: the child writes the input under test to a file before
 * each execution and prints a progress line every 256 executions; a child silent for 20 s is stopped and its last
 * input saved as a hang. At the end the child minimizes the corpus (old entries plus what it found) and rewrites
 * fuzz/corpus/<target>/ with the minimized set; findings go to fuzz/findings/<target>/ (not committed: each
 * becomes a vector or a regression test).
 */
import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fuzz, minimize } from './engine.js';
import { allTargets, targetNamed } from './targets.js';
import { corpusDir, inputName, readCorpus, writeSeeds } from './seed.js';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(flag('--runs') ?? 1_000_000_000);
const minutes = Number(flag('--minutes') ?? 3);
const names = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--runs', '--minutes', '--child'].includes(args[i - 1]!)));

function findingsDir(target: string): string {
  return join(root, 'fuzz', 'findings', target);
}

function child(name: string): void {
  const target = targetNamed(name);
  const current = openSync(join(tmpdir(), `oauthbearer-fuzz-${name}.current`), 'w');
  let n = 0;
  const start = Date.now();
  const old = readCorpus(name);
  const result = fuzz(target, {
    runs,
    maxMs: minutes * 60_000,
    seed: Date.now() & 0x7fffffff,
    corpus: old,
    beforeEach(input) {
      ftruncateSync(current);
      writeSync(current, input, 0, input.length, 0);
      if ((++n & 255) === 0) process.stdout.write(`${name}: ${n} executions, ${Math.round((n * 1000) / (Date.now() - start))}/s\n`);
    },
  });
  closeSync(current);
  const kept = minimize(target, [...old, ...result.corpus]);
  const dir = corpusDir(name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const input of kept) writeFileSync(join(dir, inputName(input)), input);
  if (result.findings.length > 0) {
    const fdir = findingsDir(name);
    mkdirSync(fdir, { recursive: true });
    for (const f of result.findings) {
      const base = `${f.kind}-${inputName(f.input)}`;
      writeFileSync(join(fdir, base), f.input);
      writeFileSync(join(fdir, `${base}.txt`), `${f.detail}\n`);
    }
  }
  const summary = { target: name, executions: result.executions, seconds: Math.round((Date.now() - start) / 1000), features: result.features,
    corpusBefore: old.length, corpusAfter: kept.length, findings: result.findings.map((f) => `${f.kind}: ${f.detail.split('\n')[0]}`),
    maxWork: result.maxWork };
  process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
}

async function parent(): Promise<void> {
  if (args.includes('--seed')) writeSeeds();
  const list = names.length > 0 ? names : allTargets.map((t) => t.name);
  const summaries: string[] = [];
  for (const name of list) {
    targetNamed(name);
    const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run.ts'), '--child', name, '--runs', String(runs), '--minutes', String(minutes)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = Date.now();
    let lastLine = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      last = Date.now();
      for (const line of chunk.split('\n')) {
        if (line.startsWith('SUMMARY ')) summaries.push(line.slice(8));
        else if (line !== '') lastLine = line;
      }
    });
    const progress = setInterval(() => {
      if (lastLine !== '') console.log(lastLine);
      if (Date.now() - last > 20_000) {
        const input = readFileSync(join(tmpdir(), `oauthbearer-fuzz-${name}.current`));
        const fdir = findingsDir(name);
        mkdirSync(fdir, { recursive: true });
        writeFileSync(join(fdir, `hang-${inputName(input)}`), input);
        console.log(`${name}: no progress for 20 s; stopped, input saved as a hang (${input.length} bytes)`);
        proc.kill('SIGKILL');
      }
    }, 5_000);
    await new Promise<void>((resolve) => proc.on('exit', () => resolve()));
    clearInterval(progress);
  }
  for (const s of summaries) console.log(s);
  const failed = summaries.filter((s) => (JSON.parse(s) as { findings: unknown[] }).findings.length > 0).length;
  console.log(`${list.length - failed} passed, ${failed} failed`);
}

/** `--minimize`: rewrite each corpus as its minimized set, without fuzzing. */
function minimizeAll(): void {
  for (const name of names.length > 0 ? names : allTargets.map((t) => t.name)) {
    const old = readCorpus(name);
    const kept = minimize(targetNamed(name), old);
    const dir = corpusDir(name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const input of kept) writeFileSync(join(dir, inputName(input)), input);
    console.log(`${name}: ${old.length} → ${kept.length} inputs, ${kept.reduce((n, i) => n + i.length, 0)} bytes`);
  }
}

if (args[0] === '--child') child(args[1]!);
else if (args.includes('--minimize')) minimizeAll();
else await parent();
