#!/usr/bin/env node
// The same integration tests as scripts/integration.mjs, but in a downloaded desktop VS Code
// (Electron) through @vscode/test-electron 2.5.2 — for machines with internet access.
// Offline (update.code.visualstudio.com unreachable) it prints why and exits 0 without running
// anything; use `npm run test:integration` (code-server) there. Set CLEW_ELECTRON_REQUIRED=1 to
// make "cannot download" an error instead.
//
// Builds nothing: run `npm run build` first. Same workspace grouping (`// @clew-workspace`),
// CLEW_INTEGRATION_WORKSPACE, CLEW_TEST_FILTER, CLEW_TEST_GREP, CLEW_TEST_TIMEOUT_MS as integration.mjs.
//   CLEW_VSCODE_VERSION  VS Code version to download (default 1.100.3, same as code-server 4.100.3)
//   CLEW_VSCODE_PATH     use this VS Code executable instead of downloading; offline,
//                        scripts/vscode-runtime/code-server-shim.mjs runs the same suite in code-server
// Headless Linux needs a display: `xvfb-run -a node scripts/integration-electron.mjs`.
// Downloads are cached in .vscode-test/ (gitignored).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createScratch, prepareWorkspace, repoRoot } from './vscode-runtime/runtime.mjs';
import { distDir, planGroups, printResults } from './vscode-runtime/plan.mjs';

const version = process.env.CLEW_VSCODE_VERSION ?? '1.100.3';
const cachePath = join(repoRoot, '.vscode-test');

/** Downloads (or finds cached) VS Code; returns null with a reason when that is impossible. */
async function vscodeExecutable(testElectron) {
  if (process.env.CLEW_VSCODE_PATH) return { path: process.env.CLEW_VSCODE_PATH };
  try {
    // One line per download stage (the default spinner leaves half-lines in CI logs).
    let lastStage = '';
    const reporter = {
      report(progress) {
        if (progress.stage !== lastStage) console.log(`VS Code ${version}: ${(lastStage = progress.stage)}`);
      },
      error() {},
    };
    return { path: await testElectron.downloadAndUnzipVSCode({ version, cachePath, timeout: 30_000, reporter }) };
  } catch (err) {
    return { path: null, reason: err.message.split('\n')[0] };
  }
}

async function runGroup(testElectron, executable, workspaceSpec, files) {
  const scratch = createScratch('clew-electron');
  try {
    const workspace = prepareWorkspace(workspaceSpec, scratch.sub('ws'));
    const reportFile = join(scratch.dir, 'report.json');
    let exitProblem = null;
    try {
      await testElectron.runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: join(distDir, 'index'),
        launchArgs: [
          workspace,
          '--user-data-dir', scratch.sub('user-data'),
          '--extensions-dir', scratch.sub('extensions'),
          '--disable-workspace-trust',
        ],
        extensionTestsEnv: {
          CLEW_TEST_FILES: JSON.stringify(files),
          CLEW_TEST_REPORT: reportFile,
          CLEW_REPO_ROOT: repoRoot,
          ...(process.env.CLEW_TEST_GREP ? { CLEW_TEST_GREP: process.env.CLEW_TEST_GREP } : {}),
          ...(process.env.CLEW_TEST_TIMEOUT_MS ? { CLEW_TEST_TIMEOUT_MS: process.env.CLEW_TEST_TIMEOUT_MS } : {}),
        },
      });
    } catch (err) {
      exitProblem = err.message ?? String(err);
    }
    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : null;
    let problem = null;
    if (!report) problem = `VS Code ended before the tests reported (${exitProblem ?? 'no report'})`;
    else if (exitProblem && !report.outcomes.some((o) => o.state === 'failed')) problem = exitProblem;
    return { workspace: workspaceSpec, outcomes: report?.outcomes ?? [], problem };
  } finally {
    await scratch.dispose();
  }
}

async function main() {
  const started = Date.now();
  if (!existsSync(join(distDir, 'index.js'))) throw new Error('dist/test/index.js is missing — run `npm run build` first');
  const groups = planGroups();
  const testElectron = await import('@vscode/test-electron');
  const executable = await vscodeExecutable(testElectron);
  if (!executable.path) {
    const message = `integration-electron: skipped — cannot download VS Code ${version} (${executable.reason}). `
      + 'This machine is probably offline; run `npm run test:integration` (code-server) instead.';
    if (process.env.CLEW_ELECTRON_REQUIRED === '1') throw new Error(message);
    console.log(message);
    return 0;
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('warning: no DISPLAY — on a headless machine run this under `xvfb-run -a`');
  }
  const results = [];
  for (const [workspace, files] of groups) {
    console.log(`\n── workspace ${workspace} (${process.env.CLEW_VSCODE_PATH ?? `VS Code ${version}, Electron`})`);
    results.push(await runGroup(testElectron, executable.path, workspace, files));
  }
  const { passed, failed } = printResults('Integration results (Electron)', results);
  console.log(`\nintegration-electron finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration-electron: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
