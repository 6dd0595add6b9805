import { describe, expect, it } from 'vitest';
import { decodeBase64url } from '../../src/encoding/base64.js';
import { decodeUtf8 } from '../../src/encoding/utf8.js';
import { createRdkafkaUnsecuredToken, rdkafkaRefreshAtMs } from '../../src/kafka/rdkafka.js';

describe('createRdkafkaUnsecuredToken (librdkafka 2.0.2 bytes)', () => {
  it('writes principal, iat, exp (three decimals), then scope, compact', () => {
    const t = createRdkafkaUnsecuredToken('principal=alice scope=read,write,read', 1795391459342);
    expect(t.claimsJson).toBe('{"sub":"alice","iat":1795391459.342,"exp":1795395059.342,"scope":["read","write"]}');
    expect(decodeUtf8(decodeBase64url(t.value.split('.')[1]!))).toBe(t.claimsJson);
    expect(t.value.startsWith('eyJhbGciOiJub25lIn0.')).toBe(true);
    expect(t.value.endsWith('.')).toBe(true);
    expect(t.lifetimeMs).toBe(1795391459342 + 3_600_000);
  });
  it('leaves scope out when it is empty and uses custom claim names', () => {
    const t = createRdkafkaUnsecuredToken('principalClaimName=azp principal=admin lifeSeconds=600', 0);
    expect(t.claimsJson).toBe('{"azp":"admin","iat":0.000,"exp":600.000}');
  });
  it('keeps extensions in config order, repeated keys twice', () => {
    const t = createRdkafkaUnsecuredToken('principal=a extension_b=1 extension_a=2 extension_b=3', 0);
    expect(t.extensions).toEqual([['b', '1'], ['a', '2'], ['b', '3']]);
  });
  it('refreshes 80% through the remaining lifetime', () => {
    expect(rdkafkaRefreshAtMs(1000, 11_000)).toBe(9000);
  });
});
