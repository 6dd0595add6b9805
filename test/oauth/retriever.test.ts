// Fault tests of the token retriever through its HTTP port: Kafka's Retry (kafka-java.md §7), timeouts, bounded
// reads, typed errors, and no secret in any message. The fake fetch stands in for a misbehaving server; the clock
// and sleep are fake so the waits are asserted, not slept.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { CryptoPort } from '../../src/ports.js';
import { webRandom } from '../../src/ports.js';
import { createTokenRetriever, type TokenRetrieverConfig } from '../../src/oauth/retriever.js';
import { clientSecretBasic } from '../../src/oauth/client-auth.js';

const SECRET = 'sup3r-s3cret-value';
const ENDPOINT = 'https://idp.example.com/oauth2/token';

const noCrypto: CryptoPort = {
  importPublicJwk: () => { throw new Error('not used'); },
  importPrivateKey: () => { throw new Error('not used'); },
  verify: () => { throw new Error('not used'); },
  sign: () => { throw new Error('not used'); },
  sha256: () => { throw new Error('not used'); },
};

type Answer = Response | Error | 'hang';

function harness(answers: Answer[], retry = { backoffMs: 100, backoffMaxMs: 10_000 }, extra: Partial<TokenRetrieverConfig> = {}) {
  let now = 1_700_000_000_000;
  const sleeps: number[] = [];
  const requests: Request[] = [];
  const config: TokenRetrieverConfig = {
    tokenEndpoint: ENDPOINT, allowedUrls: [ENDPOINT], grantType: 'client_credentials',
    clientAuth: clientSecretBasic('my-client', SECRET), scope: 'kafka', retry, ...extra,
  };
  const retrieve = createTokenRetriever(config, {
    clock: { nowMs: () => now },
    sleep: async (ms) => { sleeps.push(ms); now += ms; },
    random: webRandom,
    crypto: noCrypto,
    http: async (request) => {
      requests.push(request);
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      if (answer === 'hang') {
        return new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });
      }
      if (answer instanceof Error) throw answer;
      return answer.clone();
    },
  });
  return { retrieve, sleeps, requests, advance: (ms: number) => { now += ms; } };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const GOOD = json(200, { access_token: 'eyJ.tok.sig', token_type: 'Bearer', expires_in: 3600 });

async function failure(p: Promise<unknown>): Promise<OAuthBearerError> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OAuthBearerError);
  const e = error as OAuthBearerError;
  // No secret anywhere in the message or its causes.
  let cursor: unknown = e;
  for (let depth = 0; cursor instanceof Error && depth < 5; depth++, cursor = cursor.cause) {
    expect(cursor.message).not.toContain(SECRET);
    expect(cursor.message).not.toContain(btoa(`my-client:${SECRET}`));
  }
  return e;
}

describe('token retriever: retry (Kafka Retry)', () => {
  it('sends the Kafka request and returns the token', async () => {
    const h = harness([GOOD]);
    const token = await h.retrieve();
    expect(token.accessToken).toBe('eyJ.tok.sig');
    expect(token.expiresAtMs).toBe(1_700_000_000_000 + 3_600_000);
    expect(h.requests).toHaveLength(1);
    const req = h.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers.get('authorization')).toBe(`Basic ${btoa(`my-client:${SECRET}`)}`);
    expect(req.headers.get('accept')).toBe('application/json');
    expect(await req.text()).toBe('grant_type=client_credentials&scope=kafka');
  });

  it('retries 500s with backoff × 2^(n-1) and then succeeds', async () => {
    const h = harness([json(500, {}), json(502, {}), GOOD]);
    expect((await h.retrieve()).accessToken).toBe('eyJ.tok.sig');
    expect(h.requests).toHaveLength(3);
    expect(h.sleeps).toEqual([100, 200]);
  });

  it('spends at most backoff.max.ms in total, cuts the last wait to the deadline, reports the FIRST error', async () => {
    const h = harness([json(503, { error: 'first' }), json(500, {})], { backoffMs: 100, backoffMaxMs: 1000 });
    const e = await failure(h.retrieve());
    expect(h.sleeps).toEqual([100, 200, 400, 300]);
    expect(h.requests).toHaveLength(5);
    expect(e.code).toBe('ERR_TOKEN_ENDPOINT');
    expect(e.message).toContain('HTTP 503');
  });

  it('does not retry 400 invalid_client and reports that status', async () => {
    const h = harness([json(400, { error: 'invalid_client', error_description: 'bad client' }), GOOD]);
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_TOKEN_ENDPOINT');
    expect(e.status).toBe('invalid_client');
    expect(h.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it.each([401, 403, 404, 405, 413, 501, 505])('does not retry HTTP %i', async (status) => {
    const h = harness([json(status, {}), GOOD]);
    await failure(h.retrieve());
    expect(h.requests).toHaveLength(1);
  });

  it.each([408, 429, 502, 504, 202, 204])('retries HTTP %i', async (status) => {
    const h = harness([new Response(null, { status }), GOOD]);
    expect((await h.retrieve()).accessToken).toBe('eyJ.tok.sig');
    expect(h.requests).toHaveLength(2);
  });

  it('retries a network failure, and reports it as ERR_HTTP when it persists', async () => {
    const ok = harness([new TypeError('fetch failed'), GOOD]);
    expect((await ok.retrieve()).accessToken).toBe('eyJ.tok.sig');
    const bad = harness([new TypeError('fetch failed')], { backoffMs: 10, backoffMaxMs: 50 });
    const e = await failure(bad.retrieve());
    expect(e.code).toBe('ERR_HTTP');
    expect(bad.sleeps).toEqual([10, 20, 20]);
  });

  it('retries an empty 200 (Kafka: IOException inside Retry)', async () => {
    const h = harness([new Response('', { status: 200 }), GOOD]);
    expect((await h.retrieve()).accessToken).toBe('eyJ.tok.sig');
    expect(h.requests).toHaveLength(2);
  });

  it('does not retry a blank (whitespace-only) 200 body: Kafka parses it after Retry', async () => {
    const h = harness([new Response(' \n', { status: 200 }), GOOD]);
    const e = await failure(h.retrieve());
    expect(e).toMatchObject({ code: 'ERR_TOKEN_RESPONSE', status: 'invalid_response' });
    expect(h.requests).toHaveLength(1);
  });

  it('does not follow redirects (the allow-list never saw the target), retries the 3xx as Kafka retries it', async () => {
    const h = harness([new Response(null, { status: 302, headers: { location: 'https://evil.example/token' } }), GOOD]);
    expect((await h.retrieve()).accessToken).toBe('eyJ.tok.sig');
    expect(h.requests.map((r) => [r.redirect, r.url])).toEqual([['manual', ENDPOINT], ['manual', ENDPOINT]]);
  });

  it('does not retry a non-JSON 200 body: ERR_TOKEN_RESPONSE invalid_response', async () => {
    const h = harness([new Response('<html>login page</html>', { status: 200 }), GOOD]);
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_TOKEN_RESPONSE');
    expect(e.status).toBe('invalid_response');
    expect(h.requests).toHaveLength(1);
  });

  it('stops reading a 10 MiB body at the 1 MiB limit with a clear error', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const huge = () => new Response(new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 10 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }), { status: 200 });
    const h = harness([huge()]);
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_TOKEN_RESPONSE');
    expect(e.message).toContain('larger than 1048576 bytes');
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    expect(h.requests).toHaveLength(1);
  });

  it('refuses a declared Content-Length over the limit without reading', async () => {
    const h = harness([new Response('{}', { status: 200, headers: { 'content-length': String(10 * 1024 * 1024) } })]);
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_TOKEN_RESPONSE');
  });

  it('times out a hanging endpoint (connect + read timeout) and retries within the budget', async () => {
    const h = harness(['hang'], { backoffMs: 0, backoffMaxMs: 0 }, { connectTimeoutMs: 20, readTimeoutMs: 30 });
    const started = Date.now();
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_HTTP_TIMEOUT');
    expect(e.message).toContain('50 ms');
    expect(Date.now() - started).toBeLessThan(5000);
    const again = harness(['hang', GOOD], { backoffMs: 5, backoffMaxMs: 1000 }, { connectTimeoutMs: 20, readTimeoutMs: 30 });
    expect((await again.retrieve()).accessToken).toBe('eyJ.tok.sig');
    expect(again.sleeps).toEqual([5]);
  });

  it('times out a body that stalls after the headers (read timeout)', async () => {
    const stalled = new Response(new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('{"access')); } }), { status: 200 });
    const h = harness([stalled], { backoffMs: 0, backoffMaxMs: 0 }, { readTimeoutMs: 30 });
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_HTTP_TIMEOUT');
  });

  it('redacts a secret a server echoes back in its error description', async () => {
    const h = harness([json(401, { error: 'invalid_client', error_description: `secret ${SECRET} is wrong` })]);
    const e = await failure(h.retrieve());
    expect(e.status).toBe('invalid_client');
    expect(e.message).toContain('[redacted]');
  });

  it('refuses an endpoint that is not on the allow-list before any request', () => {
    expect(() => createTokenRetriever({
      tokenEndpoint: ENDPOINT, allowedUrls: [], grantType: 'client_credentials',
      clientAuth: clientSecretBasic('c', SECRET), retry: { backoffMs: 100, backoffMaxMs: 10_000 },
    }, { http: () => { throw new Error('must not be called'); }, clock: { nowMs: () => 0 }, sleep: async () => undefined, random: webRandom, crypto: noCrypto }))
      .toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
  });

  it('does not retry a typed refusal from the HTTP port itself (an allow-listed port)', async () => {
    const h = harness([new OAuthBearerError('ERR_URL_NOT_ALLOWED', 'not allowed'), GOOD]);
    const e = await failure(h.retrieve());
    expect(e.code).toBe('ERR_URL_NOT_ALLOWED');
    expect(h.requests).toHaveLength(1);
  });

  it('refuses retry settings Kafka refuses (max < backoff)', () => {
    expect(() => harness([GOOD], { backoffMs: 500, backoffMaxMs: 100 })).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
  });
});
