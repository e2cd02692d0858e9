#!/usr/bin/env node
// Runs the integration tests (test/integration/**/*.test.ts, bundled by `npm run build` into
// dist/test) inside a REAL VS Code extension host, offline: code-server 4.100.3 (VS Code 1.100.3)
// serves the workbench, headless Debian chromium (playwright-core) opens it with a `payload`
// that sets extensionDevelopmentPath = this repo and extensionTestsPath = dist/test/index, so the
// remote Node extension host loads Clew from the working tree and calls `run()` there. Results
// come back through window.codeAutomationLog / window.codeAutomationExit and a JSON report file.
//
// Builds nothing: run `npm run build` first. One code-server per workspace: each test file names
// its fixture with a `// @clew-workspace <scenario>` header (default seq-mismatch); the workspace
// is a temp copy with the store relocated to it, never the fixture itself.
//
// Environment:
//   CLEW_INTEGRATION_WORKSPACE  run every file on this workspace (scenario name or folder path)
//   CLEW_TEST_FILTER            only test files whose path contains this substring
//   CLEW_TEST_GREP              mocha --grep inside the extension host
//   CLEW_INTEGRATION_TIMEOUT_MS whole-run timeout per workspace (default 300000)
//   CLEW_TEST_TIMEOUT_MS        per-test mocha timeout (default 60000)
//   CLEW_TEST_SHUFFLE=<seed>    run each workspace's files in an order shuffled by this seed
//   CLEW_TEST_VERBOSE=1         also print browser console errors and relocation output
//   CLEW_KEEP_SCRATCH=1         keep the scratch dir (workspace copy, code-server log)
//   CLEW_CODE_SERVER, CLEW_CHROMIUM  override the binaries
// Output: each test with ✓/✗, then the last line `N passed, N failed`. Exit 1 on any failure,
// timeout or harness error. Failure screenshots: test-results/integration-*.png.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  checkRuntime, clearScreenshots, createScratch, prepareWorkspace, repoRoot,
} from './vscode-runtime/runtime.mjs';
import { runExtensionTests } from './vscode-runtime/extensionTests.mjs';
import { distDir, groupWorkspace, planGroups, printResults } from './vscode-runtime/plan.mjs';

const runTimeoutMs = Number(process.env.CLEW_INTEGRATION_TIMEOUT_MS ?? 300_000);
const verbose = process.env.CLEW_TEST_VERBOSE === '1';

/** One code-server + browser session running `files` on a copy of `workspaceSpec`. */
async function runGroup(groupKey, files) {
  const { workspace: workspaceSpec, untrusted } = groupWorkspace(groupKey);
  const scratch = createScratch('clew-integration');
  const label = groupKey.replace(/[^A-Za-z0-9_-]+/g, '_');
  const screenshots = [];
  let cleanupSignal = null;
  const onSignal = (signal) => {
    cleanupSignal = signal;
    scratch.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const workspace = prepareWorkspace(workspaceSpec, scratch.sub('ws'));
    const reportFile = join(scratch.dir, 'report.json');
    const env = {
      CLEW_TEST_FILES: JSON.stringify(files),
      CLEW_TEST_REPORT: reportFile,
      CLEW_REPO_ROOT: repoRoot,
      // Fixture scripts import scitex_clew (via stxlite); the stand-in plays the installed package
      // for reruns, recording into the sandbox's scratch store.
      PYTHONPATH: [join(repoRoot, 'test/support/python'), process.env.PYTHONPATH].filter(Boolean).join(':'),
      ...(process.env.CLEW_TEST_GREP ? { CLEW_TEST_GREP: process.env.CLEW_TEST_GREP } : {}),
      ...(process.env.CLEW_TEST_TIMEOUT_MS ? { CLEW_TEST_TIMEOUT_MS: process.env.CLEW_TEST_TIMEOUT_MS } : {}),
      ...(process.env.CLEW_TEST_SHUFFLE ? { CLEW_TEST_SHUFFLE: process.env.CLEW_TEST_SHUFFLE } : {}),
    };
    const run = await runExtensionTests(scratch, {
      workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(distDir, 'index'),
      env,
      untrusted,
      timeoutMs: runTimeoutMs,
      shotPrefix: `integration-${label}`,
      verbose,
    });
    const { exitCode } = run;
    screenshots.push(...run.screenshots);

    const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : null;
    let problem = null;
    if (exitCode === 'timeout') problem = `timed out after ${runTimeoutMs} ms (CLEW_INTEGRATION_TIMEOUT_MS)`;
    else if (!report) problem = `the extension host exited with code ${exitCode} before reporting (tests did not load?)`;
    else if (exitCode !== 0 && !report.outcomes.some((o) => o.state === 'failed')) problem = `exit code ${exitCode}`;
    if (problem && verbose) console.error(run.serverLog().split('\n').slice(-40).join('\n'));
    return { workspace: groupKey, outcomes: report?.outcomes ?? [], problem, screenshots };
  } catch (err) {
    return { workspace: groupKey, outcomes: [], problem: err.message, screenshots };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    if (!cleanupSignal) await scratch.dispose();
  }
}

async function main() {
  const started = Date.now();
  checkRuntime();
  clearScreenshots('integration-');
  if (!existsSync(join(distDir, 'index.js'))) throw new Error('dist/test/index.js is missing — run `npm run build` first');
  if (!existsSync(join(repoRoot, 'dist/extension.js'))) console.warn('warning: dist/extension.js is missing — the extension will not activate');
  const groups = planGroups();
  if (groups.size === 0) throw new Error('no integration test files selected');

  const results = [];
  for (const [workspace, files] of groups) {
    console.log(`\n── workspace ${workspace}: ${files.map((f) => relative(distDir, f)).join(', ')}`);
    results.push(await runGroup(workspace, files));
  }

  const { passed, failed } = printResults('Integration results', results);
  console.log(`\nintegration finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`integration: ${err.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
