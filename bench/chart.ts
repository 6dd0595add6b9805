/**
 * Draws bench/chart.svg from the targets the benchmarks wrote to bench/out/*.json: one row per target, the
 * per-round ratio's median (dot) and p25–p75 (bar) divided by its target, so that every target sits on the same
 * line at 1.0; left of it is met. Rows without a numeric target are left out (they are reported in RESULTS.md).
 * Run: npx tsx bench/chart.ts
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TargetRow } from './targets.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = process.env.BENCH_OUT ?? join(here, 'out');
const files = readdirSync(outDir).filter((f) => f.endsWith('.json')).sort();
const rows: TargetRow[] = [];
const seeds = new Set<number>();
for (const f of files) {
  const data = JSON.parse(readFileSync(join(outDir, f), 'utf8')) as { seed?: number; targets?: TargetRow[] };
  if (data.seed !== undefined) seeds.add(data.seed);
  for (const t of data.targets ?? []) if (t.target !== null && Number.isFinite(t.target)) rows.push(t);
}
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const labelWidth = 470;
const plotWidth = 420;
const rowHeight = 22;
const top = 56;
const maxX = 2.5; // ratio / target shown up to 2.5; beyond, the bar is clipped with an arrow
const x = (v: number): number => labelWidth + (Math.min(v, maxX) / maxX) * plotWidth;
const height = top + rows.length * rowHeight + 40;
const width = labelWidth + plotWidth + 150;
const parts: string[] = [];
parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
parts.push(`<rect width="100%" height="100%" fill="white"/>`);
parts.push(`<text x="10" y="20" font-size="15" font-weight="bold">oauthbearer benchmarks: measured ratio ÷ target (≤ 1 meets the target)</text>`);
parts.push(`<text x="10" y="38" fill="#555">dot: median of per-round ratios; bar: p25–p75; seed ${[...seeds].join(', ')}; from bench/out/*.json</text>`);
for (const tick of [0, 0.5, 1, 1.5, 2, 2.5]) {
  parts.push(`<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 34}" stroke="${tick === 1 ? '#222' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"${tick === 1 ? '' : ''}/>`);
  parts.push(`<text x="${x(tick)}" y="${height - 20}" text-anchor="middle" fill="#555">${tick === 1 ? 'target' : `${tick}×`}</text>`);
}
rows.forEach((r, i) => {
  const y = top + i * rowHeight + rowHeight / 2;
  const met = r.ratio.median <= r.target;
  const color = met ? '#1a7f37' : '#cf222e';
  const lo = r.ratio.p25 / r.target;
  const hi = r.ratio.p75 / r.target;
  const mid = r.ratio.median / r.target;
  if (i % 2 === 0) parts.push(`<rect x="0" y="${y - rowHeight / 2}" width="${width}" height="${rowHeight}" fill="#f6f8fa"/>`);
  parts.push(`<text x="${labelWidth - 8}" y="${y + 4}" text-anchor="end">${escape(r.label)}</text>`);
  parts.push(`<rect x="${x(lo)}" y="${y - 4}" width="${Math.max(1, x(hi) - x(lo))}" height="8" fill="${color}" opacity="0.35"/>`);
  parts.push(`<circle cx="${x(mid)}" cy="${y}" r="4.5" fill="${color}"/>`);
  if (mid > maxX) parts.push(`<text x="${x(maxX) + 4}" y="${y + 4}" fill="${color}">→</text>`);
  parts.push(`<text x="${labelWidth + plotWidth + 14}" y="${y + 4}" fill="${color}">${r.ratio.median.toFixed(2)} vs ≤ ${Number(r.target.toFixed(2))} ${met ? 'met' : 'missed'}</text>`);
});
parts.push('</svg>');
writeFileSync(join(here, 'chart.svg'), `${parts.join('\n')}\n`);
console.log(`bench/chart.svg: ${rows.length} targets from ${files.join(', ')}`);
