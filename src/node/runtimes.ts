/**
 * Runs code from the built package in another JavaScript runtime: Node, Deno, Bun, headless Chromium (through
 * `playwright-core`, on a browser already installed: nothing is ever downloaded) and workerd. The unit of work is a
 * job module, an ES module with no imports of its own that exports
 * `run({ lib, jose, oauth, vectors, files, runtime }) => Promise<{ groups, notes }>`; the host loads the package's
 * core entries ({@link JOB_ENTRIES}: `oauthbearer`, `oauthbearer/jose`, `oauthbearer/oauth`, `oauthbearer/vectors`),
 * reads the files, runs the job there with each entry under its name, and sends its report back as one JSON line. `oauthbearer vectors --runtime NAME` is {@link runVectorsIn}; the test matrix (test/runtimes/)
 * runs its suite through {@link runJobIn}.
 * @module
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OAuthBearerError } from '../errors.js';

/** The runtimes a job can run in. */
export const RUNTIMES = ['node', 'deno', 'bun', 'chromium', 'workerd'] as const;
/** One of {@link RUNTIMES}. */
export type RuntimeName = (typeof RUNTIMES)[number];

/** A file given to a job: the name it is reported under and where it is read from. */
export interface JobFile {
  readonly name: string;
  readonly path: string;
}

/** One counted group of a job's checks (a vector file, a Wycheproof file, the exchange tests). */
export interface JobGroup {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  /** What failed, one line each (bounded by the job). */
  readonly failures: readonly string[];
}

/** What a job sends back, plus the runtime's own version. */
export interface JobReport {
  readonly runtime: RuntimeName;
  readonly version: string;
  readonly groups: readonly JobGroup[];
  /** Facts the job observed (which Ed25519 path a port took, ...). */
  readonly notes: readonly string[];
}

/** Options of {@link runJobIn}. */
export interface RunJobOptions {
  /** The job module (a file path). */
  readonly job: string;
  readonly files: readonly JobFile[];
  /** The whole run's limit; default 5 minutes. */
  readonly timeoutMs?: number;
  /** The package root whose dist/ is run; default this package's. */
  readonly packageRoot?: string;
}

/**
 * The entries a job is handed, by the name it gets them under, and where each is in the built package: every entry
 * that runs in any runtime except `oauthbearer/wire` (whose machines the vectors reach through the runner).
 */
export const JOB_ENTRIES = {
  lib: 'dist/index.js',
  jose: 'dist/jose/index.js',
  oauth: 'dist/oauth/index.js',
  vectors: 'dist/vectors/index.js',
} as const;

const REPORT_MARK = '@@oauthbearer-report ';
const DEFAULT_TIMEOUT_MS = 300_000;
/** workerd's compatibility date for the job worker: any date the installed binary supports. */
const WORKERD_COMPATIBILITY_DATE = '2025-09-01';
/** Flags Chromium needs to run headless as root without reaching any network (the browser is never downloaded). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const ownRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function unavailable(runtime: string, how: string): OAuthBearerError {
  return new OAuthBearerError('ERR_RUNTIME_UNAVAILABLE', `The ${runtime} runtime is not installed here: ${how}`);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** An executable from node_modules/.bin of the working directory or the package (or their parents), else PATH. */
export function findExecutable(name: string, packageRoot = ownRoot): string | null {
  const dirs: string[] = [];
  for (const start of [process.cwd(), packageRoot]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      dirs.push(join(dir, 'node_modules', '.bin'));
      if (dirname(dir) === dir) break;
    }
  }
  dirs.push(...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''));
  for (const dir of dirs) if (isFile(join(dir, name))) return join(dir, name);
  return null;
}

/** The Chromium binary: `CHROMIUM_PATH`, else the usual Debian paths, else `chromium` on PATH. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return isFile(fromEnv) ? fromEnv : null;
  return CHROMIUM_PATHS.find(isFile) ?? findExecutable('chromium');
}

function run(file: string, args: readonly string[], options: { cwd: string; timeoutMs: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { cwd: options.cwd, timeout: options.timeoutMs, maxBuffer: 256 * 1024 * 1024, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1;
      resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) + (error !== null && code === -1 ? `\n${error.message}` : '') });
    });
  });
}

function parseReport(runtime: RuntimeName, version: string, output: string, diagnostics: string): JobReport {
  const line = output.split('\n').reverse().find((l) => l.includes(REPORT_MARK));
  if (line === undefined) {
    const tail = diagnostics.trim().split('\n').slice(-15).join('\n');
    throw new OAuthBearerError('ERR_RUNTIME_UNAVAILABLE', `The job sent no report from ${runtime}; its output ended:\n${tail}`);
  }
  const body = JSON.parse(line.slice(line.indexOf(REPORT_MARK) + REPORT_MARK.length)) as { groups: JobGroup[]; notes: string[] };
  return { runtime, version, groups: body.groups, notes: body.notes };
}

/**
 * The host that Node, Deno and Bun run: loads the entries and the job by URL, reads the files with node:fs
 * (which all three have), runs the job and prints the report line.
 */
const FS_HOST = `import process from 'node:process';
import { readFileSync } from 'node:fs';
const spec = JSON.parse(readFileSync(process.argv[process.argv.length - 1], 'utf8'));
const names = Object.keys(spec.entries);
const [job, ...loaded] = await Promise.all([import(spec.job), ...names.map((n) => import(spec.entries[n]))]);
const entries = Object.fromEntries(names.map((n, i) => [n, loaded[i]]));
const files = spec.files.map((f) => ({ name: f.name, text: readFileSync(f.path, 'utf8') }));
const result = await job.run({ ...entries, files, runtime: spec.runtime });
const version = globalThis.Deno?.version?.deno ?? process.versions.bun ?? process.versions.node;
process.stdout.write('\\n${REPORT_MARK}' + JSON.stringify({ ...result, version }) + '\\n');
`;

interface HostSpec {
  /** Each of {@link JOB_ENTRIES} by name: its file URL. */
  entries: Record<string, string>;
  job: string;
  files: JobFile[];
  runtime: RuntimeName;
}

async function runWithFsHost(runtime: 'node' | 'deno' | 'bun', root: string, spec: HostSpec, timeoutMs: number): Promise<JobReport> {
  let binary: string | null;
  let args: string[];
  const dir = mkdtempSync(join(tmpdir(), `oauthbearer-${runtime}-`));
  try {
    writeFileSync(join(dir, 'host.mjs'), FS_HOST);
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const host = join(dir, 'host.mjs');
    const specFile = join(dir, 'spec.json');
    if (runtime === 'node') {
      binary = process.execPath;
      args = [host, specFile];
    } else if (runtime === 'deno') {
      binary = findExecutable('deno', root);
      // Reads only: the package, the files and the host; no lock file written into the project.
      const readable = [root, dir, dirname(fileURLToPath(spec.job)), ...spec.files.map((f) => dirname(resolve(f.path)))];
      args = ['run', '--no-lock', '--no-prompt', '--node-modules-dir=manual', `--allow-read=${[...new Set(readable)].join(',')}`, host, specFile];
    } else {
      binary = findExecutable('bun', root);
      args = [host, specFile];
    }
    if (binary === null) throw unavailable(runtime, `install it with \`npm install -D ${runtime}\` (the npm package ships the binary)`);
    // Deno resolves the package's bare imports (@noble/*) from node_modules (--node-modules-dir=manual, run inside the package).
    const result = await run(binary, args, { cwd: root, timeoutMs });
    const report = parseReport(runtime, '', result.stdout, `${result.stdout}\n${result.stderr}`);
    const version = (JSON.parse(result.stdout.slice(result.stdout.lastIndexOf(REPORT_MARK) + REPORT_MARK.length).split('\n')[0]!) as { version?: string }).version ?? '';
    return { ...report, version };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const IMPORT_PATTERN = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g;

/**
 * The ES module graph from `entries`, by absolute path, with each bare specifier (`@noble/ed25519`) rewritten to a
 * relative path, so that hosts without package resolution (workerd, a page) load it as plain files.
 */
export function collectModules(entries: readonly string[]): Map<string, string> {
  const modules = new Map<string, string>();
  const pending = [...entries.map((e) => resolve(e))];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    const requireFrom = createRequire(file);
    const rewritten = source.replace(IMPORT_PATTERN, (whole, lead: string, quote: string, specifier: string) => {
      if (specifier.startsWith('node:')) return whole;
      let target: string;
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        target = resolve(dirname(file), specifier);
      } else {
        try {
          target = requireFrom.resolve(specifier);
        } catch {
          return whole;
        }
      }
      pending.push(target);
      let path = relative(dirname(file), target).split(sep).join('/');
      if (!path.startsWith('.')) path = `./${path}`;
      return `${lead}${quote}${path}${quote}`;
    });
    modules.set(file, rewritten);
  }
  return modules;
}

/** The module name of an absolute path inside a workerd bundle or under the page's origin. */
const moduleName = (path: string): string => path.split(sep).filter((p) => p !== '').join('/');

const WORKER_MAIN = (spec: { entries: Record<string, string>; job: string; files: Array<{ name: string; key: string }>; runtime: string }) => `
${Object.values(spec.entries).map((path, i) => `import * as entry${i} from './${path}';`).join('\n')}
import * as job from './${spec.job}';
const entries = { ${Object.keys(spec.entries).map((name, i) => `${JSON.stringify(name)}: entry${i}`).join(', ')} };
const spec = ${JSON.stringify(spec)};
export default {
  async test(controller, env) {
    const files = [];
    for (const f of spec.files) {
      const response = await env.FILES.fetch('http://files/' + f.key);
      if (response.status !== 200) throw new Error('file ' + f.name + ': HTTP ' + response.status);
      files.push({ name: f.name, text: await response.text() });
    }
    const result = await job.run({ ...entries, files, runtime: spec.runtime });
    console.log('${REPORT_MARK}' + JSON.stringify(result));
  },
};
`;

async function runInWorkerd(root: string, spec: HostSpec, timeoutMs: number): Promise<JobReport> {
  const binary = findExecutable('workerd', root);
  if (binary === null) throw unavailable('workerd', 'install it with `npm install -D workerd` (the npm package ships the binary)');
  const dir = mkdtempSync(join(tmpdir(), 'oauthbearer-workerd-'));
  try {
    const modules = collectModules([...Object.values(spec.entries), spec.job].map((u) => fileURLToPath(u)));
    const filesDir = join(dir, 'files');
    mkdirSync(filesDir);
    const files = spec.files.map((f, i) => {
      const key = `${i}-${basename(f.path).replace(/[^A-Za-z0-9._-]/g, '_')}`;
      copyFileSync(f.path, join(filesDir, key));
      return { name: f.name, key };
    });
    const entries: string[] = [];
    let n = 0;
    const mainName = '__oauthbearer_main.js';
    writeFileSync(join(dir, 'main.js'), WORKER_MAIN({
      entries: Object.fromEntries(Object.entries(spec.entries).map(([name, url]) => [name, moduleName(fileURLToPath(url))])),
      job: moduleName(fileURLToPath(spec.job)), files, runtime: 'workerd',
    }));
    entries.push(`(name = "${mainName}", esModule = embed "main.js")`);
    for (const [path, source] of modules) {
      const local = `m${n++}.js`;
      writeFileSync(join(dir, local), source);
      entries.push(`(name = ${JSON.stringify(moduleName(path))}, esModule = embed "${local}")`);
    }
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .job), (name = "files", disk = (path = ${JSON.stringify(filesDir)})) ],
);
const job :Workerd.Worker = (
  modules = [ ${entries.join(',\n    ')} ],
  bindings = [ (name = "FILES", service = "files") ],
  compatibilityDate = "${WORKERD_COMPATIBILITY_DATE}",
);
`);
    const version = (await run(binary, ['--version'], { cwd: dir, timeoutMs: 30_000 })).stdout.trim().replace(/^workerd\s+/, '');
    const result = await run(binary, ['test', '--verbose', join(dir, 'config.capnp')], { cwd: dir, timeoutMs });
    return parseReport('workerd', version, `${result.stdout}\n${result.stderr}`, `${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PlaywrightChromium {
  launchPersistentContext(userDataDir: string, options: Record<string, unknown>): Promise<PlaywrightContext>;
}
interface PlaywrightContext {
  pages(): PlaywrightPage[];
  newPage(): Promise<PlaywrightPage>;
  route(url: string | RegExp, handler: (route: PlaywrightRoute) => unknown): Promise<void>;
  browser(): { version(): string } | null;
  close(): Promise<void>;
}
interface PlaywrightRoute {
  request(): { url(): string };
  fulfill(response: { status?: number; contentType?: string; body?: string }): Promise<void>;
  abort(): Promise<void>;
}
interface PlaywrightPage {
  goto(url: string): Promise<unknown>;
  evaluate<R>(expression: string): Promise<R>;
  on(event: 'console', listener: (message: { text(): string }) => void): void;
  setDefaultTimeout(ms: number): void;
}

/** What the page runs: the entries and the job by URL, the files by fetch; the report as JSON text. */
const PAGE_RUN = `async (a) => {
  const names = Object.keys(a.entries);
  const [job, ...loaded] = await Promise.all([import(a.job), ...names.map((n) => import(a.entries[n]))]);
  const entries = Object.fromEntries(names.map((n, i) => [n, loaded[i]]));
  const files = await Promise.all(a.files.map(async (f) => ({ name: f.name, text: await (await fetch(f.url)).text() })));
  return JSON.stringify(await job.run({ ...entries, files, runtime: 'chromium' }));
}`;

/** The page's origin: `localhost` is a secure context (WebCrypto needs one); every request is answered by the route. */
const ORIGIN = 'http://localhost';

async function runInChromium(root: string, spec: HostSpec, timeoutMs: number): Promise<JobReport> {
  const executablePath = findChromium();
  if (executablePath === null) throw unavailable('chromium', 'install a Chromium (Debian: `apt-get install -y chromium`) or set CHROMIUM_PATH');
  let chromium: PlaywrightChromium;
  try {
    const specifier = 'playwright-core';
    const requireFrom = createRequire(join(process.cwd(), 'package.json'));
    let url: string;
    try {
      url = pathToFileURL(requireFrom.resolve(specifier)).href;
    } catch {
      url = pathToFileURL(createRequire(join(root, 'package.json')).resolve(specifier)).href;
    }
    const driver = (await import(url)) as { chromium?: PlaywrightChromium; default?: { chromium?: PlaywrightChromium } };
    const found = driver.chromium ?? driver.default?.chromium;
    if (found === undefined) throw new Error('no chromium export');
    chromium = found;
  } catch {
    throw unavailable('chromium', 'the driver `playwright-core` is missing: `npm install -D playwright-core` (it downloads no browser)');
  }
  const modules = collectModules([...Object.values(spec.entries), spec.job].map((u) => fileURLToPath(u)));
  const served = new Map<string, { type: string; body: string }>();
  for (const [path, source] of modules) served.set(`/${moduleName(path)}`, { type: 'text/javascript', body: source });
  const files = spec.files.map((f, i) => {
    const url = `/__files/${i}`;
    served.set(url, { type: 'application/json', body: readFileSync(f.path, 'utf8') });
    return { name: f.name, url };
  });
  served.set('/', { type: 'text/html', body: '<!doctype html><title>oauthbearer</title>' });
  const userDataDir = mkdtempSync(join(tmpdir(), 'oauthbearer-chromium-'));
  let context: PlaywrightContext | null = null;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath, headless: true, args: [...CHROMIUM_ARGS], timeout: 60_000,
    });
    await context.route(/.*/, async (route) => {
      const url = new URL(route.request().url());
      const hit = url.origin === ORIGIN ? served.get(url.pathname) : undefined;
      if (hit === undefined) return route.abort();
      return route.fulfill({ status: 200, contentType: hit.type, body: hit.body });
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(timeoutMs);
    await page.goto(`${ORIGIN}/`);
    const arg = {
      entries: Object.fromEntries(Object.entries(spec.entries).map(([name, url]) => [name, `/${moduleName(fileURLToPath(url))}`])),
      job: `/${moduleName(fileURLToPath(spec.job))}`, files,
    };
    // A string, not a function: whatever compiles this module must not rewrite the page's import() calls.
    const result = await page.evaluate<string>(`(${PAGE_RUN})(${JSON.stringify(arg)})`);
    const version = context.browser()?.version() ?? '';
    return parseReport('chromium', version, `${REPORT_MARK}${result}`, '');
  } finally {
    await context?.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/**
 * Runs a job module in `runtime` over `files`, from the built package (its dist/).
 * @throws OAuthBearerError `ERR_RUNTIME_UNAVAILABLE` when the runtime or its driver is not installed, or the job
 * sent no report (the error's message carries the runtime's last output)
 */
export async function runJobIn(runtime: RuntimeName, options: RunJobOptions): Promise<JobReport> {
  const root = options.packageRoot ?? ownRoot;
  const absent = Object.values(JOB_ENTRIES).find((path) => !existsSync(join(root, path)));
  if (absent !== undefined) {
    throw new OAuthBearerError('ERR_RUNTIME_UNAVAILABLE', `The package at ${root} is not built (no ${absent}): run \`npm run build\``);
  }
  const spec: HostSpec = {
    entries: Object.fromEntries(Object.entries(JOB_ENTRIES).map(([name, path]) => [name, pathToFileURL(join(root, path)).href])),
    job: pathToFileURL(resolve(options.job)).href,
    files: options.files.map((f) => ({ name: f.name, path: resolve(f.path) })), runtime,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  switch (runtime) {
    case 'node':
    case 'deno':
    case 'bun':
      return runWithFsHost(runtime, root, spec, timeoutMs);
    case 'workerd':
      return runInWorkerd(root, spec, timeoutMs);
    case 'chromium':
      return runInChromium(root, spec, timeoutMs);
  }
}

/** Where {@link runVectorsIn} writes: result lines and diagnostics. */
export interface RuntimeOutput {
  out(line: string): void;
  err(line: string): void;
}

/** The job `oauthbearer vectors --runtime` runs: every vector of each file through the runner, a group per file. */
export const VECTORS_JOB = join(ownRoot, 'dist', 'node', 'vectors-job.js');

/**
 * `oauthbearer vectors --runtime NAME FILE...`: runs vector files in that runtime; prints each failure, a line per
 * file, and last `NAME: N passed, M failed`. Returns the exit code: 0 all passed, 1 any failure, 2 usage (an
 * unknown or missing runtime, no files).
 */
export async function runVectorsIn(runtime: string, files: readonly string[], io: RuntimeOutput): Promise<number> {
  if (!(RUNTIMES as readonly string[]).includes(runtime)) {
    io.err(`oauthbearer vectors: unknown runtime "${runtime}"; use one of ${RUNTIMES.join(', ')}`);
    return 2;
  }
  if (files.length === 0) {
    io.err('oauthbearer vectors: name at least one vector file (e.g. spec-vectors/*.json)');
    return 2;
  }
  const missing = files.filter((f) => !isFile(f));
  let report: JobReport;
  try {
    report = await runJobIn(runtime as RuntimeName, { job: VECTORS_JOB, files: files.filter((f) => isFile(f)).map((f) => ({ name: f, path: f })) });
  } catch (err) {
    if (err instanceof OAuthBearerError && err.code === 'ERR_RUNTIME_UNAVAILABLE') {
      io.err(`oauthbearer vectors: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let passed = 0;
  let failed = missing.length;
  for (const f of missing) io.out(`${f}: cannot run: no such file`);
  for (const group of report.groups) {
    for (const failure of group.failures) io.out(`  FAIL ${group.name} ${failure}`);
    io.out(`${group.name}: ${group.passed} passed, ${group.failed} failed`);
    passed += group.passed;
    failed += group.failed;
  }
  io.out(`${runtime}: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}
