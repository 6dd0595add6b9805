// serve as its own process (the built CLI, dist/node/cli.js): the first stdout line is "listening on HOST:PORT",
// and SIGTERM stops it cleanly with exit 0 after "stopped".
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';
import { connectBroker } from '../../src/node/net/client.js';

const root = join(import.meta.dirname, '../..');

it('runs as a process, authenticates a client, and stops on SIGTERM with exit 0', async () => {
  const child = spawn(process.execPath, [join(root, 'dist/node/cli.js'), 'serve', '--listen', '127.0.0.1:0'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      void exited.then((code) => reject(new Error(`serve exited with ${code} before listening`)));
    });
    expect(first).toMatch(/^listening on 127\.0\.0\.1:\d+$/);
    const port = Number(first.split(':')[1]);
    const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'proc' }, Date.now()).value;
    const c = await connectBroker({ host: '127.0.0.1', port, token: () => ({ value: token }) });
    expect((await c.next(10_000))?.type).toBe('authenticated');
    c.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/\n127\.0\.0\.1:\d+ authenticated principal="proc" /);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('stopped');
  } finally {
    clearTimeout(killer);
    child.kill('SIGKILL');
  }
}, 40_000);
