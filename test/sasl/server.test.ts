// The server mechanism: Kafka's broker sequence (kafka-java.md §2, kafka-observed.md "The server mechanism"),
// wrong-state errors, and full client↔server exchanges in memory.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OAuthBearerError } from '../../src/errors.js';
import type { BearerToken, ExtensionsValidator, TokenValidator } from '../../src/token.js';
import { authenticateStep, createServer, type AuthenticateStepOptions } from '../../src/sasl/server.js';
import { createClient } from '../../src/sasl/client.js';
import { encodeClientResponse } from '../../src/sasl/gs2.js';

const enc = new TextEncoder();
const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b));
const KVSEP = new Uint8Array([1]);
const FIXED = 'Authentication failed during authentication due to invalid credentials with SASL mechanism OAUTHBEARER';

const token = (value: string, principal: string): BearerToken => ({ value, principal, scope: [], lifetimeMs: 2_000_000_000_000, startTimeMs: null });

/** A validator by token value: `ok-<principal>` succeeds; others fail as their name says. */
const validator: TokenValidator = (value) => {
  if (value.startsWith('ok-')) return token(value, value.slice(3).replace(/_/g, ','));
  if (value === 'expired') throw new OAuthBearerError('ERR_JWT_EXPIRED', 'expired', { status: 'invalid_token' });
  if (value === 'scope') throw new OAuthBearerError('ERR_INSUFFICIENT_SCOPE', 'scope', { status: 'insufficient_scope', scope: '[read, admin]' });
  throw new Error('validator crashed');
};
const options: AuthenticateStepOptions = { validator, context: { nowMs: 1_700_000_000_000 } };
const initial = (tok: string, rest: { authzid?: string; extensions?: Record<string, string> } = {}) => encodeClientResponse({ token: tok, ...rest });

describe('authenticateStep (kafka profile)', () => {
  it('succeeds with an empty final message, the principal and the validated extensions', async () => {
    const server = createServer();
    const reply = await authenticateStep(server, initial('ok-alice', { extensions: { a: '1', b: '2' } }), options);
    expect(reply.state).toBe('success');
    expect(reply.challenge).toEqual(new Uint8Array(0));
    expect(reply.principal).toBe('alice');
    expect(Object.fromEntries(reply.extensions!)).toEqual({ a: '1', b: '2' });
    expect(server.state).toBe('success');
  });

  it('sends the Kafka error challenge, then fails with the JSON as the message on %x01', async () => {
    const server = createServer();
    const first = await authenticateStep(server, initial('scope'), options);
    expect(first.state).toBe('continue');
    expect(text(first.challenge)).toBe('{"status":"insufficient_scope", "scope":"[read, admin]"}');
    const last = await authenticateStep(server, KVSEP, options);
    expect(last).toMatchObject({ state: 'failure', challenge: null, kafkaErrorMessage: '{"status":"insufficient_scope", "scope":"[read, admin]"}' });
    expect(last.error).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', status: 'insufficient_scope', scope: '[read, admin]' });
    // The validator's own error is kept (issue 10 item 4): the challenge's cause and the final failure's cause.
    expect(first.cause).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', message: 'scope' });
    expect(last.error!.cause).toBe(first.cause);
    expect(last.error!.message).toContain(': scope');
    await expect(authenticateStep(server, KVSEP, options)).rejects.toMatchObject({ code: 'ERR_UNEXPECTED_MESSAGE' });
  });

  it('evaluates a new initial response after an error challenge (Kafka accepts a retry)', async () => {
    const server = createServer();
    expect(text((await authenticateStep(server, initial('expired'), options)).challenge)).toBe('{"status":"invalid_token"}');
    expect(text((await authenticateStep(server, initial('expired'), options)).challenge)).toBe('{"status":"invalid_token"}');
    const reply = await authenticateStep(server, initial('ok-bob'), options);
    expect(reply).toMatchObject({ state: 'success', principal: 'bob' });
  });

  it('a malformed retry after a challenge fails with the fixed message', async () => {
    const server = createServer();
    await authenticateStep(server, initial('expired'), options);
    const reply = await authenticateStep(server, enc.encode('n,,\x01\x01'), options);
    expect(reply).toMatchObject({ state: 'failure', kafkaErrorMessage: FIXED });
  });

  it('%x01 without a prior challenge is an invalid message', async () => {
    const reply = await authenticateStep(createServer(), KVSEP, options);
    expect(reply).toMatchObject({ state: 'failure', challenge: null, kafkaErrorMessage: FIXED });
    expect(reply.error).toMatchObject({ code: 'ERR_GS2_MESSAGE', status: 'invalid_request' });
  });

  it('says "re-authentication" in the fixed message when re-authenticating (KIP-368)', async () => {
    const reply = await authenticateStep(createServer({ reauthentication: true }), enc.encode('x'), options);
    expect(reply.kafkaErrorMessage).toBe(FIXED.replace('during authentication', 'during re-authentication'));
  });

  it('closes without a response for a non-Bearer scheme, an oversized frame, or a validator crash', async () => {
    const basic = await authenticateStep(createServer(), enc.encode('n,,\x01auth=Basic abc\x01\x01'), options);
    expect(basic).toMatchObject({ state: 'failure', kafkaErrorMessage: null });
    expect(basic.error?.code).toBe('ERR_AUTH_SCHEME');
    const big = await authenticateStep(createServer({ maxMessageBytes: 16 }), initial('ok-alice'), options);
    expect(big).toMatchObject({ state: 'failure', kafkaErrorMessage: null });
    const crash = await authenticateStep(createServer(), initial('boom'), options);
    expect(crash).toMatchObject({ state: 'failure', kafkaErrorMessage: null });
    expect(crash.error?.code).toBe('ERR_VALIDATOR');
  });

  it('compares the authzid as sent with the principal (a=2Cb is not a,b)', async () => {
    const mismatch = await authenticateStep(createServer(), initial('ok-a_b', { authzid: 'a,b' }), options);
    expect(mismatch).toMatchObject({
      state: 'failure',
      kafkaErrorMessage: "Authentication failed: Client requested an authorization id (a=2Cb) that is different from the token's principal name (a,b)",
    });
    expect(mismatch.error?.code).toBe('ERR_AUTHZID_MISMATCH');
    expect(await authenticateStep(createServer(), initial('ok-alice', { authzid: 'alice' }), options)).toMatchObject({ state: 'success' });
    expect((await authenticateStep(createServer(), initial('ok-alice', { authzid: 'Alice' }), options)).state).toBe('failure');
  });

  it('compares the authzid before checking extensions', async () => {
    const refuseAll: ExtensionsValidator = (_t, ext) => ({ valid: [], invalid: new Map([...ext.keys()].map((k) => [k, 'no'])) });
    const reply = await authenticateStep(createServer(), initial('ok-alice', { authzid: 'bob', extensions: { x: '1' } }), { ...options, extensionsValidator: refuseAll });
    expect(reply.error?.code).toBe('ERR_AUTHZID_MISMATCH');
  });

  it("fails on invalid extensions with Kafka's message, and keeps only validated ones", async () => {
    const check: ExtensionsValidator = (_t, ext) => ({ valid: ['keep'], invalid: ext.has('bad') ? new Map([['bad', 'not allowed']]) : new Map() });
    const bad = await authenticateStep(createServer(), initial('ok-alice', { extensions: { keep: '1', bad: '2' } }), { ...options, extensionsValidator: check });
    expect(bad).toMatchObject({ state: 'failure', kafkaErrorMessage: 'Authentication failed: 1 extensions are invalid! They are: bad: not allowed' });
    expect(bad.error?.code).toBe('ERR_EXTENSIONS_INVALID');
    const good = await authenticateStep(createServer(), initial('ok-alice', { extensions: { keep: '1', drop: '2' } }), { ...options, extensionsValidator: check });
    expect(Object.fromEntries(good.extensions!)).toEqual({ keep: '1' });
  });

  it('fails when the extensions validator marks an extension the client never sent (Kafka: IllegalArgumentException)', async () => {
    const reply = await authenticateStep(createServer(), initial('ok-alice'), { ...options, extensionsValidator: () => ({ valid: ['ghost'] }) });
    expect(reply).toMatchObject({ state: 'failure', kafkaErrorMessage: null });
  });
});

describe('authenticateStep (rfc7628 profile)', () => {
  it('sends compact challenges with the configured openid-configuration', async () => {
    const server = createServer({ profile: 'rfc7628', openidConfiguration: 'https://as/.well-known/openid-configuration' });
    const reply = await authenticateStep(server, initial('scope'), options);
    expect(text(reply.challenge)).toBe('{"status":"insufficient_scope","scope":"[read, admin]","openid-configuration":"https://as/.well-known/openid-configuration"}');
  });

  it('compares the unescaped authzid', async () => {
    const reply = await authenticateStep(createServer({ profile: 'rfc7628' }), initial('ok-a_b', { authzid: 'a,b' }), options);
    expect(reply).toMatchObject({ state: 'success', principal: 'a,b' });
  });
});

describe('server machine states', () => {
  it('refuses events the state does not allow, with typed errors, and stays failed', () => {
    const server = createServer();
    expect(() => server.tokenValidated({ token: token('x', 'a') })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    expect(() => server.extensionsChecked({ valid: [] })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    const step = server.receive(initial('ok-a'));
    expect(step.action).toBe('validate');
    expect(() => server.receive(initial('ok-a'))).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    expect(server.tokenValidated({ error: new Error('x') }).action).toBe('finish');
    expect(server.state).toBe('failure');
    expect(() => server.receive(initial('ok-a'))).toThrow(expect.objectContaining({ code: 'ERR_UNEXPECTED_MESSAGE' }));
    expect(() => server.tokenValidated({ token: token('x', 'a') })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    expect(server.state).toBe('failure');
    expect(() => createServer({ profile: 'x' as 'kafka' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_ARGUMENT' }));
  });

  it('asks for validation with the decoded fields, then for the extension check', () => {
    const server = createServer();
    const step = server.receive(initial('ok-a', { authzid: 'a', extensions: { x: '1' } }));
    expect(step).toMatchObject({ action: 'validate', token: 'ok-a', authzid: 'a' });
    const next = server.tokenValidated({ token: token('ok-a', 'a') });
    expect(next).toMatchObject({ action: 'check-extensions' });
    const done = server.extensionsChecked({ valid: ['x'] });
    expect(done).toMatchObject({ action: 'finish', outcome: { state: 'success', principal: 'a' } });
    expect(() => server.extensionsChecked({ valid: [] })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
  });
});

describe('client ↔ server in memory', () => {
  async function exchange(tok: string, extensions: Record<string, string> = {}) {
    const client = createClient({ token: tok, extensions });
    const server = createServer();
    let reply = await authenticateStep(server, client.start(), options);
    while (reply.state === 'continue') {
      const step = client.receive(reply.challenge!);
      expect(step.action).toBe('send');
      reply = await authenticateStep(server, (step as { message: Uint8Array }).message, options);
    }
    if (reply.state === 'success') expect(client.receive(reply.challenge!)).toEqual({ action: 'success' });
    else client.fail(reply.kafkaErrorMessage ?? 'connection closed');
    return { client, reply };
  }

  it('succeeds end to end, extensions carried', async () => {
    const { client, reply } = await exchange('ok-carol', { traceId: 'abc' });
    expect(client.state).toBe('success');
    expect(reply.principal).toBe('carol');
    expect(reply.extensions?.get('traceId')).toBe('abc');
  });

  it('fails end to end through the error challenge and %x01', async () => {
    const { client, reply } = await exchange('scope');
    expect(reply.kafkaErrorMessage).toBe('{"status":"insufficient_scope", "scope":"[read, admin]"}');
    expect(client.state).toBe('failure');
    expect(client.error).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', status: 'insufficient_scope', scope: '[read, admin]' });
  });

  it('any valid client succeeds against an accepting server, extensions intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom(...'abcXYZ09'), minLength: 1, maxLength: 10 }),
        fc.dictionary(fc.string({ unit: fc.constantFrom(...'abcXYZ'), minLength: 1, maxLength: 6 }).filter((k) => k !== 'auth'), fc.string({ unit: fc.constantFrom(...'a =,~'), minLength: 1, maxLength: 8 }), { maxKeys: 4 }),
        async (principal, extensions) => {
          const { client, reply } = await exchange(`ok-${principal}`, extensions);
          expect(client.state).toBe('success');
          expect(reply.principal).toBe(principal);
          expect(Object.fromEntries(reply.extensions!)).toEqual(extensions);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
