// Credential files re-read on change (Kafka 4.1+ CachedFile, KIP-1139/KIP-1258): the assertion file and the
// private key file are replaced while a client keeps requesting tokens; the next request uses the new one; a
// truncated, empty or missing file mid-rotation keeps the last good one; no good one ever is a clear ERR_FILE.
import { generateKeyPairSync, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaTokenRetriever } from '../../src/node/token-retriever.js';
import { fileAssertionSource } from '../../src/node/files.js';
import { decodeBase64url } from '../../src/encoding/base64.js';

const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-rotation-'));
let server: Server;
let endpoint: string;
const seen: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push(new URLSearchParams(body));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: `token-${seen.length}`, token_type: 'Bearer' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces a file as deployment tools do: write a temporary file, rename it over the old one. */
function replace(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const jwt = (n: number) => `eyJhbGciOiJSUzI1NiJ9.eyJuIjo${'x'.repeat(n)}.c2lnLSR7bn0`;

describe('assertion file rotation (sasl.oauthbearer.assertion.file)', () => {
  it('uses the new assertion on the next request and survives a truncated, empty or missing file', async () => {
    const path = join(dir, 'assertion.jwt');
    replace(path, `${jwt(1)}\n`);
    const retrieve = kafkaTokenRetriever(new Map([
      ['sasl.oauthbearer.token.endpoint.url', endpoint],
      ['sasl.oauthbearer.assertion.file', path],
      ['sasl.oauthbearer.client.credentials.client.id', 'svc'],
    ]), new Map(), { allowedUrls: endpoint, allowedFiles: path });
    const lastAssertion = () => seen.at(-1)!.get('client_assertion');

    await retrieve();
    expect(lastAssertion()).toBe(jwt(1));
    expect(seen.at(-1)!.get('client_id')).toBe('svc');
    replace(path, jwt(2));
    await retrieve();
    expect(lastAssertion()).toBe(jwt(2));
    writeFileSync(path, jwt(3).slice(0, 20)); // half-written in place
    await retrieve();
    expect(lastAssertion()).toBe(jwt(2));
    writeFileSync(path, '');
    await retrieve();
    expect(lastAssertion()).toBe(jwt(2));
    rmSync(path);
    await retrieve();
    expect(lastAssertion()).toBe(jwt(2));
    replace(path, jwt(4));
    await retrieve();
    expect(lastAssertion()).toBe(jwt(4));
  });

  it('refuses a credential file that is not on the file allow-list (Kafka allowed.files, default none)', () => {
    const props = new Map([['sasl.oauthbearer.token.endpoint.url', endpoint], ['sasl.oauthbearer.assertion.file', 'relative/assertion.jwt']]);
    expect(() => kafkaTokenRetriever(props, new Map(), { allowedUrls: endpoint })).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    expect(() => kafkaTokenRetriever(props, new Map(), { allowedUrls: endpoint, allowedFiles: 'relative/assertion.jwt' })).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    expect(() => kafkaTokenRetriever(props, new Map(), { allowedUrls: endpoint, allowedFiles: join(process.cwd(), 'relative/assertion.jwt') })).not.toThrow();
  });

  it('reads the file only when it changed', async () => {
    const path = join(dir, 'counted.jwt');
    replace(path, jwt(5));
    const source = fileAssertionSource(path);
    for (let i = 0; i < 5; i++) expect(await source.current()).toBe(jwt(5));
    expect(source.loads).toBe(1);
    replace(path, jwt(6));
    expect(await source.current()).toBe(jwt(6));
    expect(source.loads).toBe(2);
    writeFileSync(path, 'garbage');
    expect(await source.current()).toBe(jwt(6));
    expect(source.lastProblem?.code).toBe('ERR_FILE');
  });

  it('never a good assertion: a clear ERR_FILE naming the setting and the file', async () => {
    const missing = fileAssertionSource(join(dir, 'missing.jwt'));
    await expect(missing.current()).rejects.toMatchObject({ code: 'ERR_FILE', message: expect.stringMatching(/sasl\.oauthbearer\.assertion\.file.*missing\.jwt.*ENOENT/) });
    const emptyPath = join(dir, 'empty.jwt');
    writeFileSync(emptyPath, '  \n');
    await expect(fileAssertionSource(emptyPath).current()).rejects.toMatchObject({ code: 'ERR_FILE', message: expect.stringContaining('empty') });
  });
});

describe('private key file rotation (sasl.oauthbearer.assertion.private.key.file)', () => {
  it('signs with the new key after the file is replaced, and keeps the old key through a half-written file', async () => {
    const path = join(dir, 'key.pem');
    const keys = [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ec', { namedCurve: 'P-256' })];
    const pem = (k: KeyObject) => k.export({ format: 'pem', type: 'pkcs8' }) as string;
    replace(path, pem(keys[0]!.privateKey));
    const retrieve = kafkaTokenRetriever(new Map([
      ['sasl.oauthbearer.token.endpoint.url', endpoint],
      ['sasl.oauthbearer.jwt.retriever.class', 'org.apache.kafka.common.security.oauthbearer.JwtBearerJwtRetriever'],
      ['sasl.oauthbearer.assertion.private.key.file', path],
      ['sasl.oauthbearer.assertion.algorithm', 'es256'],
      ['sasl.oauthbearer.assertion.claim.iss', 'svc'],
      ['sasl.oauthbearer.assertion.claim.sub', 'svc'],
      ['sasl.oauthbearer.assertion.claim.aud', endpoint],
    ]), new Map(), { allowedUrls: endpoint, allowedFiles: path });
    const signer = (): number => {
      const assertion = seen.at(-1)!.get('assertion')!;
      const [h, p, s] = assertion.split('.');
      const data = Buffer.from(`${h}.${p}`);
      const sig = decodeBase64url(s!);
      return keys.findIndex((k) => nodeVerify('sha256', data, { key: k.publicKey, dsaEncoding: 'ieee-p1363' }, sig));
    };
    await retrieve();
    expect(seen.at(-1)!.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(signer()).toBe(0);
    const next = pem(keys[1]!.privateKey);
    writeFileSync(path, next.slice(0, next.length / 2)); // a writer caught mid-write
    await retrieve();
    expect(signer()).toBe(0);
    writeFileSync(path, next);
    await retrieve();
    expect(signer()).toBe(1);
  });
});

describe('file: token URL (Kafka FileJwtRetriever)', () => {
  it('returns the trimmed token, re-reads it when it changes, and checks the URL allow-list', async () => {
    const path = join(dir, 'token.jwt');
    replace(path, `  ${jwt(7)}\n`);
    const url = `file://${path}`;
    expect(() => kafkaTokenRetriever(new Map([['sasl.oauthbearer.token.endpoint.url', url]]))).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    const retrieve = kafkaTokenRetriever(new Map([['sasl.oauthbearer.token.endpoint.url', url]]), new Map(), { allowedUrls: url });
    expect((await retrieve()).accessToken).toBe(jwt(7));
    replace(path, jwt(8));
    expect((await retrieve()).accessToken).toBe(jwt(8));
  });
});
