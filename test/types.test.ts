// The built declarations (dist/*.d.ts) as a consumer's compiler sees them: a tiny project that imports
// `oauthbearer`, `oauthbearer/jose`, `oauthbearer/oauth` and `oauthbearer/vectors` by name, type-checked with skipLibCheck off under lib ["es2022"] alone
// (no DOM, no Node types: how edge-worker projects are set up) for each moduleResolution, and with DOM or Node
// types, where the ports' web types are the platform's own (so `fetch` is an HttpPort).
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const CORE = `import { createClient, createServer, authenticateStep, systemClock, webRandom, OAuthBearerError, type HttpPort, type TokenValidator } from 'oauthbearer';
import { createJwtValidator, createWebCryptoPort, createRemoteJwks, type CryptoPort } from 'oauthbearer/jose';
import { createTokenRetriever, clientSecretBasic, type TokenResponse, type Clock } from 'oauthbearer/oauth';
import { runVectorFile, allOps, type VectorFileResult } from 'oauthbearer/vectors';

// A fake HTTP port written against whatever Request/Response the project has.
const http: HttpPort = async (request) => {
  if (request.method !== 'GET') throw new OAuthBearerError('ERR_HTTP', 'unexpected ' + request.url);
  throw new OAuthBearerError('ERR_HTTP', 'no network in this example');
};
const keys = createRemoteJwks({ url: 'https://idp.example/jwks', http, clock: systemClock, sleep: async () => undefined });
const crypto: CryptoPort = createWebCryptoPort();
const validator: TokenValidator = createJwtValidator({ keys, crypto });
const clock: Clock = systemClock;
const retrieve: () => Promise<TokenResponse> = createTokenRetriever({
  tokenEndpoint: 'https://idp.example/token', allowedUrls: ['https://idp.example/token'], grantType: 'client_credentials',
  clientAuth: clientSecretBasic('my-client', 'my-secret'), retry: { backoffMs: 100, backoffMaxMs: 10_000 },
}, { http, clock, random: webRandom, crypto, sleep: async () => undefined });
const client = createClient({ token: 'token' });
export async function step(): Promise<string> {
  const reply = await authenticateStep(createServer({ profile: 'kafka' }), client.start(), { validator, context: { nowMs: 0 } });
  const file: VectorFileResult = await runVectorFile({ format: 'oauthbearer-vectors/1', vectors: [] }, allOps);
  return reply.state + file.passed + (await retrieve()).accessToken;
}
`;

// Where the platform has fetch types, fetch itself is an HttpPort.
const WITH_FETCH = `${CORE}
export const viaFetch: HttpPort = fetch;
`;

type Variant = { name: string; compilerOptions: Record<string, unknown>; source: string };
const es2022 = { lib: ['es2022'], types: [] };
const VARIANTS: Variant[] = [
  { name: 'lib es2022, moduleResolution bundler', compilerOptions: { ...es2022, module: 'esnext', moduleResolution: 'bundler' }, source: CORE },
  { name: 'lib es2022, moduleResolution node16', compilerOptions: { ...es2022, module: 'node16', moduleResolution: 'node16' }, source: CORE },
  { name: 'lib es2022, moduleResolution nodenext', compilerOptions: { ...es2022, module: 'nodenext', moduleResolution: 'nodenext' }, source: CORE },
  // With the platform's types the question is only whether fetch fits: the libraries' own .d.ts are not re-checked.
  { name: 'lib es2022 + DOM, bundler (fetch is an HttpPort)', compilerOptions: { lib: ['es2022', 'dom'], types: [], module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true }, source: WITH_FETCH },
  {
    name: 'lib es2022 + @types/node, nodenext (fetch is an HttpPort)',
    compilerOptions: { lib: ['es2022'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')], module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: true },
    source: WITH_FETCH,
  },
];

async function typecheck(variant: Variant, source: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-consumer-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'oauthbearer'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(dir, 'index.ts'), source);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, ...variant.compilerOptions },
    files: ['index.ts'],
  }));
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', dir], { cwd: dir, timeout: 120_000 });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; message: string };
    return e.stdout !== undefined && e.stdout !== '' ? e.stdout : e.message;
  }
}

describe.concurrent('the declarations in a consumer project', () => {
  it.each(VARIANTS)('type-check under $name', async (variant) => {
    expect(await typecheck(variant, variant.source)).toBe('');
  }, 120_000);
  it('the check can fail: fetch is not an HttpPort without fetch types, and a wrong import is caught', async () => {
    // createJwtValidator lives in oauthbearer/jose since the entry was split by capability.
    const wrong = `import { noSuchExport, createJwtValidator as fromRoot } from 'oauthbearer';\nvoid noSuchExport;\nvoid fromRoot;\n`;
    const output = await typecheck(VARIANTS[0]!, `${WITH_FETCH}\n${wrong}`);
    expect(output).toMatch(/Cannot find name 'fetch'/);
    expect(output).toMatch(/noSuchExport/);
    expect(output).toMatch(/createJwtValidator/);
  }, 120_000);
});
