/**
 * The Kafka wire codec on the authentication hot path: SaslAuthenticate request and response (v2, flexible, as a
 * current client and broker speak it) encoded and decoded, against the floor of copying the same bytes
 * (`Uint8Array.prototype.slice` of the frame: one allocation and one copy, what any codec must at least do).
 * Messages carry a GS2 client response with an ~800-byte token, and one with a 64 KiB token.
 * Then the broker machine's whole authentication without I/O (src/kafka/wire/broker.ts: a new session, ApiVersions
 * v3, SaslHandshake v1, SaslAuthenticate v2 with an unsecured token, the validation and extension check answered at
 * once, every action polled): serve's JavaScript per new connection apart from its driver and the validator,
 * against copying the three request frames. The machine is the one compiled by tsc (bench/build.ts), as serve runs
 * it: through tsx, esbuild's keepNames adds a call per closure made, and a session makes dozens.
 * Run: npx tsx bench/wire.bench.ts
 */
import { compare, formatRatio } from './harness.js';
import { targets, writeTargets } from './targets.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_KEY, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../src/kafka/wire/index.js';
import { buildServe } from './build.js';
import { createUnsecuredJws } from '../src/kafka/unsecured.js';
import type { BearerToken } from '../src/token.js';
import { encodeClientResponse } from '../src/sasl/gs2.js';

function token(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[(i * 7919) % alphabet.length];
  return out;
}

const lines: string[] = [];
for (const [label, length] of [['800-byte token', 800], ['64 KiB token', 64 * 1024]] as const) {
  const authBytes = encodeClientResponse({ token: token(length), extensions: { logicalCluster: 'lkc-abc123' } });
  const request = { apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: 2, correlationId: 7, clientId: 'bench-client', body: { authBytes } };
  const response = { apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: 2, correlationId: 7, body: { errorCode: 0, errorMessage: null, authBytes: new Uint8Array(0), sessionLifetimeMs: 3_600_000 } };
  const requestFrame = encodeRequest(request);
  const responseFrame = encodeResponse(response);
  const requestBody = requestFrame.subarray(4);
  const responseBody = responseFrame.subarray(4);
  // Sanity: the codec reads back what it wrote.
  const back = decodeRequest(requestBody).body as { authBytes: Uint8Array };
  if (back.authBytes.length !== authBytes.length) throw new Error('decodeRequest lost bytes');
  if ((decodeResponse(responseBody, API_KEY.SASL_AUTHENTICATE, 2).body as { sessionLifetimeMs: number }).sessionLifetimeMs !== 3_600_000) throw new Error('decodeResponse lost the lifetime');
  const big = length > 10_000;
  const req = await compare(
    `SaslAuthenticate v2 request, ${label} (${requestFrame.length}-byte frame)`,
    [
      { name: 'floor: copy the frame', fn: () => requestFrame.slice() },
      { name: 'encodeRequest', fn: () => encodeRequest(request) },
      { name: 'decodeRequest', fn: () => decodeRequest(requestBody) },
    ],
    'floor: copy the frame',
    big ? { batchMs: 8, rounds: 41 } : { rounds: 101 },
  );
  // The response does not depend on the token: timed once, beside the first request.
  const res = big ? req : await compare(
    `SaslAuthenticate v2 response (${responseFrame.length}-byte frame: no authBytes, the session lifetime)`,
    [
      { name: 'floor: copy the frame', fn: () => responseFrame.slice() },
      { name: 'encodeResponse', fn: () => encodeResponse(response) },
      { name: 'decodeResponse', fn: () => decodeResponse(responseBody, API_KEY.SASL_AUTHENTICATE, 2) },
    ],
    'floor: copy the frame',
    { rounds: 61 },
  );
  for (const [c, name, kind] of [[req, 'encodeRequest', 'request'], [req, 'decodeRequest', 'request'], [res, 'encodeResponse', 'response'], [res, 'decodeResponse', 'response']] as const) {
    if (kind === 'response' && big) continue;
    const r = c.ratioOf(name, 'floor: copy the frame');
    lines.push(`wire ${name} ${kind === 'request' ? label : ''} / copy: ${formatRatio(r)}×`);
    targets.push({ bench: 'wire', label: `${name}${kind === 'request' ? `, ${label}` : ''} / copy`, ratio: r, target: Number.NaN });
  }
}
{
  type Wire = typeof import('../src/kafka/wire/index.js');
  const { createBrokerSession } = await import(pathToFileURL(join(buildServe(), 'kafka', 'wire', 'index.js')).href) as Wire;
  const now = Date.now();
  const jws = createUnsecuredJws({ unsecuredLoginStringClaim_sub: 'bench' }, now - 1000);
  const validated: BearerToken = { value: jws.value, principal: 'bench', scope: [], lifetimeMs: now + 3_600_000, startTimeMs: now - 1000 };
  const frames = [
    encodeRequest({ apiKey: API_KEY.API_VERSIONS, apiVersion: 3, correlationId: 0, clientId: 'bench-client', body: { clientSoftwareName: 'oauthbearer', clientSoftwareVersion: '0.1.0' } }),
    encodeRequest({ apiKey: API_KEY.SASL_HANDSHAKE, apiVersion: 1, correlationId: 1, clientId: 'bench-client', body: { mechanism: 'OAUTHBEARER' } }),
    encodeRequest({ apiKey: API_KEY.SASL_AUTHENTICATE, apiVersion: 2, correlationId: 2, clientId: 'bench-client', body: { authBytes: encodeClientResponse({ token: jws.value }) } }),
  ].map((f) => Uint8Array.from(f));
  const options = { broker: { nodeId: 0, host: '127.0.0.1', port: 9092 } };
  const authenticate = (): number => {
    const session = createBrokerSession(options, now);
    let authenticated = 0;
    for (const frame of frames) {
      session.receive(frame, now);
      for (let a = session.poll(); a !== null; a = session.poll()) {
        if (a.type === 'validate') session.tokenValidated({ token: validated }, now);
        else if (a.type === 'check-extensions') session.extensionsChecked({ valid: a.extensions.keys() }, now);
        else if (a.type === 'authenticated') authenticated++;
      }
    }
    return authenticated;
  };
  if (authenticate() !== 1) throw new Error('the broker machine did not authenticate');
  const c = await compare(
    `broker machine, one whole authentication without I/O (${frames.map((f) => f.length).join(' + ')} request bytes)`,
    [
      { name: 'floor: copy the three request frames', fn: () => frames.map((f) => f.slice()) },
      { name: 'createBrokerSession + 3 requests + validation answered', fn: authenticate },
    ],
    'floor: copy the three request frames',
    { rounds: 61 },
  );
  const r = c.ratioOf('createBrokerSession + 3 requests + validation answered', 'floor: copy the three request frames');
  const us = c.find((x) => x.name === 'createBrokerSession + 3 requests + validation answered')!.nsPerOp / 1000;
  lines.push(`wire broker machine, one authentication: ${us.toFixed(2)} µs, ${formatRatio(r)}× copying its request frames`);
  targets.push({ bench: 'wire', label: 'broker machine authentication / copy', ratio: r, target: Number.NaN });
}
console.log(`\n${lines.join('\n')}`);
writeTargets('wire');
