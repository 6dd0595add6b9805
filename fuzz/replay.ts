/**
 * Replays inputs against a target and prints the outcome, the work and the time of each: `npx tsx fuzz/replay.ts
 * <target> <file>...` (a finding from fuzz/findings/, or a corpus entry).
 */
import { readFileSync } from 'node:fs';
import { checkInput } from './engine.js';
import { targetNamed } from './targets.js';

const [name, ...files] = process.argv.slice(2);
const target = targetNamed(name!);
for (const file of files) {
  const input = new Uint8Array(readFileSync(file));
  const times: number[] = [];
  let last: ReturnType<typeof checkInput> | undefined;
  for (let i = 0; i < 5; i++) times.push((last = checkInput(target, input)).ms);
  let outcome = 'returned';
  try {
    target.run(input);
  } catch (e) {
    outcome = e instanceof Error ? `${e.name}${'code' in e ? ` ${String(e.code)}` : ''}: ${e.message.slice(0, 160)}` : String(e);
  }
  console.log(`${file}: ${input.length} bytes, work ${last!.work}, ms min ${Math.min(...times).toFixed(2)} max ${Math.max(...times).toFixed(2)}; ${last!.finding?.kind ?? 'property holds'}; ${outcome}`);
}
