// The client software in serve's failure lines: the driver reads ApiVersions v3's clientSoftwareName/Version from
// the first frames itself (the machine names it only for an authenticated connection), lazily, from the bytes it
// kept. Whatever the split of the bytes, a failed authentication's line names the client; a connection that never
// sent ApiVersions v3 names none.
import { afterEach, describe, expect, it } from 'vitest';
import { rawConnect, requests } from './raw-kafka.js';
import { startServe, type ServeRun } from './serve-harness.js';
import { concat } from '../helpers.js';

const running: ServeRun[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('serve names the client software of a failed authentication', () => {
  it('from ApiVersions v3, whether the frames come two in one chunk or byte by byte', async () => {
    const broker = await startServe(['--listen', '127.0.0.1:0']);
    running.push(broker);
    const frames = [requests.apiVersions(3), requests.handshake(), requests.authenticate('not-a-token')];
    const whole = await rawConnect(broker.port);
    await whole.write(concat(frames[0]!, frames[1]!));
    await whole.nextFrame();
    await whole.nextFrame();
    await whole.write(frames[2]!);
    // The error challenge; the client's %x01 reply ends the exchange with the failure.
    await whole.nextFrame();
    await whole.write(requests.authenticateBytes(Uint8Array.of(1)));
    expect(await broker.io.waitFor(new RegExp(`^${whole.peer} authentication failed: .*\\| client="raw-test/1.0" token=\\(not a JWS, 11 characters\\)$`))).toBeTruthy();
    const split = await rawConnect(broker.port);
    for (const f of [...frames, requests.authenticateBytes(Uint8Array.of(1))]) for (let i = 0; i < f.length; i++) await split.write(f.subarray(i, i + 1));
    expect(await broker.io.waitFor(new RegExp(`^${split.peer} authentication failed: .*\\| client="raw-test/1.0" token=`))).toBeTruthy();
    // ApiVersions v2 names no software.
    const old = await rawConnect(broker.port);
    await old.write(concat(requests.apiVersions(2), requests.handshake()));
    await old.nextFrame();
    await old.nextFrame();
    await old.write(requests.authenticate('not-a-token'));
    await old.nextFrame();
    await old.write(requests.authenticateBytes(Uint8Array.of(1)));
    const line = await broker.io.waitFor(new RegExp(`^${old.peer} authentication failed: `));
    expect(line).not.toContain('client=');
    for (const c of [whole, split, old]) c.socket.destroy();
  });
});
