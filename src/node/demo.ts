/**
 * `oauthbearer demo`: a complete SASL/OAUTHBEARER exchange between our client and server engines in one process,
 * on embedded defaults (Kafka's unsecured tokens, so no identity provider is needed), printed for a person: each
 * message with `\x01` escaped, the GS2 header and kvpairs, the token's claims, the outcome, then a failing exchange
 * (RFC 7628 §3.2.2 error challenge and the client's `\x01`), and the refresh and re-authentication schedule.
 */
import { parseJaasConfig } from '../kafka/jaas.js';
import { createUnsecuredToken, unsecuredValidator } from '../kafka/unsecured.js';
import { DEFAULT_REFRESH_CONFIG, refreshAtMs } from '../kafka/refresh.js';
import { clientReauthAtMs, serverSessionLifetimeMs } from '../kafka/reauth.js';
import { createClient } from '../sasl/client.js';
import { authenticateStep, createServer } from '../sasl/server.js';
import { uniformDraw, webRandom } from '../ports.js';
import { decodeBase64url } from '../encoding/base64.js';
import { describeToken, escapeBytes, formatDuration, formatTime } from './render.js';
import { explainClientResponse, redactedMessage } from './decode.js';

/** The client's `sasl.jaas.config`, as a Java client would write it. */
const CLIENT_JAAS =
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required ' +
  'unsecuredLoginStringClaim_sub="alice" unsecuredLoginListClaim_scope=" kafka:read kafka:write" ' +
  'unsecuredLoginLifetimeSeconds="3600" unsecuredLoginExtension_traceId="demo42";';

/** Runs the demo; returns the exit code. */
export async function runDemo(out: (line: string) => void): Promise<number> {
  const nowMs = Date.now();
  out('oauthbearer demo: SASL/OAUTHBEARER (RFC 7628) with Kafka unsecured tokens (KIP-255), client and server in one process\n');

  out('1. The client reads its sasl.jaas.config and makes an unsecured token, as Kafka\'s OAuthBearerUnsecuredLoginCallbackHandler does');
  out(`   sasl.jaas.config = ${CLIENT_JAAS}`);
  const jaas = parseJaasConfig(CLIENT_JAAS);
  const token = createUnsecuredToken(jaas.options, nowMs);
  out(`   header     ${JSON.stringify(token.header)}`);
  out(`   claims     ${new TextDecoder().decode(base64urlPart(token.value, 1))}   (Java's Double.toString for exp and iat)`);
  out(`   principal  ${token.principal};  scope ${JSON.stringify(token.scope)};  expires ${formatTime(token.lifetimeMs)}`);
  out(`   token      ${describeToken(token.value)}\n`);

  out('2. Client → server: the client initial response (RFC 7628 §3.1)');
  const client = createClient({ token: token.value, extensions: token.extensions });
  const first = client.start();
  explainClientResponse(first, out);

  const brokerOptions = { unsecuredValidatorRequiredScope: 'kafka:read' };
  out(`\n3. The server validates it with Kafka's unsecured validator (${JSON.stringify(brokerOptions)})`);
  const server = createServer({ profile: 'kafka' });
  const reply = await authenticateStep(server, first, { validator: unsecuredValidator(brokerOptions), context: { nowMs } });
  out(`   Server → client: ${reply.challenge === null ? '(nothing)' : `"${escapeBytes(reply.challenge)}" (${reply.challenge.length} bytes: success)`}`);
  const step = client.receive(reply.challenge ?? new Uint8Array(0));
  out(`   outcome    ${reply.state}; client: ${step.action}; principal ${reply.principal}; extensions ${JSON.stringify(Object.fromEntries(reply.extensions ?? []))}\n`);

  const strict = { unsecuredValidatorRequiredScope: 'kafka:admin' };
  out(`4. A failing exchange: the server now requires a scope the token lacks (${JSON.stringify(strict)})`);
  const client2 = createClient({ token: token.value });
  const server2 = createServer({ profile: 'kafka' });
  const validator2 = unsecuredValidator(strict);
  const msg1 = client2.start();
  out(`   Client → server: ${redactedMessage(msg1)}`);
  const r1 = await authenticateStep(server2, msg1, { validator: validator2, context: { nowMs } });
  out(`   Server → client: ${escapeBytes(r1.challenge ?? new Uint8Array(0))}   (error challenge, RFC 7628 §3.2.2; Kafka's bytes)`);
  const answer = client2.receive(r1.challenge ?? new Uint8Array(0));
  if (answer.action === 'send') {
    out(`   Client → server: ${escapeBytes(answer.message)}   (the client acknowledges with a lone %x01)`);
    const r2 = await authenticateStep(server2, answer.message, { validator: validator2, context: { nowMs } });
    out(`   outcome    ${r2.state}: ${r2.error?.code} (${r2.error?.status ?? 'no status'})`);
    out(`   Kafka's SaslAuthenticate error message: ${r2.kafkaErrorMessage}`);
    client2.fail(r2.kafkaErrorMessage ?? 'connection closed');
  }
  out(`   client     state ${client2.state}; decoded challenge ${JSON.stringify(client2.challenge)}\n`);

  out('5. The schedule the client follows (Kafka defaults: sasl.login.refresh.window.factor 0.8, jitter 0.05, min period 60 s, buffer 300 s)');
  const input = { nowMs, expiryMs: token.lifetimeMs, startMs: token.startTimeMs };
  const earliest = refreshAtMs(input, DEFAULT_REFRESH_CONFIG, 0);
  const latest = refreshAtMs(input, DEFAULT_REFRESH_CONFIG, 0.999_999_999);
  const draw = uniformDraw(webRandom);
  const chosen = refreshAtMs(input, DEFAULT_REFRESH_CONFIG, draw);
  if (earliest !== null && latest !== null && chosen !== null) {
    out(`   refresh    between +${formatDuration(earliest - nowMs)} and +${formatDuration(latest - nowMs)}; this draw (${draw.toFixed(3)}): ${formatTime(chosen)} (+${formatDuration(chosen - nowMs)})`);
  }
  const lifetime = serverSessionLifetimeMs({ nowMs, maxReauthMs: null, tokenExpiryMs: token.lifetimeMs });
  const reauth = clientReauthAtMs({ authenticationEndMs: nowMs, sessionLifetimeMs: lifetime, draw: uniformDraw(webRandom) });
  out(`   KIP-368    broker session lifetime ${formatDuration(lifetime)} (token's remaining life; connections.max.reauth.ms unset)`);
  if (reauth !== null) out(`   re-auth    client re-authenticates between +${formatDuration(Math.trunc(lifetime * 0.85))} and +${formatDuration(Math.trunc(lifetime * 0.95))}; this draw: +${formatDuration(reauth - nowMs)}`);
  return reply.state === 'success' ? 0 : 1;
}

function base64urlPart(token: string, index: number): Uint8Array {
  return decodeBase64url(token.split('.')[index] ?? '', { what: 'token part' });
}
