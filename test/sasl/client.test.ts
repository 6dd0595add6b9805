// The client mechanism: Kafka's OAuthBearerSaslClient states (kafka-java.md §3) and wrong-state errors.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/sasl/client.js';

const enc = new TextEncoder();
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('createClient', () => {
  it('sends the initial response, then succeeds on an empty server message', () => {
    const client = createClient({ token: 'abc', extensions: { x: '1' } });
    expect(client.state).toBe('initial');
    expect(text(client.start())).toBe('n,,\x01auth=Bearer abc\x01x=1\x01\x01');
    expect(client.state).toBe('awaiting-server');
    expect(client.receive(new Uint8Array(0))).toEqual({ action: 'success' });
    expect(client.state).toBe('success');
  });

  it('answers an error challenge with %x01, reports it decoded, then records the final failure', () => {
    const client = createClient({ token: 'abc' });
    client.start();
    const step = client.receive(enc.encode('{"status":"insufficient_scope", "scope":"[a, b]"}'));
    expect(step).toEqual({ action: 'send', message: new Uint8Array([1]), challenge: { status: 'insufficient_scope', scope: '[a, b]', openidConfiguration: null } });
    expect(client.state).toBe('awaiting-failure');
    const error = client.fail('{"status":"insufficient_scope", "scope":"[a, b]"}');
    expect(error).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', status: 'insufficient_scope', scope: '[a, b]' });
    expect(client.state).toBe('failure');
    expect(client.error).toBe(error);
    expect(() => client.fail('again')).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
  });

  it('still answers %x01 to a challenge that does not decode (Kafka does not parse it)', () => {
    const client = createClient({ token: 'abc' });
    client.start();
    expect(client.receive(enc.encode('garbage'))).toMatchObject({ action: 'send', challenge: null });
  });

  it('refuses a second server message after the challenge, and then stays failed', () => {
    const client = createClient({ token: 'abc' });
    client.start();
    client.receive(enc.encode('{"status":"invalid_token"}'));
    expect(() => client.receive(enc.encode('{"status":"invalid_token"}'))).toThrow(expect.objectContaining({ code: 'ERR_UNEXPECTED_MESSAGE' }));
    expect(client.state).toBe('failure');
    expect(client.challenge).toEqual({ status: 'invalid_token', scope: null, openidConfiguration: null });
    expect(() => client.receive(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'ERR_UNEXPECTED_MESSAGE' }));
  });

  it('refuses calls out of order with typed errors', () => {
    const client = createClient({ token: 'abc' });
    expect(() => client.receive(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    expect(() => client.fail('x')).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    client.start();
    expect(() => client.start()).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
    client.receive(new Uint8Array(0));
    expect(() => client.receive(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'ERR_UNEXPECTED_MESSAGE' }));
    expect(client.state).toBe('failure');
  });

  it('records a failure reported before any challenge (a malformed message, an authzid mismatch)', () => {
    const client = createClient({ token: 'abc', authzid: 'bob' });
    expect(text(client.start())).toBe('n,a=bob,\x01auth=Bearer abc\x01\x01');
    expect(client.fail('Authentication failed: Client requested an authorization id (bob) ...')).toMatchObject({ code: 'ERR_AUTHENTICATION_FAILED', status: undefined });
  });

  it('fails to start, and stays failed, with fields gs2.encode refuses', () => {
    const client = createClient({ token: 'a b' });
    expect(() => client.start()).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_SYNTAX' }));
    expect(client.state).toBe('failure');
    expect(() => client.start()).toThrow(expect.objectContaining({ code: 'ERR_USAGE_STATE' }));
  });
});
