#!/usr/bin/env node
// UI smoke test of the PACKAGED extension: installs clew.vsix (`npm run package`) into an isolated
// code-server 4.100.3 (VS Code 1.100.3), opens a temp copy of a workspace in headless Debian
// chromium (playwright-core) and checks, from the DOM, the explorer badges, the "Trace Chain"
// explorer context-menu entry, the Clew status-bar item and the Clew side panel (test/ui/checks.mjs).
// What each file should show is computed independently from the workspace's store
// (test/ui/store_status.py), so any fixture workspace works, including unseen ones.
//
// Environment:
//   CLEW_UI_WORKSPACE   scenario name under test/fixtures/upstream or a workspace folder path
//                       (default seq-mismatch); always copied, store paths relocated to the copy
//   CLEW_VSIX           the .vsix to install (default ./clew.vsix)
//   CLEW_UI_TIMEOUT_MS  whole-run timeout (default 300000)
//   CLEW_UI_FILTER      only checks whose name contains this substring
//   CLEW_KEEP_SCRATCH=1, CLEW_TEST_VERBOSE=1, CLEW_CODE_SERVER, CLEW_CHROMIUM as for integration.mjs
// Output: one ✓/✗ line per check, then `N passed, N failed`. Exit 1 on any failure.
// Failure screenshots: test-results/ui-*.png.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkRuntime, clearScreenshots, createScratch, installExtension, launchBrowser, repoRoot, prepareWorkspace, screenshot,
  startCodeServer,
} from './vscode-runtime/runtime.mjs';
import { buildChecks } from '../test/ui/checks.mjs';
import { dismissOverlays, waitForExplorer } from '../test/ui/workbench.mjs';

const workspaceSpec = process.env.CLEW_UI_WORKSPACE ?? 'seq-mismatch';
const vsix = resolve(process.env.CLEW_VSIX ?? join(repoRoot, 'clew.vsix'));
const runTimeoutMs = Number(process.env.CLEW_UI_TIMEOUT_MS ?? 300_000);
const verbose = process.env.CLEW_TEST_VERBOSE === '1';

async function main(scratch) {
  const started = Date.now();
  checkRuntime();
  clearScreenshots('ui-');
  if (!existsSync(vsix)) throw new Error(`${vsix} not found — run \`npm run package\` first (or set CLEW_VSIX)`);
  const built = join(repoRoot, 'dist/extension.js');
  if (!process.env.CLEW_VSIX && existsSync(built) && statSync(built).mtimeMs > statSync(vsix).mtimeMs) {
    console.warn('warning: dist/extension.js is newer than clew.vsix — run `npm run package` to test the current build');
  }

  const workspace = prepareWorkspace(workspaceSpec, scratch.sub('ws'));
  const oracle = JSON.parse(execFileSync('python3', [join(repoRoot, 'test/ui/store_status.py'), workspace], { encoding: 'utf8' }));
  const counts = oracle.files.reduce((acc, f) => ({ ...acc, [f.status]: (acc[f.status] ?? 0) + 1 }), {});
  console.log(`workspace ${workspaceSpec}: store ${oracle.store ?? '(none)'}, recorded files ${JSON.stringify(counts)}`);

  installExtension(scratch, vsix);
  const server = await startCodeServer(scratch, { folder: workspace, logFile: join(scratch.dir, 'code-server.log') });
  const { page } = await launchBrowser(scratch);
  if (verbose) page.on('console', (m) => m.type() === 'error' && console.error(`[browser] ${m.text()}`));
  await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  const results = [];
  try {
    await waitForExplorer(page);
  } catch {
    results.push({ name: 'workbench shows the workspace in the explorer', ok: false, error: 'explorer never showed a row', shot: await screenshot(page, 'ui-workbench-load') });
  }
  const filter = process.env.CLEW_UI_FILTER;
  const checks = results.length > 0 ? [] : buildChecks({ workspace, files: oracle.files, referenced: oracle.referenced }).filter((c) => !filter || c.name.includes(filter));
  for (const check of checks) {
    const t0 = Date.now();
    try {
      await check.run(page);
      results.push({ name: check.name, ok: true, ms: Date.now() - t0 });
    } catch (err) {
      const shot = await screenshot(page, `ui-${workspaceSpec.replace(/[^A-Za-z0-9_-]+/g, '_')}-${check.name}`);
      results.push({ name: check.name, ok: false, ms: Date.now() - t0, error: err.message.split('\n')[0], shot });
      await dismissOverlays(page).catch(() => {});
    }
  }

  let passed = 0;
  let failed = 0;
  console.log('\nUI smoke results:');
  for (const r of results) {
    if (r.ok) passed += 1;
    else failed += 1;
    console.log(`  ${r.ok ? '✓' : '✗'} ${r.name}${r.ms === undefined ? '' : ` (${r.ms} ms)`}`);
    if (!r.ok) console.log(`      ${r.error}\n      screenshot: ${r.shot}`);
  }
  if (failed > 0) {
    // Notifications often say why (e.g. "Activating extension 'clew.clew' failed: …").
    const toasts = await page.locator('.notification-list-item-message').allTextContents().catch(() => []);
    for (const text of toasts) console.log(`  notification: ${text.trim()}`);
    if (verbose) console.error(server.log().split('\n').slice(-40).join('\n'));
  }
  console.log(`\nui smoke finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { passed, failed };
}

const scratch = createScratch('clew-ui');
const stop = (signal) => scratch.dispose().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
let timer;
const timeout = new Promise((_, reject) => {
  timer = setTimeout(() => reject(new Error(`timed out after ${runTimeoutMs} ms (CLEW_UI_TIMEOUT_MS)`)), runTimeoutMs);
});
let code = 1;
try {
  const { passed, failed } = await Promise.race([main(scratch), timeout]);
  console.log(`${passed} passed, ${failed} failed`);
  code = failed > 0 ? 1 : 0;
} catch (err) {
  console.error(`ui-smoke: ${err.message}`);
  console.log('0 passed, 1 failed');
} finally {
  clearTimeout(timer);
  await scratch.dispose();
}
process.exit(code);
