// Metadata discovery (OpenID Connect Discovery §4, RFC 8414 §3) on fake ports: each refusal's exact message and
// kept cause (issuer and URL checks, HTTP status without a body, size limit, not JSON, not an object, issuer
// mismatch, jwks_uri and token_endpoint), the Accept header, the request's deadline signal and the messages of a
// failed or timed-out request, and the deadline released when discovery ends.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { discover, discoveryRequest, MAX_METADATA_BYTES, metadataUrl, processDiscoveryResponse } from '../../src/jose/discovery.js';
import { fakeTime, never } from '../faults/fake-time.js';
import { caught } from '../helpers.js';

const ISSUER = 'https://idp.example/realms/kafka';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
const meta = (extra: Record<string, unknown> = {}) => ({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, ...extra });

const thrown = caught;

async function rejection(p: Promise<unknown>): Promise<OAuthBearerError> {
  const e = await p.then(() => null, (error: unknown) => error);
  expect(e).toBeInstanceOf(OAuthBearerError);
  return e as OAuthBearerError;
}

describe('metadataUrl and discoveryRequest', () => {
  it('an issuer that is not a URL is named, with the parser\'s error as cause; a non-https one names allowHttp', () => {
    const notUrl = thrown(() => metadataUrl('idp.example'));
    expect([notUrl.code, notUrl.message]).toEqual(['ERR_DISCOVERY', 'The issuer is not a URL']);
    expect(notUrl.cause).toBeInstanceOf(TypeError);
    const http = thrown(() => metadataUrl('http://idp.example'));
    expect([http.message, http.cause]).toEqual(['The issuer must be an https URL (RFC 8414 §2); set allowHttp only for tests', undefined]);
    expect(metadataUrl('http://127.0.0.1:8080', { allowHttp: true })).toBe('http://127.0.0.1:8080/.well-known/openid-configuration');
  });

  it('refuses an issuer with a query or fragment, even an empty one', () => {
    for (const issuer of ['https://idp.example?', 'https://idp.example/?', 'https://idp.example#', 'https://idp.example/t?a=1', 'https://idp.example/t#x']) {
      expect(thrown(() => metadataUrl(issuer)).message).toBe('The issuer must not have a query or fragment (RFC 8414 §2)');
    }
  });

  it('asks for JSON', () => {
    const request = discoveryRequest(ISSUER);
    expect(request.url).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(request.headers.get('accept')).toBe('application/json');
  });
});

describe('processDiscoveryResponse', () => {
  it('an error status without a body names the status', async () => {
    const e = await rejection(processDiscoveryResponse(new Response(null, { status: 404 }), ISSUER));
    expect([e.code, e.message]).toEqual(['ERR_DISCOVERY', 'The metadata endpoint answered HTTP 404; expected 200 (RFC 8414 §3.2)']);
  });

  it('a document over the limit names the metadata and the limit', async () => {
    const big = new Response('{}', { headers: { 'content-length': String(MAX_METADATA_BYTES + 1) } });
    const e = await rejection(processDiscoveryResponse(big, ISSUER));
    expect([e.code, e.message]).toEqual(['ERR_INPUT_TOO_LARGE', `The authorization server metadata is ${MAX_METADATA_BYTES + 1} bytes; the limit is ${MAX_METADATA_BYTES}`]);
  });

  it('a document that is not JSON keeps the parser\'s reason, naming the metadata, as cause', async () => {
    const e = await rejection(processDiscoveryResponse(new Response('{"issuer":'), ISSUER));
    expect([e.code, e.message]).toEqual(['ERR_DISCOVERY', 'The authorization server metadata is not JSON (RFC 8414 §3.2)']);
    expect(e.cause).toBeInstanceOf(OAuthBearerError);
    expect((e.cause as Error).message).toContain('authorization server metadata');
  });

  it('JSON that is not an object is refused as such', async () => {
    const e = await rejection(processDiscoveryResponse(json([meta()]), ISSUER));
    expect(e.message).toBe('The authorization server metadata must be a JSON object (RFC 8414 §3.2)');
  });

  it('an issuer that is not identical says what to check', async () => {
    const e = await rejection(processDiscoveryResponse(json(meta({ issuer: `${ISSUER}/` })), ISSUER));
    expect(e.message).toBe('The metadata "issuer" is not identical to the issuer asked for (RFC 8414 §3.3); check the configured issuer URL, trailing slash included');
  });

  it('jwks_uri must be a string and an https URL, named as such', async () => {
    expect((await rejection(processDiscoveryResponse(json(meta({ jwks_uri: 5 })), ISSUER))).message).toBe('The metadata has no "jwks_uri" string (RFC 8414 §2)');
    expect((await rejection(processDiscoveryResponse(json(meta({ jwks_uri: 'http://idp.example/jwks' })), ISSUER))).message)
      .toBe('The jwks_uri must be an https URL (RFC 8414 §2); set allowHttp only for tests');
  });

  it('token_endpoint is optional; when present it must be a string and an https URL', async () => {
    expect((await processDiscoveryResponse(json(meta()), ISSUER)).tokenEndpoint).toBeNull();
    expect((await rejection(processDiscoveryResponse(json(meta({ token_endpoint: 5 })), ISSUER))).message).toBe('The metadata "token_endpoint" must be a string (RFC 8414 §2)');
    expect((await rejection(processDiscoveryResponse(json(meta({ token_endpoint: 'http://idp.example/token' })), ISSUER))).message)
      .toBe('The token_endpoint must be an https URL (RFC 8414 §2); set allowHttp only for tests');
    expect((await processDiscoveryResponse(json(meta({ token_endpoint: 'http://idp.example/token' })), ISSUER, { allowHttp: true })).tokenEndpoint).toBe('http://idp.example/token');
  });
});

describe('discover', () => {
  it('names a bad timeout setting', async () => {
    await expect(discover(ISSUER, never, { connectTimeoutMs: -1 })).rejects.toThrow(/^connectTimeoutMs must be a whole number/);
    await expect(discover(ISSUER, never, { readTimeoutMs: 0.5 })).rejects.toThrow(/^readTimeoutMs must be a whole number/);
  });

  it('a failed request is ERR_HTTP naming the cause without its text; the port\'s own errors pass as they are', async () => {
    const e = await rejection(discover(ISSUER, () => Promise.reject(new TypeError('fetch failed: https://idp.example/?secret=1'))));
    expect([e.code, e.message]).toEqual(['ERR_HTTP', 'The metadata request failed (TypeError); check the issuer URL, the TLS trust and the network']);
    expect((e.cause as Error).message).toBe('TypeError');
    const own = new OAuthBearerError('ERR_HTTP', 'the port says no');
    expect(await discover(ISSUER, () => Promise.reject(own)).catch((error: unknown) => error)).toBe(own);
  });

  it('a request whose limit has already passed when it starts is a timeout, whatever the port then throws', async () => {
    const e = await rejection(discover(ISSUER, () => { throw new TypeError('port broke'); }, { timeout: () => AbortSignal.abort() }));
    expect(e.code).toBe('ERR_HTTP_TIMEOUT');
  });

  it('gives the request the deadline\'s signal, times out naming the settings, and releases the deadline when done', async () => {
    const time = fakeTime();
    const requests: Request[] = [];
    const stalled = discover(ISSUER, (r) => { requests.push(r as Request); return never(); }, { timeout: time.timeout, connectTimeoutMs: 1000, readTimeoutMs: 2000 });
    const failed = rejection(stalled);
    await time.advance(3000);
    const e = await failed;
    expect([e.code, e.message]).toEqual(['ERR_HTTP_TIMEOUT', 'The metadata request timed out: the whole attempt (headers and body) took longer than 3000 ms; raise connectTimeoutMs / readTimeoutMs or check the endpoint']);
    expect(requests[0]!.signal.aborted).toBe(true);

    const answered: Request[] = [];
    const result = await discover(ISSUER, async (r) => { answered.push(r as Request); return json(meta()); }, { timeout: time.timeout, connectTimeoutMs: 1000, readTimeoutMs: 2000 });
    expect(result.jwksUri).toBe(`${ISSUER}/jwks`);
    await time.advance(5000);
    expect(answered[0]!.signal.aborted).toBe(false);
  });
});
