// Broker and client properties as serve and connect read them: Kafka's names, defaults, listener overrides, PEM
// stores (files and inline values continued over lines), and the errors that name the setting.
import { afterAll, describe, expect, it } from 'vitest';
import { parseProperties } from '../../src/kafka/properties.js';
import { BROKER_DEFAULTS, parseBrokerConfig, parseHostPort } from '../../src/node/broker-config.js';
import { parseClientConfig } from '../../src/node/client-config.js';
import { loadTlsMaterial, normalizePem, sslClientAuth } from '../../src/node/net/tls.js';
import { makePki, tempDir } from './serve-harness.js';

const props = (text: string) => parseProperties(text);
const d = tempDir();
afterAll(() => d.cleanup());

describe('parseBrokerConfig', () => {
  it('has Kafka\'s defaults and the unsecured validator with no properties', () => {
    const c = parseBrokerConfig(new Map());
    expect(c.listener).toEqual({ name: 'SASL_PLAINTEXT', securityProtocol: 'SASL_PLAINTEXT', host: '127.0.0.1', port: 9092 });
    expect(c).toMatchObject({ maxReauthMs: null, idleTimeoutMs: BROKER_DEFAULTS.connectionsMaxIdleMs, maxReceiveBytes: 524_288, clientAuth: 'none', nodeId: 0, mechanisms: ['OAUTHBEARER'] });
    expect(c.validator).toEqual({ kind: 'unsecured', options: new Map() });
  });

  it('reads listeners with a protocol map, --listen over it, advertised.listeners and listener-prefixed overrides', () => {
    const c = parseBrokerConfig(props([
      'listeners=EXTERNAL://127.0.0.1:19093',
      'listener.security.protocol.map=EXTERNAL:SASL_SSL',
      'advertised.listeners=EXTERNAL://kafka.example:9093',
      'connections.max.reauth.ms=1000',
      'listener.name.external.oauthbearer.connections.max.reauth.ms=2000',
      'listener.name.external.connections.max.idle.ms=300',
      'listener.name.external.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";',
      'ssl.client.auth=REQUIRED',
      'node.id=7',
    ].join('\n')), '127.0.0.1:0');
    expect(c.listener).toEqual({ name: 'EXTERNAL', securityProtocol: 'SASL_SSL', host: '127.0.0.1', port: 0 });
    expect(c.advertised).toEqual({ host: 'kafka.example', port: 9093 });
    expect(c).toMatchObject({ maxReauthMs: 2000, idleTimeoutMs: 300, clientAuth: 'required', nodeId: 7 });
    expect(c.validator).toEqual({ kind: 'unsecured', options: new Map([['unsecuredValidatorRequiredScope', 'kafka']]) });
  });

  it('builds the KIP-768 validator settings when the handler class names it, with the JWKS URL on the allow-list', () => {
    const base = [
      'sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      'sasl.oauthbearer.jwks.endpoint.url=https://127.0.0.1:8443/jwks',
      'sasl.oauthbearer.expected.audience=kafka, other',
      'sasl.oauthbearer.expected.issuer=https://idp',
      'sasl.oauthbearer.sub.claim.name=client_id',
      'sasl.oauthbearer.clock.skew.seconds=5',
      'sasl.oauthbearer.jwks.endpoint.refresh.ms=60000',
    ];
    expect(() => parseBrokerConfig(props(base.join('\n')))).toThrow(/not in the allowed URLs|allowed/);
    const c = parseBrokerConfig(props([...base, 'org.apache.kafka.sasl.oauthbearer.allowed.urls=https://127.0.0.1:8443/jwks'].join('\n')));
    expect(c.validator).toMatchObject({
      kind: 'jwt', jwksUrl: 'https://127.0.0.1:8443/jwks', audience: ['kafka', 'other'], issuer: 'https://idp', subClaimName: 'client_id',
      scopeClaimName: 'scope', clockSkewSeconds: 5, refreshMs: 60_000, retryBackoffMs: 100, retryBackoffMaxMs: 10_000,
    });
  });

  it('warns when a JWKS URL is set but Kafka would still use its unsecured handler', () => {
    const c = parseBrokerConfig(props('sasl.oauthbearer.jwks.endpoint.url=https://idp/jwks'));
    expect(c.validator.kind).toBe('unsecured');
    expect(c.warnings.join('\n')).toMatch(/Kafka validates with its unsecured handler/);
  });

  it('refuses bad values naming the setting', () => {
    for (const [text, message] of [
      ['listeners=SASL_PLAINTEXT:/x', /listeners: "SASL_PLAINTEXT:\/x" is not NAME:\/\/HOST:PORT/],
      ['listeners=SSL://:9093', /security protocol SSL/],
      ['sasl.enabled.mechanisms=PLAIN', /does not enable OAUTHBEARER/],
      ['sasl.server.max.receive.size=0', /sasl\.server\.max\.receive\.size: must be at least 1/],
      ['ssl.client.auth=sometimes', /ssl\.client\.auth: "sometimes"/],
      ['sasl.server.callback.handler.class=com.example.Custom', /is not a validator serve has/],
    ] as const) {
      expect(() => parseBrokerConfig(props(text)), text).toThrow(message);
    }
    expect(() => parseHostPort('127.0.0.1:70000', '--listen')).toThrow(/above 65535/);
    expect(parseHostPort('[::1]:0', '--listen')).toEqual({ host: '::1', port: 0 });
  });
});

describe('parseClientConfig', () => {
  const jaas = 'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="alice" unsecuredLoginExtension_traceId="t1";';
  it('reads an unsecured login with its extensions', async () => {
    const c = parseClientConfig(props(`security.protocol=SASL_PLAINTEXT\nsasl.mechanism=OAUTHBEARER\n${jaas}\nclient.id=me`));
    expect(c).toMatchObject({ securityProtocol: 'SASL_PLAINTEXT', login: 'unsecured', clientId: 'me', requestTimeoutMs: 30_000 });
    expect(c.extensions).toEqual(new Map([['traceId', 't1']]));
    expect((await c.fetchToken()).principal).toBe('alice');
  });

  it('refuses Kafka\'s defaults that have no OAUTHBEARER exchange, naming the setting', () => {
    expect(() => parseClientConfig(props(jaas))).toThrow(/security\.protocol: PLAINTEXT has no SASL/);
    expect(() => parseClientConfig(props(`security.protocol=SASL_SSL\n${jaas}`))).toThrow(/sasl\.mechanism: GSSAPI; set sasl\.mechanism=OAUTHBEARER/);
    expect(() => parseClientConfig(props('security.protocol=SASL_SSL\nsasl.mechanism=OAUTHBEARER'))).toThrow(/sasl\.jaas\.config: missing/);
  });

  it('uses the token endpoint only with Kafka\'s OAuthBearerLoginCallbackHandler', () => {
    const oauth = [
      'security.protocol=SASL_SSL', 'sasl.mechanism=OAUTHBEARER',
      'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required extension_tenant="x";',
      'sasl.oauthbearer.token.endpoint.url=file:/tmp/token.jwt',
    ];
    const unsecured = parseClientConfig(props(oauth.join('\n').replace('extension_tenant="x"', 'unsecuredLoginStringClaim_sub="a"')));
    expect(unsecured.login).toBe('unsecured');
    expect(unsecured.warnings.join()).toMatch(/Kafka logs in with its unsecured handler/);
    const c = parseClientConfig(props([...oauth, 'sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
      'org.apache.kafka.sasl.oauthbearer.allowed.urls=file:/tmp/token.jwt'].join('\n')));
    expect(c.login).toBe('oauth');
    expect(c.extensions).toEqual(new Map([['tenant', 'x']]));
  });
});

describe('PEM stores', () => {
  makePki(d.dir);
  const key = d.read('server.key');
  const cert = d.read('server.crt');

  it('reads a keystore file holding key and chain, and a truststore file', async () => {
    d.write('keystore.pem', key + cert);
    const m = await loadTlsMaterial(props(`ssl.keystore.type=PEM\nssl.keystore.location=${d.dir}/keystore.pem\nssl.truststore.type=PEM\nssl.truststore.location=${d.dir}/ca.crt`));
    expect(m.key).toBe(normalizePem(key, 'k', /PRIVATE KEY/));
    expect(m.cert).toBe(normalizePem(cert, 'c', /^CERTIFICATE$/));
    expect(m.ca).toContain('-----BEGIN CERTIFICATE-----\n');
  });

  it('reads inline PEM values continued over properties lines (which arrive without their line breaks)', async () => {
    const continued = (pem: string) => pem.trim().split('\n').join(' \\\n  ');
    const text = `ssl.keystore.type=PEM\nssl.keystore.key=${continued(key)}\nssl.keystore.certificate.chain=${continued(cert)}\nssl.truststore.type=PEM\nssl.truststore.certificates=${continued(d.read('ca.crt'))}`;
    const m = await loadTlsMaterial(props(text));
    expect(m.key).toBe(normalizePem(key, 'k', /PRIVATE KEY/));
    expect(m.cert!.split('\n')[1]!.length).toBe(64);
  });

  it('refuses what it cannot read, naming the setting', async () => {
    await expect(loadTlsMaterial(props(`ssl.keystore.location=${d.dir}/keystore.pem`))).rejects.toThrow(/ssl\.keystore\.type: "JKS" keystores cannot be read here; set ssl\.keystore\.type=PEM/);
    await expect(loadTlsMaterial(props(`ssl.keystore.type=PEM\nssl.keystore.location=${d.dir}/x.pem\nssl.keystore.key=${key.replace(/\n/g, '')}`))).rejects.toThrow(/not both/);
    await expect(loadTlsMaterial(props(`ssl.keystore.type=PEM\nssl.keystore.key=${key.replace(/\n/g, '')}`))).rejects.toThrow(/ssl\.keystore\.certificate\.chain: .*needs its certificate chain/);
    await expect(loadTlsMaterial(props(`ssl.truststore.type=PEM\nssl.truststore.location=${d.dir}/missing.pem`))).rejects.toThrow(/ssl\.truststore\.location: .*missing\.pem could not be read/);
    await expect(loadTlsMaterial(props(`ssl.truststore.type=PEM\nssl.truststore.certificates=not pem`))).rejects.toThrow(/holds no PEM/);
    expect(sslClientAuth(new Map())).toBe('none');
  });
});
