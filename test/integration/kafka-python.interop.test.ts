// kafka-python 2.0.2 (Debian python3-kafka, run by /usr/bin/python3) against `oauthbearer serve`: its
// sasl_oauth_token_provider with extensions(), fed an unsecured token and a client_credentials token that our
// retriever fetched from oidc-provider; and a refused token as kafka-python reports it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';
import { kafkaTokenSource } from '../../src/node/providers/source.js';
import { tlsHttp } from '../../src/node/http.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';
import { jwtBroker, run, startServe, unsecuredBroker } from './serve-harness.js';

const PYTHON = '/usr/bin/python3';
// api_version is given so kafka-python does not probe the broker's version (it would infer it from api keys
// serve does not have); with it kafka-python 2.0.2 authenticates with SaslHandshake v0 and bare SASL frames.
const SCRIPT = `
import os, sys
from kafka import KafkaConsumer
from kafka.oauth.abstract import AbstractTokenProvider
class Provider(AbstractTokenProvider):
    def token(self): return os.environ['TOKEN']
    def extensions(self): return {'traceId': 'py1'}
try:
    c = KafkaConsumer(bootstrap_servers=sys.argv[1], api_version=(2, 0, 0), security_protocol='SASL_PLAINTEXT',
                      sasl_mechanism='OAUTHBEARER', sasl_oauth_token_provider=Provider(), request_timeout_ms=4000,
                      reconnect_backoff_max_ms=500)
    print('topics', sorted(c.topics()))
    c.close()
except Exception as e:
    print('error', type(e).__name__, e)
    sys.exit(1)
`;
const python = (address: string, token: string, script = SCRIPT) => run(PYTHON, ['-c', script, address], { timeoutMs: 20_000, env: { ...process.env, TOKEN: token } });

let oidc: OidcServer;
beforeAll(async () => {
  oidc = await startOidcServer();
});
afterAll(async () => oidc?.close());

describe('kafka-python 2.0.2', () => {
  it('an unsecured token and extensions(): authenticated, metadata answered', async () => {
    const serve = await startServe(unsecuredBroker());
    try {
      const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'py-alice' }, Date.now()).value;
      const result = await python(serve.address, token);
      expect(result.stdout).toContain('topics []');
      const line = await serve.waitFor(/ authenticated principal="py-alice"/);
      expect(line).toContain('extensions={"traceId":"py1"}');
    } finally {
      await serve.stop();
    }
  }, 30_000);

  it('a client_credentials token from oidc-provider (fetched by our retriever), validated by serve with the JWKS', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    const http = tlsHttp({ ca: oidc.pem('ca.crt') });
    const source = kafkaTokenSource({
      'sasl.oauthbearer.token.endpoint.url': oidc.tokenEndpoint, 'sasl.oauthbearer.scope': 'kafka',
      'sasl.oauthbearer.client.credentials.client.id': 'basic-client', 'sasl.oauthbearer.client.credentials.client.secret': SECRET,
    }, { allowedUrls: oidc.tokenEndpoint, http });
    try {
      const { token } = await source.current();
      const result = await python(serve.address, token.value);
      expect(result.stdout).toContain('topics []');
      await serve.waitFor(/ authenticated principal="basic-client"/);
    } finally {
      await source.stop();
      http.close();
      await serve.stop();
    }
  }, 30_000);

  it('quirk: a refused token is "Unrecognized response during authentication" (kafka-python reads the error challenge as a bare frame)', async () => {
    const serve = await startServe(jwtBroker(oidc.jwksUrl, oidc.file('ca.crt')));
    try {
      const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'py-mallory' }, Date.now()).value;
      const result = await python(serve.address, token);
      expect(result.code).toBe(1);
      // After SaslHandshake v0 the broker's error challenge comes back as a bare SASL frame; kafka-python expects
      // four zero bytes, raises, and drops the connection without the %x01 reply, so no Kafka error reaches it.
      expect(result.stdout.trim()).toBe('error AuthenticationFailedError AuthenticationFailedError: Unrecognized response during authentication');
      // serve sees the connection end after its error challenge, without the %x01, and says why it refused the token.
      await serve.waitFor(/ closed by client(: ECONNRESET)? after the error challenge \{"status":"[a-z_]+"[^}]*\}, without the %x01 reply: ERR_\w+: .* \(state authenticating\)$/);
      expect(serve.lines.filter((l) => / authenticated /.test(l))).toEqual([]);
    } finally {
      await serve.stop();
    }
  }, 30_000);

  it('no KIP-368: past connections.max.reauth.ms=3000 the same connections keep answering (Kafka sets no session expiry after SaslHandshake v0)', async () => {
    const serve = await startServe(unsecuredBroker('', { 'connections.max.reauth.ms': '3000' }));
    try {
      const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'py-alice' }, Date.now()).value;
      const twice = SCRIPT.replace("print('topics', sorted(c.topics()))", "print('topics', sorted(c.topics()))\n    import time; time.sleep(3.5)\n    print('topics', sorted(c.topics()))");
      const result = await python(serve.address, token, twice);
      expect(result.stdout).toBe('topics []\ntopics []\n');
      // Every connection authenticated once, none re-authenticated, none closed by the broker.
      const authenticated = serve.lines.filter((l) => / authenticated principal="py-alice"/.test(l));
      expect(authenticated.length).toBeGreaterThanOrEqual(1);
      expect(serve.lines.filter((l) => / re-authenticated | closed by broker/.test(l))).toEqual([]);
    } finally {
      await serve.stop();
    }
  }, 30_000);
});
