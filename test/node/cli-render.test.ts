// What the CLI shows of errors and tokens (src/node/render.ts): the cause chain down to the system error, without
// foreign messages that could quote a request, and tokens by shape and lengths only.
import { describe, expect, it } from 'vitest';
import { OAuthBearerError } from '../../src/errors.js';
import { describeCauses, describeToken, formatExpiry, formatRelative } from '../../src/node/render.js';

const system = (code: string, port: number) => Object.assign(new Error(`connect ${code} 127.0.0.1:${port}`), { code, syscall: 'connect', address: '127.0.0.1', port });

describe('describeCauses', () => {
  it('walks undici\'s nesting (TypeError "fetch failed" → system error) and names the system error by its fields', () => {
    const error = new OAuthBearerError('ERR_HTTP', 'request failed', { cause: new TypeError('fetch failed', { cause: system('ECONNREFUSED', 8443) }) });
    expect(describeCauses(error)).toEqual(['connect ECONNREFUSED 127.0.0.1:8443']);
  });

  it('takes the first error of an AggregateError (several addresses tried), and plain objects with system fields', () => {
    const aggregate = new AggregateError([system('ECONNREFUSED', 1), system('ECONNREFUSED', 2)], 'all failed');
    expect(describeCauses(new OAuthBearerError('ERR_HTTP', 'x', { cause: aggregate }))).toEqual(['connect ECONNREFUSED 127.0.0.1:1']);
    const scrubbed = { code: 'ECONNRESET', syscall: 'read' };
    expect(describeCauses(new OAuthBearerError('ERR_HTTP', 'x', { cause: scrubbed }))).toEqual(['read ECONNRESET']);
  });

  it('keeps our own errors\' messages, drops a foreign message that could quote the request, and stops at a cycle', () => {
    const inner = new Error('POST body client_secret=S3cr3t');
    const outer = new OAuthBearerError('ERR_TOKEN_ENDPOINT', 'outer', { cause: new OAuthBearerError('ERR_JSON', 'The body is not JSON', { cause: inner }) });
    const lines = describeCauses(outer);
    expect(lines).toEqual(['ERR_JSON: The body is not JSON', 'Error (its message is not shown: it could quote the request)']);
    expect(lines.join('\n')).not.toContain('S3cr3t');
    const a: { cause?: unknown; code: string } = { code: 'EPIPE' };
    a.cause = a;
    expect(describeCauses({ cause: a })).toEqual(['EPIPE']);
  });

  it('gives a TLS error its code and message (no syscall)', () => {
    const tls = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(describeCauses(new OAuthBearerError('ERR_HTTP', 'x', { cause: tls }))).toEqual(['UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate']);
  });
});

describe('tokens and times', () => {
  it('describes a token by its parts\' lengths only', () => {
    expect(describeToken('aaa.bbbb.ccccc')).toBe('<JWS: header 3 + claims 4 + signature 5 characters>');
    expect(describeToken('aaa.bbbb.')).toBe('<JWS: header 3 + claims 4 + signature 0 characters, unsecured>');
    expect(describeToken('opaque-token')).toBe('<token: 12 characters>');
  });

  it('says "expires in 42 min" and "expired 3 min ago"', () => {
    expect(formatExpiry(1_000_000 + 42 * 60_000, 1_000_000)).toBe('expires in 42 min');
    expect(formatExpiry(1_000_000 - 3 * 60_000, 1_000_000)).toBe('expired 3 min ago');
    expect(formatRelative(30_000)).toBe('in 30 s');
    expect(formatRelative(-3 * 3_600_000 - 60_000)).toBe('3 h 1 min ago');
    expect(formatRelative(5 * 86_400_000)).toBe('in 5 days');
  });
});
