// KIP-368 with connections.max.reauth.ms=2000: connect --stay re-authenticates on the same connection at Kafka's
// client time, and a connection that does not re-authenticate is closed when its next request arrives after the
// session expired, without a response, as Kafka's broker closes it (SaslServerAuthenticator / KafkaChannel).
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY } from '../../src/kafka/wire/index.js';
import type { MetadataResponse, SaslAuthenticateResponse } from '../../src/kafka/wire/messages.js';
import { createUnsecuredToken } from '../../src/kafka/unsecured.js';
import { decode, rawConnect, requests } from './raw-kafka.js';
import { runConnect, startServe, tempDir, unsecuredClientProps, type ServeRun } from './serve-harness.js';

const running: ServeRun[] = [];
const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) d.cleanup();
});

async function reauthBroker(): Promise<ServeRun> {
  const d = tempDir();
  dirs.push(d);
  const r = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('broker.properties', 'connections.max.reauth.ms=2000\n')]);
  running.push(r);
  return r;
}

describe('KIP-368 re-authentication against serve', () => {
  it('connect --stay re-authenticates on the same connection before each 2 s session ends', async () => {
    const broker = await reauthBroker();
    const d = tempDir();
    dirs.push(d);
    const result = await runConnect(['--bootstrap', `127.0.0.1:${broker.port}`, '--config', d.write('c.properties', unsecuredClientProps('alice')), '--stay', '5'], 30_000);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    const first = result.out.find((l) => l.startsWith('authenticated '))!;
    expect(first).toMatch(/^authenticated principal="alice" session_lifetime_ms=2000 reauthenticate_in_ms=(\d+)$/);
    // Kafka's client: 85–95 % of the session lifetime.
    const inMs = Number(/reauthenticate_in_ms=(\d+)/.exec(first)![1]);
    expect(inMs).toBeGreaterThanOrEqual(1700);
    expect(inMs).toBeLessThan(1900);
    expect(result.out.filter((l) => /^re-authenticated principal="alice" session_lifetime_ms=2000 /.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(result.out.at(-1)).toBe('closed');

    const authLine = broker.io.lines.find((l) => / authenticated principal="alice"/.test(l))!;
    const connPeer = authLine.split(' ')[0]!;
    const reauths = broker.io.lines.filter((l) => l.startsWith(`${connPeer} re-authenticated principal="alice"`));
    expect(reauths.length).toBeGreaterThanOrEqual(2);
    // No other connection was opened, and none was closed by the broker.
    expect(broker.io.lines.filter((l) => / authenticated /.test(l) && !l.startsWith(connPeer))).toEqual([]);
    expect(broker.io.lines.filter((l) => / closed by broker/.test(l))).toEqual([]);
  }, 40_000);

  it('closes a connection whose session expired when its next request is not a re-authentication, without answering it', async () => {
    const broker = await reauthBroker();
    const token = createUnsecuredToken({ unsecuredLoginStringClaim_sub: 'lazy' }, Date.now()).value;
    const c = await rawConnect(broker.port);
    await c.write(requests.apiVersions(3));
    await c.nextFrame();
    await c.write(requests.handshake());
    await c.nextFrame();
    await c.write(requests.authenticate(token, 1));
    const auth = decode<SaslAuthenticateResponse>(await c.nextFrame(), API_KEY.SASL_AUTHENTICATE, 1);
    expect(auth.errorCode).toBe(0);
    expect(auth.sessionLifetimeMs).toBe(2000);
    // Within the session, Metadata is answered with serve as the only broker.
    await c.write(requests.metadata(1));
    const metadata = decode<MetadataResponse>(await c.nextFrame(), API_KEY.METADATA, 1);
    expect(metadata.brokers).toEqual([expect.objectContaining({ nodeId: 0, host: '127.0.0.1', port: broker.port })]);
    await new Promise((r) => setTimeout(r, 2300));
    expect(c.isClosed()).toBe(false);
    await c.write(requests.metadata(1));
    expect(await c.nextFrame(5_000)).toBeNull();
    await c.closed;
    const line = await broker.io.waitFor(new RegExp(`^${c.peer} closed by broker: `));
    expect(line).toMatch(/ERR_KAFKA_PROTOCOL: The client sent Metadata \d+ ms after its session expired .* instead of re-authenticating; Kafka closes the connection/);
  }, 20_000);
});
