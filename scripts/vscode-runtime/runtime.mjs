// Shared plumbing for scripts/integration.mjs and scripts/ui-smoke.mjs: a code-server (VS Code
// 1.100.3 server + web workbench) and a headless Debian chromium driven by playwright-core, both
// fully isolated in one scratch directory (own TMPDIR, XDG dirs, user-data, extensions, browser
// profile), so nothing is written to $HOME or /tmp outside it and two runs never share state.
// Contract: every process started here is its own process group and `Scratch.dispose()` kills the
// groups and removes the scratch dir; callers must call it on every exit path.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);
export const codeServerBin =
  process.env.CLEW_CODE_SERVER ?? join(repoRoot, 'scripts/vscode-runtime/node_modules/.bin/code-server');
export const chromiumPath = process.env.CLEW_CHROMIUM ?? '/usr/bin/chromium';
export const fixturesRoot = join(repoRoot, 'test/fixtures/upstream');
export const resultsDir = join(repoRoot, 'test-results');

/** Fails early with an actionable one-liner when the runtime is not installed. */
export function checkRuntime() {
  const problems = [];
  if (!existsSync(codeServerBin)) problems.push(`code-server not found at ${codeServerBin}`);
  if (!existsSync(chromiumPath)) problems.push(`chromium not found at ${chromiumPath}`);
  if (problems.length > 0) {
    throw new Error(`${problems.join('; ')} — run \`bash scripts/install-system-deps.sh\` (or set CLEW_CODE_SERVER / CLEW_CHROMIUM)`);
  }
}

/**
 * Resolves a workspace spec: a fixture scenario name (`seq-mismatch` → test/fixtures/upstream/
 * seq-mismatch/workspace) or a path to a workspace folder (absolute or relative to the cwd).
 */
export function resolveWorkspace(spec) {
  const asScenario = join(fixturesRoot, spec, 'workspace');
  if (!spec.includes('/') && existsSync(asScenario)) return asScenario;
  const asPath = resolve(process.cwd(), spec);
  if (existsSync(asPath)) return asPath;
  throw new Error(`workspace "${spec}" is neither a fixture scenario under ${fixturesRoot} nor an existing folder`);
}

/**
 * Copies a workspace into `destParent/<name>` (timestamps and symlinks kept) and rewrites the
 * absolute paths in its store to the copy (test/integration/harness/relocate_workspace.py).
 * The source is never modified. Returns the copy's absolute path.
 */
export function copyWorkspace(source, destParent, name = 'workspace') {
  const dest = join(destParent, name);
  cpSync(source, dest, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  const args = [join(repoRoot, 'test/integration/harness/relocate_workspace.py'), dest];
  const scenarioFile = join(dirname(source), 'scenario.json');
  if (existsSync(scenarioFile)) {
    try {
      const root = JSON.parse(readFileSync(scenarioFile, 'utf8')).root;
      if (typeof root === 'string' && root.startsWith('/')) args.push(root);
    } catch {
      // not a fixture scenario file: let the relocator infer the old root
    }
  }
  const out = execFileSync('python3', args, { encoding: 'utf8' }).trim();
  if (process.env.CLEW_TEST_VERBOSE === '1') console.log(out);
  return dest;
}

/**
 * The workspace a run opens, inside `destParent`: `empty` gives an empty folder (no store, e.g.
 * for welcome-content tests); anything else is resolved by resolveWorkspace and copied.
 */
export function prepareWorkspace(spec, destParent) {
  if (spec === 'empty') {
    const dest = join(destParent, 'workspace');
    mkdirSync(dest, { recursive: true });
    return dest;
  }
  return copyWorkspace(resolveWorkspace(spec), destParent);
}

/** A throw-away directory tree for one run; `env` isolates code-server and chromium inside it. */
export function createScratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const sub = (name) => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    return path;
  };
  const env = {
    ...process.env,
    TMPDIR: sub('tmp'),
    XDG_RUNTIME_DIR: sub('xdg-runtime'),
    XDG_DATA_HOME: sub('xdg-data'),
    XDG_CONFIG_HOME: sub('xdg-config'),
    XDG_CACHE_HOME: sub('xdg-cache'),
  };
  const groups = new Set();
  const closers = [];
  let disposed = false;
  const scratch = {
    dir,
    env,
    sub,
    /** Records a detached child so dispose() can kill its whole process group. */
    trackGroup(pid) {
      groups.add(pid);
    },
    onDispose(fn) {
      closers.push(fn);
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch {
          // best effort: the process groups below are killed regardless
        }
      }
      // code-server starts its extension host in a process group of its own: collect every
      // descendant first (they are re-parented once their parent dies), then signal all of them.
      const descendants = [...groups].flatMap((pid) => descendantsOf(pid));
      for (const pid of groups) killGroup(pid, 'SIGTERM');
      for (const pid of descendants) killPid(pid, 'SIGTERM');
      if (groups.size > 0) await sleep(500);
      for (const pid of groups) killGroup(pid, 'SIGKILL');
      for (const pid of descendants) killPid(pid, 'SIGKILL');
      if (process.env.CLEW_KEEP_SCRATCH === '1') console.log(`scratch kept: ${dir}`);
      else rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
  return scratch;
}

/** PIDs of all live descendants of `root` (Linux /proc; empty elsewhere). */
function descendantsOf(root) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map();
  for (const name of entries) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // process ended while we looked
    }
  }
  const found = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function killPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** code-server arguments every invocation shares (own config file, user-data and extensions dirs). */
export function commonArgs(scratch, { untrusted = false } = {}) {
  const config = join(scratch.dir, 'code-server.yaml');
  if (!existsSync(config)) writeFileSync(config, 'auth: none\nbind-addr: 127.0.0.1:0\ncert: false\n');
  const userData = scratch.sub('user-data');
  const userDir = join(userData, 'User');
  mkdirSync(userDir, { recursive: true });
  const settings = join(userDir, 'settings.json');
  if (!existsSync(settings)) {
    writeFileSync(settings, JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      // Restricted-mode groups keep trust on and never prompt, so the folder stays untrusted.
      'security.workspace.trust.enabled': untrusted,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.emptyWindow': false,
      'update.mode': 'none',
      'git.enabled': false,
      'workbench.enableExperiments': false,
    }, null, 2));
  }
  return ['--config', config, '--user-data-dir', userData, '--extensions-dir', scratch.sub('extensions')];
}

/** `code-server --install-extension <vsix>` into the scratch's extensions dir. */
export function installExtension(scratch, vsix) {
  execFileSync(codeServerBin, [...commonArgs(scratch), '--install-extension', vsix], {
    env: scratch.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });
}

/**
 * Starts code-server on a free port (bind 127.0.0.1:0) serving `folder`; resolves once /healthz
 * answers. `env` adds variables that reach the extension host. Output goes to `logFile`.
 */
export async function startCodeServer(scratch, { folder, env = {}, logFile, untrusted = false }) {
  const args = [
    ...commonArgs(scratch, { untrusted }),
    '--bind-addr', '127.0.0.1:0', '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', ...(untrusted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    folder,
  ];
  const child = spawn(codeServerBin, args, {
    env: { ...scratch.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  scratch.trackGroup(child.pid);
  let log = '';
  const append = (chunk) => {
    log += chunk.toString();
    if (logFile) writeFileSync(logFile, log);
  };
  child.stderr.on('data', append);
  const origin = await new Promise((resolveOrigin, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not report its port within 60 s:\n${log}`)), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited early (code ${code}):\n${log}`));
    });
    child.stdout.on('data', (chunk) => {
      append(chunk);
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolveOrigin(match[1]);
      }
    });
  });
  child.removeAllListeners('exit');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`code-server at ${origin} never answered /healthz`);
    await sleep(200);
  }
  return { origin, child, log: () => log };
}

/** Headless Debian chromium via playwright-core, persistent profile inside the scratch dir. */
export async function launchBrowser(scratch) {
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(scratch.sub('chromium-profile'), {
    executablePath: chromiumPath,
    headless: true,
    env: scratch.env,
    // Our own SIGINT/SIGTERM handlers close the browser and then kill the process groups.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  scratch.onDispose(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** Removes a previous run's screenshots with this prefix, so test-results/ shows only this run's failures. */
export function clearScreenshots(prefix) {
  if (!existsSync(resultsDir)) return;
  for (const name of readdirSync(resultsDir)) {
    if (name.startsWith(prefix) && name.endsWith('.png')) rmSync(join(resultsDir, name), { force: true });
  }
}

/** Saves a full-page screenshot into test-results/ and returns its repo-relative path. */
export async function screenshot(page, name) {
  mkdirSync(resultsDir, { recursive: true });
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
  const file = join(resultsDir, `${safe}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
    return file.slice(repoRoot.length + 1);
  } catch (err) {
    return `(screenshot failed: ${err.message.split('\n')[0]})`;
  }
}
