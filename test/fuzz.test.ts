// Smoke runs of the coverage-guided fuzz targets (issue 12, item 6): each target replays its committed corpus
// (fuzz/corpus/<target>/) and then runs a fixed number of mutations with a fixed seed, so the run is the same every
// time and bounded by a count, not by the clock. Long runs: `npm run fuzz` (fuzz/README.md).
import { describe, expect, it } from 'vitest';
import { checkInput, fuzz, type FuzzTarget } from '../fuzz/engine.js';
import { allTargets } from '../fuzz/targets.js';
import { readCorpus } from '../fuzz/seed.js';
import { OAuthBearerError } from '../src/errors.js';

/** Mutations per target after the corpus replay. */
const MUTATIONS = 250;

describe.each(allTargets.map((t) => [t.name, t] as const))('fuzz target %s', (name, target) => {
  it('replays its corpus and survives a seeded mutation run: a value or an OAuthBearerError, bounded work', () => {
    const corpus = readCorpus(name);
    expect(corpus.length, `fuzz/corpus/${name} is empty: run npm run fuzz -- --seed`).toBeGreaterThan(0);
    const result = fuzz(target, { runs: corpus.length + MUTATIONS, seed: 12, corpus, slowMs: Number.POSITIVE_INFINITY });
    expect(result.findings.map((f) => `${f.kind}: ${f.detail.split('\n')[0]}`)).toEqual([]);
    expect(result.executions).toBe(corpus.length + MUTATIONS);
    // Coverage reaches the fuzzer: without it the loop would be blind.
    expect(result.features).toBeGreaterThan(20);
  });
});

describe('the fuzz property itself', () => {
  const failing: FuzzTarget = {
    name: 'self-test',
    run: (data) => {
      if (data[0] === 1) throw new TypeError('not ours');
      if (data[0] === 2) throw new OAuthBearerError('ERR_JSON', 'ours');
      if (data[0] === 3) return Promise.resolve(1);
      if (data[0] === 4) throw 'a string';
      return data.length;
    },
  };
  it('reports a foreign exception, a thrown non-error and a returned promise; accepts a value and a typed error', () => {
    expect(checkInput(failing, Uint8Array.of(1)).finding?.kind).toBe('foreign-error');
    expect(checkInput(failing, Uint8Array.of(4)).finding?.kind).toBe('foreign-error');
    expect(checkInput(failing, Uint8Array.of(3)).finding?.kind).toBe('returned-promise');
    expect(checkInput(failing, Uint8Array.of(2)).finding).toBeNull();
    expect(checkInput(failing, Uint8Array.of(0)).finding).toBeNull();
  });
  it('reports work over the target bound, measured as block executions in src/', async () => {
    const { decodeBase64url } = await import('../src/encoding/base64.js');
    const heavy: FuzzTarget = { name: 'heavy', run: (d) => decodeBase64url('QUJD'.repeat(d.length)), maxWork: () => 5 };
    const { finding, work } = checkInput(heavy, new Uint8Array(64));
    expect(work).toBeGreaterThan(5);
    expect(finding?.kind).toBe('excessive-work');
  });
  it('climbs three nested byte comparisons from an empty seed (coverage guides it)', () => {
    // Each matched byte makes a new block run; blind random search for a 3-byte prefix needs ~2^24 tries.
    const needle: FuzzTarget = { name: 'needle', run: (d) => needleCheck(d), maxInputBytes: 16, coverage: /fuzz\.test\.ts/ };
    const result = fuzz(needle, { runs: 3000, seed: 7, corpus: [new Uint8Array(0)] });
    const prefixes = result.corpus.map((c) => String.fromCharCode(...c.subarray(0, 3)));
    expect(prefixes).toContain('FUZ');
    expect(result.corpus.length).toBeLessThan(10);
  });
});

function needleCheck(d: Uint8Array): void {
  if (d[0] === 0x46) {
    if (d[1] === 0x55) {
      if (d[2] === 0x5a) {
        if (d[3] === 0x5a) throw new Error('needle');
      }
    }
  }
}
