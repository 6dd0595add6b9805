// Metadata discovery (OpenID Connect Discovery §4, RFC 8414 §3) against a real node:http server on 127.0.0.1:
// both well-known paths, the identical-issuer rule (RFC 8414 §3.3), and refusals of bad answers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { discover, metadataUrl, processDiscoveryResponse } from '../../src/jose/discovery.js';

let server: Server;
let origin: string;
const seen: string[] = [];
let answer: (path: string) => { status: number; body: string } = () => ({ status: 404, body: '' });

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url!);
    const { status, body } = answer(req.url!);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
}));

const http = (r: Request) => fetch(r);
const meta = (issuer: string, extra: Record<string, unknown> = {}) => JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token`, ...extra });

describe('metadataUrl', () => {
  it('appends for OIDC, inserts for RFC 8414, and refuses non-https, query and fragment', () => {
    expect(metadataUrl('https://idp.example/tenant')).toBe('https://idp.example/tenant/.well-known/openid-configuration');
    expect(metadataUrl('https://idp.example/tenant/')).toBe('https://idp.example/tenant/.well-known/openid-configuration');
    expect(metadataUrl('https://idp.example')).toBe('https://idp.example/.well-known/openid-configuration');
    expect(metadataUrl('https://idp.example/tenant', { kind: 'oauth-authorization-server' })).toBe('https://idp.example/.well-known/oauth-authorization-server/tenant');
    expect(metadataUrl('https://idp.example', { kind: 'oauth-authorization-server' })).toBe('https://idp.example/.well-known/oauth-authorization-server');
    for (const bad of ['http://idp.example', 'https://idp.example?x=1', 'https://idp.example#f', 'idp.example']) {
      expect(() => metadataUrl(bad)).toThrow(OAuthBearerError);
    }
  });
});

describe('discover against a real server', () => {
  it('reads issuer, jwks_uri and token_endpoint from /.well-known/openid-configuration', async () => {
    const issuer = `${origin}/realms/kafka`;
    answer = (path) => (path === '/realms/kafka/.well-known/openid-configuration' ? { status: 200, body: meta(issuer) } : { status: 404, body: '' });
    const result = await discover(issuer, http, { allowHttp: true });
    expect(result).toMatchObject({ issuer, jwksUri: `${issuer}/jwks`, tokenEndpoint: `${issuer}/token` });
  });

  it('uses the RFC 8414 path for oauth-authorization-server', async () => {
    const issuer = `${origin}/t1`;
    answer = (path) => (path === '/.well-known/oauth-authorization-server/t1' ? { status: 200, body: meta(issuer) } : { status: 404, body: '' });
    expect((await discover(issuer, http, { allowHttp: true, kind: 'oauth-authorization-server' })).jwksUri).toBe(`${issuer}/jwks`);
  });

  it('refuses metadata whose issuer is not identical (RFC 8414 §3.3), even by a trailing slash', async () => {
    const issuer = `${origin}/a`;
    for (const claimed of [`${origin}/a/`, `${origin}/b`, origin.toUpperCase()]) {
      answer = () => ({ status: 200, body: meta(claimed) });
      await expect(discover(issuer, http, { allowHttp: true })).rejects.toMatchObject({ code: 'ERR_DISCOVERY' });
    }
  });

  it('refuses bad answers: not 200, not JSON, no jwks_uri, a non-https jwks_uri, too large', async () => {
    const issuer = `${origin}/x`;
    const cases: Array<{ status: number; body: string }> = [
      { status: 500, body: meta(issuer) },
      { status: 200, body: 'not json' },
      { status: 200, body: '[1]' },
      { status: 200, body: JSON.stringify({ issuer }) },
      { status: 200, body: JSON.stringify({ issuer, jwks_uri: 5 }) },
      { status: 200, body: JSON.stringify({ issuer, jwks_uri: 'ftp://x/jwks' }) },
      { status: 200, body: meta(issuer, { pad: 'x'.repeat(300 * 1024) }) },
    ];
    for (const c of cases) {
      answer = () => c;
      await expect(discover(issuer, http, { allowHttp: true })).rejects.toBeInstanceOf(OAuthBearerError);
    }
    // Without allowHttp an http jwks_uri is refused even when the issuer matches.
    await expect(processDiscoveryResponse(new Response(meta('https://idp.example').replace('https://idp.example/jwks', 'http://idp.example/jwks')), 'https://idp.example'))
      .rejects.toMatchObject({ code: 'ERR_DISCOVERY' });
  });

  it('reports an unreachable server as ERR_HTTP', async () => {
    await expect(discover('http://127.0.0.1:1/x', http, { allowHttp: true })).rejects.toMatchObject({ code: 'ERR_HTTP' });
  });
});
