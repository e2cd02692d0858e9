// Runs an extension's mocha suite inside code-server's real Node extension host: opens the
// workbench in headless chromium with a `payload` carrying extensionDevelopmentPath /
// extensionTestsPath as vscode-remote:// URIs; the workbench then calls the tests module's
// `run()` in the extension host, forwards its console to window.codeAutomationLog and reports the
// result through window.codeAutomationExit(code). Used by scripts/integration.mjs and by
// code-server-shim.mjs (the offline stand-in for @vscode/test-electron's VS Code executable).
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, screenshot, startCodeServer } from './runtime.mjs';

/** Extension-host console args arrive as console.log arguments (printf-style first argument). */
function formatLogArgs(args) {
  const list = Array.isArray(args) ? args : [args];
  return format(...list.map((a) => (typeof a === 'string' || typeof a === 'number' ? a : JSON.stringify(a))));
}

/**
 * Returns { exitCode: number | 'timeout', screenshots, serverLog() }. `env` reaches the extension
 * host; a console line `[clew-test-failed] <title>` (test/integration/index.ts) triggers a
 * screenshot named `<shotPrefix>-<title>`. The caller owns `scratch` and disposes it.
 */
export async function runExtensionTests(scratch, options) {
  const { workspace, extensionDevelopmentPath, extensionTestsPath, env = {}, timeoutMs, shotPrefix, verbose = false, untrusted = false } = options;
  const screenshots = [];
  const server = await startCodeServer(scratch, { folder: workspace, env, untrusted, logFile: join(scratch.dir, 'code-server.log') });
  const { page } = await launchBrowser(scratch);

  const pending = [];
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = formatLogArgs(args);
    (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    const failed = /\[clew-test-failed\] (.*)/.exec(text);
    if (failed) pending.push(screenshot(page, `${shotPrefix}-${failed[1]}`).then((file) => screenshots.push(file)));
  });
  if (verbose) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[browser] ${msg.text()}`);
    });
  }

  const host = new URL(server.origin).host;
  const remote = (path) => `vscode-remote://${host}${encodeURI(path)}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['extensionTestsPath', remote(extensionTestsPath)],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  let timer;
  const timedOut = new Promise((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  const exitCode = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (exitCode === 'timeout') screenshots.push(await screenshot(page, `${shotPrefix}-timeout`));
  await Promise.allSettled(pending);
  return { exitCode, screenshots, serverLog: server.log };
}
