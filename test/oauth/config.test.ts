// Kafka's token-retrieval settings (SaslConfigs; ClientCredentialsJwtRetriever.ConfigOrJaas; KIP-1139/KIP-1258
// precedence; ConfigDef parsing) and the URL allow-list (CVE-2025-27817).
import { describe, expect, it } from 'vitest';
import { jaasOptions, parseKafkaTokenConfig, RETRIEVER_CLASSES, tokenRetrieverConfig, type KafkaFileSources } from '../../src/oauth/config.js';
import { allowListedHttp, checkUrlAllowed, parseAllowedUrls } from '../../src/oauth/urls.js';

const URL_ = 'https://idp.example.com/oauth2/token';
const base = (extra: Record<string, string> = {}) => new Map(Object.entries({ 'sasl.oauthbearer.token.endpoint.url': URL_, ...extra }));
const sources: KafkaFileSources = {
  assertionFile: (path) => ({ assertion: async () => `file:${path}` }),
  privateKeyFile: () => ({ current: async () => new Uint8Array() }),
  templateFile: () => ({ current: async () => ({ header: {}, payload: {} }) }),
};

describe('parseKafkaTokenConfig', () => {
  it('client secret from config, with Kafka defaults', () => {
    const c = parseKafkaTokenConfig(base({
      'sasl.oauthbearer.client.credentials.client.id': ' svc ', 'sasl.oauthbearer.client.credentials.client.secret': 's3cr3t',
    }));
    expect(c).toMatchObject({
      retriever: 'client_credentials', clientId: 'svc', clientSecret: 's3cr3t', urlencode: false, assertion: null,
      retry: { backoffMs: 100, backoffMaxMs: 10_000 }, connectTimeoutMs: null, readTimeoutMs: null, allowedUrls: [], allowedFiles: [],
    });
    const r = tokenRetrieverConfig(c, sources);
    expect(r.clientAuth).toEqual({ method: 'client_secret_basic', clientId: 'svc', clientSecret: 's3cr3t', urlencode: false });
    expect(r.grantType).toBe('client_credentials');
  });

  it('config wins over the deprecated JAAS options; JAAS is the fallback; extension_* become extensions', () => {
    const jaas = new Map([['clientId', 'jaas-id'], ['clientSecret', 'jaas-secret'], ['scope', 'jaas-scope'], ['extension_traceId', 'abc']]);
    const both = parseKafkaTokenConfig(base({ 'sasl.oauthbearer.client.credentials.client.id': 'cfg-id', 'sasl.oauthbearer.scope': 'cfg-scope' }), jaas);
    expect(both).toMatchObject({ clientId: 'cfg-id', clientSecret: 'jaas-secret', scope: 'cfg-scope' });
    expect([...both.extensions]).toEqual([['traceId', 'abc']]);
  });

  it('KIP-1258 precedence: assertion file > local assertion > client secret', () => {
    const all = {
      'sasl.oauthbearer.client.credentials.client.id': 'svc', 'sasl.oauthbearer.client.credentials.client.secret': 's',
      'sasl.oauthbearer.assertion.private.key.file': '/k.pem', 'sasl.oauthbearer.assertion.file': '/a.jwt',
    };
    expect(parseKafkaTokenConfig(base(all)).assertion).toEqual({ kind: 'file', path: '/a.jwt' });
    const { 'sasl.oauthbearer.assertion.file': _f, ...local } = all;
    expect(parseKafkaTokenConfig(base(local)).assertion).toMatchObject({
      kind: 'local', alg: 'RS256', expSeconds: 300, nbfSeconds: 60, includeJti: false, privateKeyFile: '/k.pem',
    });
    const r = tokenRetrieverConfig(parseKafkaTokenConfig(base(all)), sources);
    expect(r.clientAuth).toMatchObject({ method: 'private_key_jwt', clientId: 'svc' });
  });

  it('assertion settings: case-insensitive algorithm, Kafka ranges, booleans', () => {
    const c = parseKafkaTokenConfig(base({
      'sasl.oauthbearer.assertion.private.key.file': '/k.pem', 'sasl.oauthbearer.assertion.algorithm': 'es256',
      'sasl.oauthbearer.assertion.claim.exp.seconds': ' 600 ', 'sasl.oauthbearer.assertion.claim.nbf.seconds': '+0',
      'sasl.oauthbearer.assertion.claim.jti.include': 'TRUE', 'sasl.oauthbearer.assertion.claim.aud': 'aud',
    }));
    expect(c.assertion).toMatchObject({ alg: 'ES256', expSeconds: 600, nbfSeconds: 0, includeJti: true, staticClaims: { aud: 'aud' } });
    for (const [name, value] of [
      ['sasl.oauthbearer.assertion.claim.exp.seconds', '86401'], ['sasl.oauthbearer.assertion.claim.nbf.seconds', '-1'],
      ['sasl.oauthbearer.assertion.claim.exp.seconds', '6e1'], ['sasl.oauthbearer.assertion.claim.jti.include', 'yes'],
      ['sasl.oauthbearer.assertion.algorithm', 'HS256'],
    ]) {
      expect(() => parseKafkaTokenConfig(base({ 'sasl.oauthbearer.assertion.private.key.file': '/k.pem', [name!]: value! })), `${name}=${value}`)
        .toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining(name!) }));
    }
  });

  it('retriever classes: default picks file for file: URLs, jwt-bearer needs an assertion, unknown classes fail', () => {
    expect(parseKafkaTokenConfig(new Map([['sasl.oauthbearer.token.endpoint.url', 'file:///etc/kafka/token.jwt']]))).toMatchObject({ retriever: 'file', tokenFile: '/etc/kafka/token.jwt' });
    expect(() => parseKafkaTokenConfig(base({ 'sasl.oauthbearer.jwt.retriever.class': RETRIEVER_CLASSES.jwtBearer })))
      .toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    const jb = parseKafkaTokenConfig(base({ 'sasl.oauthbearer.jwt.retriever.class': RETRIEVER_CLASSES.jwtBearer, 'sasl.oauthbearer.assertion.file': '/a.jwt', 'sasl.oauthbearer.scope': 'kafka' }));
    const r = tokenRetrieverConfig(jb, sources);
    expect(r).toMatchObject({ grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer', clientAuth: { method: 'none' }, scope: 'kafka' });
    expect(() => parseKafkaTokenConfig(base({ 'sasl.oauthbearer.jwt.retriever.class': 'com.example.Mine' }))).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
  });

  it('refuses missing endpoint, missing id/secret, blank values, bad numbers; never echoes a secret', () => {
    const secret = 'do-not-print-me';
    expect(() => parseKafkaTokenConfig(new Map())).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() => parseKafkaTokenConfig(base({ 'sasl.oauthbearer.client.credentials.client.secret': secret }))).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() => parseKafkaTokenConfig(base({ 'sasl.oauthbearer.client.credentials.client.id': 'svc' }))).toThrow(expect.objectContaining({ code: 'ERR_CONFIG' }));
    expect(() => parseKafkaTokenConfig(base({ 'sasl.oauthbearer.client.credentials.client.id': '  ', 'sasl.oauthbearer.client.credentials.client.secret': secret })))
      .toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.not.stringContaining(secret) }));
    expect(() => parseKafkaTokenConfig(base({ 'sasl.login.retry.backoff.ms': '1.5', 'sasl.oauthbearer.client.credentials.client.id': 'a', 'sasl.oauthbearer.client.credentials.client.secret': secret })))
      .toThrow(expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining('sasl.login.retry.backoff.ms') }));
  });

  it('reads the allow-list from the Kafka system property name', () => {
    const c = parseKafkaTokenConfig(base({
      'sasl.oauthbearer.client.credentials.client.id': 'a', 'sasl.oauthbearer.client.credentials.client.secret': 'b',
      'org.apache.kafka.sasl.oauthbearer.allowed.urls': ` ${URL_} , https://idp.example.com/jwks`,
    }));
    expect(c.allowedUrls).toEqual([URL_, 'https://idp.example.com/jwks']);
  });
});

describe('URL allow-list (CVE-2025-27817)', () => {
  it('refuses everything by default, matches exactly, and allows any URL only with an explicit *', () => {
    expect(() => checkUrlAllowed(URL_, parseAllowedUrls(undefined))).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    expect(() => checkUrlAllowed(URL_, parseAllowedUrls(''))).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    expect(() => checkUrlAllowed(`${URL_}/`, [URL_])).toThrow(expect.objectContaining({ code: 'ERR_URL_NOT_ALLOWED' }));
    expect(() => checkUrlAllowed(URL_, [URL_])).not.toThrow();
    expect(() => checkUrlAllowed('https://idp.example.com/', ['https://IDP.example.com'])).not.toThrow();
    expect(() => checkUrlAllowed('https://anything.example/x', parseAllowedUrls(' * '))).not.toThrow();
  });

  it('allowListedHttp refuses a URL before the port is called, and passes allowed ones through', async () => {
    const called: string[] = [];
    const http = allowListedHttp(async (r) => { called.push(r.url); return new Response('{}'); }, ['https://idp.example.com/jwks']);
    await expect(http(new Request('https://other.example/jwks'))).rejects.toMatchObject({ code: 'ERR_URL_NOT_ALLOWED' });
    expect(called).toEqual([]);
    expect((await http(new Request('https://idp.example.com/jwks'))).status).toBe(200);
    expect(called).toEqual(['https://idp.example.com/jwks']);
  });

  it('never prints a password from the URL', () => {
    try {
      checkUrlAllowed('https://user:pa55word@idp.example/token', []);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('pa55word');
    }
  });
});

describe('issue 11: Kafka settings as text, a plain object, with sasl.jaas.config', () => {
  const jaasText = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="svc" clientSecret="s3cr3t" extension_traceId="abc";';
  it('a plain object no longer throws "props.get is not a function"; sasl.jaas.config supplies the JAAS options', () => {
    const c = parseKafkaTokenConfig({ 'sasl.oauthbearer.token.endpoint.url': URL_, 'sasl.jaas.config': jaasText, 'sasl.login.retry.backoff.ms': 50 });
    expect(c).toMatchObject({ clientId: 'svc', clientSecret: 's3cr3t', retry: { backoffMs: 50 } });
    expect(Object.fromEntries(c.extensions)).toEqual({ traceId: 'abc' });
  });
  it('properties text, as a client.properties file holds them', () => {
    const c = parseKafkaTokenConfig(`sasl.oauthbearer.token.endpoint.url=${URL_}\nsasl.jaas.config=${jaasText}\n`);
    expect(c).toMatchObject({ retriever: 'client_credentials', clientId: 'svc' });
  });
  it('explicit JAAS options win over sasl.jaas.config; another login module is refused', () => {
    expect(parseKafkaTokenConfig({ 'sasl.oauthbearer.token.endpoint.url': URL_, 'sasl.jaas.config': jaasText }, { clientId: 'x', clientSecret: 'y' })).toMatchObject({ clientId: 'x' });
    expect(() => jaasOptions({ 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";' }))
      .toThrow(expect.objectContaining({ code: 'ERR_JAAS_CONFIG', message: expect.stringContaining('OAuthBearerLoginModule') }));
    expect(jaasOptions({}).size).toBe(0);
  });
});
