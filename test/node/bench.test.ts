// `oauthbearer bench` against `oauthbearer serve` on loopback: short runs bounded by --count, whose counts must add
// up, with nothing failed; and against a closed port, where every attempt fails with the socket's error.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { command as bench } from '../../src/node/cli/bench.js';
import { recordingIO, startServe, tempDir, type ServeRun } from './serve-harness.js';
import type { BenchReport } from '../../src/node/cli/bench.js';

const running: ServeRun[] = [];
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function runBench(argv: string[]): Promise<{ code: number; report: BenchReport; io: ReturnType<typeof recordingIO> }> {
  const io = recordingIO();
  const code = await bench.run([...argv, '--json'], io);
  expect(io.errLines.filter((l) => l !== '')).toEqual([]);
  return { code, report: JSON.parse(io.lines[0]!) as BenchReport, io };
}

describe('oauthbearer bench against serve', () => {
  it('new connections: every started authentication succeeds and the counts add up', async () => {
    const broker = await startServe(['--listen', '127.0.0.1:0']);
    running.push(broker);
    const { code, report } = await runBench([`127.0.0.1:${broker.port}`, '--connections', '4', '--count', '60', '--duration', '20', '--principal', 'loadtest']);
    expect(report.errors).toEqual({});
    expect(report.started).toBe(60);
    expect(report.ok + report.failed + report.unfinished).toBe(report.started);
    expect(report.ok).toBe(60);
    expect(report.connectionsOpened).toBe(60);
    expect(report.latencyMs!.p50).toBeGreaterThan(0);
    expect(report.latencyMs!.p50).toBeLessThanOrEqual(report.latencyMs!.p99);
    expect(report.latencyMs!.p99).toBeLessThanOrEqual(report.latencyMs!.max);
    expect(code).toBe(0);
    // The broker saw the same authentications, for the principal the tokens name.
    await broker.io.waitFor(/principal="loadtest"/);
    expect(broker.io.lines.filter((l) => / authenticated principal="loadtest"/.test(l)).length).toBe(60);
  }, 30_000);

  it('re-authentication on open connections, at the broker\'s KIP-368 pace', async () => {
    const d = tempDir();
    dirs.push(d);
    const broker = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('broker.properties', 'connections.max.reauth.ms=1200\n')]);
    running.push(broker);
    const { code, report } = await runBench([`127.0.0.1:${broker.port}`, '--mode', 'reauth', '--connections', '3', '--count', '6', '--duration', '20']);
    expect(report.errors, JSON.stringify(report)).toEqual({});
    expect(report.started, JSON.stringify(report)).toBe(6);
    expect(report.ok + report.failed + report.unfinished).toBe(6);
    expect(report.ok).toBe(6);
    expect(report.connectionsOpened).toBe(3);
    expect(code).toBe(0);
    expect(broker.io.lines.filter((l) => / re-authenticated /.test(l)).length).toBe(6);
  }, 30_000);

  it('counts a refused connection as an error by kind and exits 1', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const { code, report } = await runBench([`127.0.0.1:${port}`, '--connections', '2', '--count', '5', '--duration', '10']);
    expect(report.ok).toBe(0);
    expect(report.failed).toBe(5);
    expect(report.errors).toEqual({ 'socket ECONNREFUSED': 5 });
    expect(code).toBe(1);
  }, 20_000);

  it('refuses a non-loopback broker without --allow-remote, and bad numbers, as usage errors', async () => {
    for (const argv of [['192.0.2.1:9092'], ['--connections', '0'], ['--mode', 'fast'], ['--mode', 'reauth', '--rate', '5']]) {
      const io = recordingIO();
      expect(await bench.run(argv, io)).toBe(2);
      expect(io.errLines[0]).toMatch(/^bench: /);
    }
  });
});
