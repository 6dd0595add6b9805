// The README's provider examples run as written, against the built package (dist/node/providers/, which package.json
// `exports` names as oauthbearer/kafkajs, /platformatic, /rdkafka), `oauthbearer serve` (KIP-768 validator) and oidc-provider: the README's
// client.properties with the test server's endpoint and client put in, the test CA trusted through
// NODE_EXTRA_CA_CERTS. Each example prints what its comment says, and serve shows the client authenticated with
// the JAAS extension.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startOidcServer, type OidcServer } from '../integration/oidc-server.js';
import { jwtBroker, startServe, type RunningServe } from '../integration/serve-harness.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }));
const properties = blocks.find((b) => b.lang === 'properties' && b.code.includes('sasl.oauthbearer.token.endpoint.url'))!.code;
const examples = ['kafkajs', 'platformatic', 'rdkafka'].map((name) => ({ name, code: blocks.find((b) => b.lang === 'js' && b.code.includes(`from 'oauthbearer/${name}'`))?.code }));
// Inside the package, so that `oauthbearer/...` and the clients resolve from its node_modules.
const dir = join(root, 'node_modules', '.cache', `readme-examples-${process.pid}`);

let oidc: OidcServer;
let serve: RunningServe;
beforeAll(async () => {
  oidc = await startOidcServer();
  serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'client.properties'), properties
    .replaceAll('https://idp.example/token', oidc.tokenEndpoint).replace('"my-app"', '"basic-client"').replace('"my-secret"', `"${SECRET}"`));
}, 30_000);
afterAll(async () => {
  await serve?.stop();
  await oidc?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the example until it prints a line, then stops it (clients keep their sockets open). */
function runUntilFirstLine(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BROKER: serve.address, NODE_EXTRA_CA_CERTS: oidc.file('ca.crt') },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the example printed nothing in 20 s; stderr:\n${err}`));
    }, 20_000);
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const i = out.indexOf('\n');
      if (i >= 0) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(out.slice(0, i));
      }
    });
    child.on('exit', (code) => {
      if (!out.includes('\n')) {
        clearTimeout(timer);
        reject(new Error(`the example exited (${code}) without output; stderr:\n${err}`));
      }
    });
  });
}

describe('README provider examples', () => {
  it.each(examples)('$name: five lines or fewer; prints what its comment says; serve authenticates it', async ({ name, code }) => {
    expect(code).toBeDefined();
    const lines = code!.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(5);
    const promised = /console\.log\(.*\/\/ (.*)$/m.exec(code!)?.[1];
    expect(promised).toBeDefined();
    const file = join(dir, `${name}.mjs`);
    // As readme.test.ts does: the package's own entry, built (npm test builds first).
    const entry = pathToFileURL(join(root, 'dist', 'node', 'providers', `${name}.js`)).href;
    writeFileSync(file, code!.replace(`from 'oauthbearer/${name}'`, `from '${entry}'`));
    const from = serve.lines.length;
    expect(await runUntilFirstLine(file)).toBe(promised);
    const line = await serve.waitFor(/ authenticated principal="basic-client"/, 10_000, from);
    // node-rdkafka 3.x sets tokens without extensions (NodeSetToken passes an empty list), so none arrive.
    expect(line).toContain(name === 'rdkafka' ? 'extensions={}' : 'extensions={"traceId":"abc"}');
  }, 30_000);
});
