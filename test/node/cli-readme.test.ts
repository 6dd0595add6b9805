// The README's "Debug a failing OAUTHBEARER setup" block runs as shown, against the built CLI: `npx oauthbearer`
// becomes `node dist/node/cli.js`, port 9092 a free port (other suites may run at the same time), the background
// serve is awaited until its "listening on" line, and --fuzz 1000 becomes --fuzz 50 (the 1000-case run is in
// probe.test.ts). Every command in the block must exit 0 (bash -e).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'dist/node/cli.js');

it('the README debugging walk-through runs as written', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.split('## Debug a failing OAUTHBEARER setup')[1]?.split('\n## ')[0];
  const block = /```sh\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  expect(block).toBeDefined();
  for (const command of ['serve', 'token', 'connect', 'probe', 'decode']) expect(block).toContain(`npx oauthbearer ${command} `);

  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const port = (free.address() as AddressInfo).port;
  await new Promise((resolve) => free.close(resolve));
  const script = block!
    .replaceAll('npx oauthbearer', `node ${JSON.stringify(cli)}`)
    .replaceAll('9092', String(port))
    .replace('--fuzz 1000', '--fuzz 50')
    .replace(/^(node .* serve .*) &$/m, '$1 > serve.log 2>&1 &\nfor i in $(seq 100); do grep -q "^listening on" serve.log && break; sleep 0.1; done');
  const dir = mkdtempSync(join(tmpdir(), 'readme-debug-'));
  try {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, timeout: 90_000, maxBuffer: 16 << 20 }, (err, out, errOut) => {
        if (err !== null) reject(new Error(`${err.message}\nstdout:\n${out}\nstderr:\n${errOut}`));
        else resolve({ stdout: out });
      });
    });
    expect(stdout).toMatch(/^principal +alice$/m); // token
    expect(stdout).toMatch(/authenticated principal="?alice"?/); // connect
    expect(stdout).toMatch(/cases, (\d+) match Kafka's broker, 0 differ$/m); // probe
    expect(stdout).toMatch(/^fuzz seed 7: 50 cases: .* 0 hang, 0 dropped without an answer, 0 invalid accepted, 0 differ, 0 unreachable$/m);
    expect(stdout).toMatch(/^ +claims +\{"sub":"alice",/m); // decode
    const log = readFileSync(join(dir, 'serve.log'), 'utf8');
    expect(log).toMatch(/authenticated principal="alice"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
