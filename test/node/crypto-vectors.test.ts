// spec-vectors/jwt.json and jws.json once more, on the node:crypto port with the native base64url decoder (the
// conformance runner uses the WebCrypto port): both wirings give every vector's verdict.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import type { Jwk } from '../../src/ports.js';
import { createJwtValidator } from '../../src/jose/validator.js';
import { verifySignature } from '../../src/jose/jws.js';
import { createNodeCryptoPort, nodeBase64url } from '../../src/node/crypto.js';

interface Vector { id: string; input: Record<string, any>; expect: { ok?: Record<string, unknown>; error?: { status?: string } } }
const load = (name: string): Vector[] => JSON.parse(readFileSync(join(import.meta.dirname, '../../spec-vectors', name), 'utf8')).vectors;
const crypto = createNodeCryptoPort();

describe('jwt.json on the node:crypto port', () => {
  it.each(load('jwt.json').map((v) => [v.id, v] as const))('%s', async (_id, v) => {
    const o = v.input.options ?? {};
    const validate = createJwtValidator({
      keys: v.input.jwks, crypto, base64url: nodeBase64url, cacheEntries: 0,
      audience: o.audience, issuer: o.issuer, subClaimName: o.subClaimName, scopeClaimName: o.scopeClaimName,
      clockSkewSeconds: o.clockSkewSeconds === undefined ? undefined : Number(o.clockSkewSeconds), algorithms: o.algorithms,
      certificateBinding: o.certificateBinding, maxTokenLength: o.maxTokenLength,
    });
    const context = { nowMs: v.input.nowMs, ...('certificateThumbprint' in v.input ? { certificateThumbprint: v.input.certificateThumbprint } : {}) };
    let outcome: unknown;
    try {
      outcome = validate(v.input.token, context);
      expect(outcome).not.toBeInstanceOf(Promise); // the node wiring is synchronous
    } catch (e) {
      outcome = e;
    }
    if (v.expect.ok) {
      const t = outcome as { principal: string; scope: string[]; lifetimeMs: number; startTimeMs: number };
      expect({ principal: t.principal, scope: [...t.scope].sort(), lifetimeMs: t.lifetimeMs, startTimeMs: t.startTimeMs })
        .toEqual({ ...v.expect.ok, scope: [...(v.expect.ok.scope as string[])].sort() });
    } else {
      expect(outcome).toBeInstanceOf(OAuthBearerError);
      expect((outcome as OAuthBearerError).status).toBe('invalid_token');
    }
  });
});

describe('jws.json on the node:crypto port', () => {
  it.each(load('jws.json').map((v) => [v.id, v] as const))('%s', async (_id, v) => {
    const run = async () => verifySignature(v.input.jwk as Jwk, v.input.alg, new TextEncoder().encode(v.input.signingInput), nodeBase64url(v.input.signature), crypto);
    if (v.expect.ok) await run();
    else await expect(run()).rejects.toBeInstanceOf(OAuthBearerError);
  });
});
