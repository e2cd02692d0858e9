#!/usr/bin/env node
// Stand-in for a desktop VS Code executable, for @vscode/test-electron on machines that cannot
// download VS Code: `runTests({ vscodeExecutablePath: <this file> })` (or
// `CLEW_VSCODE_PATH=scripts/vscode-runtime/code-server-shim.mjs npm run test:integration:electron`).
// It accepts the command line test-electron passes —
//   [folder] [--user-data-dir D] [--extensions-dir D] … --extensionTestsPath=P --extensionDevelopmentPath=P
// — runs the tests in code-server's real extension host via headless chromium
// (extensionTests.mjs) and exits with the suite's exit code (1 on failure/timeout), like VS Code.
// The environment test-electron gives it (extensionTestsEnv) reaches the extension host.
// The folder is opened as is (no copy): callers pass a prepared workspace.
import { resolve } from 'node:path';
import { runExtensionTests } from './extensionTests.mjs';
import { checkRuntime, createScratch } from './runtime.mjs';

const VALUE_FLAGS = new Set(['--user-data-dir', '--extensions-dir', '--locale', '--log']);

function parseArgs(argv) {
  const options = { folder: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    if (arg.startsWith('--extensionTestsPath=')) options.extensionTestsPath = arg.slice(eq + 1);
    else if (arg.startsWith('--extensionDevelopmentPath=')) options.extensionDevelopmentPath = arg.slice(eq + 1);
    else if (arg === '--extensionTestsPath' || arg === '--extensionDevelopmentPath') options[arg.slice(2)] = argv[++i];
    else if (VALUE_FLAGS.has(arg)) i += 1; // code-server gets its own isolated dirs
    else if (!arg.startsWith('-') && options.folder === null) options.folder = arg;
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
if (!options.extensionTestsPath || !options.extensionDevelopmentPath) {
  console.error('code-server-shim: needs --extensionTestsPath=… and --extensionDevelopmentPath=… (it only runs extension tests)');
  process.exit(2);
}
checkRuntime();
const scratch = createScratch('clew-shim');
const stop = () => scratch.dispose().finally(() => process.exit(130));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
let code = 1;
try {
  const folder = options.folder ? resolve(options.folder) : scratch.sub('empty-workspace');
  const { exitCode } = await runExtensionTests(scratch, {
    workspace: folder,
    extensionDevelopmentPath: resolve(options.extensionDevelopmentPath),
    extensionTestsPath: resolve(options.extensionTestsPath),
    timeoutMs: Number(process.env.CLEW_INTEGRATION_TIMEOUT_MS ?? 300_000),
    shotPrefix: 'integration-shim',
  });
  if (exitCode === 'timeout') console.error('code-server-shim: the test run timed out');
  code = exitCode === 'timeout' ? 1 : exitCode;
} catch (err) {
  console.error(`code-server-shim: ${err.message}`);
} finally {
  await scratch.dispose();
}
process.exit(code);
