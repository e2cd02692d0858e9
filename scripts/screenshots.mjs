#!/usr/bin/env node
// Regenerates the README's screenshots (docs/images/*.png) from the PACKAGED extension in a real
// VS Code: installs clew.vsix into code-server, opens a relocated copy of the seq-mismatch
// example workspace (one edited output, claims in paper.tex) in headless Chromium, walks through
// each surface and saves one picture per surface. Run after `npm run package`:
//   npm run screenshots            (CLEW_SHOTS_DIR overrides docs/images)
// The same harness as the UI smoke test (scripts/ui-smoke.mjs); fails loudly if a surface
// does not appear, so a UI change that breaks a picture is noticed.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkRuntime, createScratch, screenshot, installExtension, launchBrowser, prepareWorkspace, repoRoot, startCodeServer } from './vscode-runtime/runtime.mjs';
import { badgesOf, dismissOverlays, findCommand, poll, revealInExplorer, waitForExplorer } from '../test/ui/workbench.mjs';

const outDir = resolve(process.env.CLEW_SHOTS_DIR ?? join(repoRoot, 'docs/images'));
const vsix = resolve(process.env.CLEW_VSIX ?? join(repoRoot, 'clew.vsix'));
const WAIT = 60_000;

async function shot(page, name) {
  const file = join(outDir, `${name}.png`);
  await page.screenshot({ path: file, timeout: 15_000 });
  console.log(`  ${file.slice(repoRoot.length + 1)}`);
}

async function runCommand(page, title) {
  await findCommand(page, title);
  await page.keyboard.press('Enter');
}

async function main(scratch) {
  checkRuntime();
  if (!existsSync(vsix)) throw new Error(`${vsix} not found — run \`npm run package\` first`);
  mkdirSync(outDir, { recursive: true });
  const workspace = prepareWorkspace(process.env.CLEW_SHOTS_WORKSPACE ?? 'seq-mismatch', scratch.sub('ws'));
  installExtension(scratch, vsix);
  const server = await startCodeServer(scratch, { folder: workspace, logFile: join(scratch.dir, 'code-server.log') });
  const { page } = await launchBrowser(scratch);
  current = page;
  await page.setViewportSize({ width: 1280, height: 760 });
  await page.goto(`${server.origin}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await waitForExplorer(page);
  console.log('screenshots:');

  // 1. Explorer badges: a verified folder and the edited output.
  await revealInExplorer(page, '01_source_a_out/source_A.csv');
  const edited = await revealInExplorer(page, '06_preprocess_c_out/clean_C.csv');
  if (!(await poll(async () => (await badgesOf(edited)).length > 0, WAIT))) throw new Error('no badge on the edited output');
  await edited.hover();
  await page.waitForTimeout(1200);
  await shot(page, 'explorer-badges');

  // 2. The Clew side panel: Changes, Runs, Claims, Stamps.
  await dismissOverlays(page);
  await page.locator('.activitybar .action-item .action-label[aria-label^="Clew"]').first().click();
  await page.locator('.sidebar .pane-header', { hasText: /Changes/i }).first().waitFor({ state: 'visible', timeout: WAIT });
  await page.waitForTimeout(1500);
  await shot(page, 'side-panel');

  // 3. Trace Chain on a figure's source → the DAG panel.
  const row = await revealInExplorer(page, '08_analyze_out/report.json');
  await row.click({ button: 'right' });
  await page.locator('.monaco-menu .action-item', { hasText: 'Trace Chain' }).first().hover();
  await page.keyboard.press('Enter');
  const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await frame.locator('#dag svg g.node').first().waitFor({ state: 'visible', timeout: WAIT });
  await page.waitForTimeout(1500);
  await shot(page, 'trace-chain-dag');

  // 4. Claim lenses and Problems on the manuscript.
  await runCommand(page, 'View: Close All Editors');
  await dismissOverlays(page);
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill('paper.tex');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'paper.tex' }).first().waitFor({ state: 'visible', timeout: WAIT });
  await page.keyboard.press('Enter');
  await page.locator('.codelens-decoration', { hasText: 'Clew:' }).first().waitFor({ state: 'visible', timeout: WAIT });
  await page.waitForTimeout(1000);
  await shot(page, 'claim-lenses');

  // 5. Stamps in the side panel, and the status bar's counts.
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.activitybar .action-item .action-label[aria-label^="Clew"]').first().click().catch(() => undefined);
  const stamps = page.locator('.sidebar .pane-header', { hasText: /Stamps/i }).first();
  if ((await stamps.getAttribute('aria-expanded')) === 'false') await stamps.click();
  const runs = page.locator('.sidebar .pane-header', { hasText: /^\s*Runs/i }).first();
  if ((await runs.getAttribute('aria-expanded')) === 'false') await runs.click();
  await page.waitForTimeout(1200);
  await shot(page, 'runs-and-stamps');

  // 6. Rerun DAG: every run re-executed in the sandbox, the badges say whether it reproduced.
  await runCommand(page, 'Clew: Rerun DAG');
  const confirm = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Rerun/ }).first();
  if (await confirm.isVisible({ timeout: 5000 }).catch(() => false)) await confirm.click();
  await page.locator('.notification-list-item-message', { hasText: /reproduc/i }).first().waitFor({ state: 'visible', timeout: 180_000 });
  await page.waitForTimeout(1500);
  await shot(page, 'rerun-dag');
}

let current;
const scratch = createScratch('clew-shots');
let code = 0;
try {
  await main(scratch);
} catch (err) {
  console.error(`screenshots: ${err.message.split('\n')[0]}`);
  if (current) console.error(`  the workbench then: ${await screenshot(current, 'screenshots-failure')}`);
  code = 1;
} finally {
  await scratch.dispose();
}
process.exit(code);
