// kcat (Debian's kcat 1.7.1, librdkafka 2.0.2) against `oauthbearer serve` on 127.0.0.1: librdkafka's unsecured
// token (`sasl.oauthbearer.config`, enable.sasl.oauthbearer.unsecure.jwt) authenticates and `kcat -L` lists serve as
// the only broker; with a token serve refuses, kcat fails and serve's line gives the reason. Skipped when kcat is
// not installed (.ci/run installs it).
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, tempDir, type ServeRun } from '../node/serve-harness.js';

const hasKcat = (() => {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
})();

function kcat(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kcat', args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

const oauth = (port: number, config: string) => [
  '-L', '-b', `127.0.0.1:${port}`, '-m', '5',
  '-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER',
  '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true', '-X', `sasl.oauthbearer.config=${config}`,
];

const d = tempDir();
let open: ServeRun;
let scoped: ServeRun;

beforeAll(async () => {
  if (!hasKcat) return;
  open = await startServe(['--listen', '127.0.0.1:0']);
  scoped = await startServe(['--listen', '127.0.0.1:0', '--config', d.write('scoped.properties',
    'listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredValidatorRequiredScope="kafka";\n')]);
}, 30_000);

afterAll(async () => {
  await open?.stop();
  await scoped?.stop();
  d.cleanup();
});

describe.skipIf(!hasKcat)('kcat against serve', () => {
  it('authenticates with librdkafka\'s unsecured token and lists serve as the only broker', async () => {
    const result = await kcat(oauth(open.port, 'principal=alice scope=read,write extension_traceId=abc'));
    expect(result.stderr).not.toMatch(/SASL authentication error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Metadata for all topics (from broker 0: sasl_plaintext://127.0.0.1:${open.port}/0):`);
    expect(result.stdout).toContain(' 1 brokers:');
    expect(result.stdout).toContain(`  broker 0 at 127.0.0.1:${open.port} (controller)`);
    const line = await open.io.waitFor(/ authenticated principal="alice"/);
    expect(line).toMatch(/ client="librdkafka\/2\.\d+\.\d+" session_lifetime_ms=\d+ extensions=\{"traceId":"abc"\} token=\{"alg":"none"\}\.\{"sub":"alice","iat":[\d.]+,"exp":[\d.]+,"scope":\["read","write"\]\}$/);
  });

  it('fails with a token serve refuses, and serve says why', async () => {
    const result = await kcat(oauth(scoped.port, 'principal=mallory scope=read'));
    expect(result.code).not.toBe(0);
    // librdkafka reports the broker's error message: the challenge JSON after its %x01.
    expect(result.stderr).toContain('SASL authentication error: {"status":"insufficient_scope", "scope":"[kafka]"}');
    const line = await scoped.io.waitFor(/ authentication failed: /);
    expect(line).toMatch(/ERR_INSUFFICIENT_SCOPE: The token's scope lacks "kafka", which unsecuredValidatorRequiredScope requires/);
    expect(line).toContain('| kafka: SASL_AUTHENTICATION_FAILED (58) "{\\"status\\":\\"insufficient_scope\\", \\"scope\\":\\"[kafka]\\"}"');
    expect(line).toMatch(/ client="librdkafka\/2\.\d+\.\d+" token=\{"alg":"none"\}\.\{"sub":"mallory"/);
  });
});
