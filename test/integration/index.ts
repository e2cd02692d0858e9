// Mocha entry loaded by the VS Code extension host (`extensionTestsPath` → dist/test/index.js).
// Run it with `node scripts/integration.mjs` (code-server + headless chromium, offline) or
// `node scripts/integration-electron.mjs` (downloaded VS Code). Both call `run()` below inside the
// real extension host, with the real `vscode` API and the extension under development loaded.
//
// Conventions for test files in test/integration/ (any depth):
//   * Name them `*.test.ts`; `npm run build` bundles each to dist/test/**/*.test.js (CommonJS,
//     `vscode` and `mocha` external). Mocha BDD: `describe` / `it` / `before` / `after` are globals;
//     `import * as assert from 'node:assert/strict'`. No default exports, no `any`.
//   * The workspace VS Code opens is a fresh temp COPY of a fixture, with the store's absolute paths
//     rewritten to the copy. Choose it with a header line in the test file:
//         // @clew-workspace seq-clean
//     (a scenario under test/fixtures/upstream/, default `seq-mismatch`; `empty` = an empty folder
//     without a store, for welcome-content tests). The runner starts one
//     code-server per distinct workspace and runs only that workspace's files in it.
//     `workspaceRoot()` (harness/workspace.ts) returns the copy's path; write there freely.
//     For another store inside a test use `copyFixture(name)` (harness/fixtures.ts) and dispose it.
//   * Helpers in test/integration/harness/: waitFor(predicate, {timeoutMs}) (poll until truthy),
//     copyFixture(name|path), runPython(args, {cwd}) (real child process), workspaceRoot(),
//     repoRoot(), getClewExtension() (activates `clew.clew`).
//   * No sleeps as assertions: wait for the observable state with waitFor. The default per-test
//     timeout is 60 s (CLEW_TEST_TIMEOUT_MS); the machine may have only 2 cores.
//   * A failing test makes the runner screenshot the workbench into test-results/.
//   * Files sharing a workspace share one session, so before each file's top-level suite the
//     harness closes every editor and panel and puts back every `clew.*` setting as the session
//     started (harness/isolation.ts). Inside one file, tests may build on each other.
//   * CLEW_TEST_SHUFFLE=<seed> runs the files in an order shuffled by that seed (printed), to
//     prove no file depends on another having run first.
//
// Environment read here (set by the runners): CLEW_TEST_FILES (JSON array of absolute .test.js
// paths; default: every *.test.js next to this file), CLEW_TEST_GREP (mocha grep),
// CLEW_TEST_REPORT (path of a JSON report to write), CLEW_TEST_TIMEOUT_MS, CLEW_TEST_SHUFFLE.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { resetToBaseline } from './harness/isolation';

/** One test's outcome, as written to CLEW_TEST_REPORT for the runner to print and total. */
interface TestOutcome {
  title: string;
  file: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

/** Marker the runner watches for in the forwarded console to take a failure screenshot. */
const FAILURE_MARKER = '[clew-test-failed]';

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

function selectedFiles(): string[] {
  const fromEnv = process.env.CLEW_TEST_FILES;
  if (fromEnv) {
    const parsed: unknown = JSON.parse(fromEnv);
    if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
      throw new Error('CLEW_TEST_FILES must be a JSON array of paths');
    }
    return parsed as string[];
  }
  return findTestFiles(__dirname);
}

/** Deterministic shuffle (mulberry32 seeded Fisher–Yates): the same seed, the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function orderedFiles(): string[] {
  const files = selectedFiles();
  const seed = process.env.CLEW_TEST_SHUFFLE;
  if (!seed) return files;
  const order = shuffled(files, Number.parseInt(seed, 10) || 1);
  console.log(`test files shuffled with CLEW_TEST_SHUFFLE=${seed}: ${order.map((f) => path.basename(f)).join(', ')}`);
  return order;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return (err.stack ?? `${err.name}: ${err.message}`).split('\n').slice(0, 8).join('\n');
  return String(err);
}

export function run(): Promise<void> {
  const timeout = Number(process.env.CLEW_TEST_TIMEOUT_MS ?? 60_000);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout, reporter: 'spec' });
  if (process.env.CLEW_TEST_GREP) mocha.grep(process.env.CLEW_TEST_GREP);
  // Every top-level suite (one per describe of a file) starts from the session's baseline state;
  // the hook is added when mocha creates the suite, so it runs before the file's own hooks.
  mocha.suite.on('suite', (suite: Mocha.Suite) => {
    suite.beforeAll('clew harness: reset to the session baseline', resetToBaseline);
  });
  for (const file of orderedFiles()) mocha.addFile(file);

  const outcomes: TestOutcome[] = [];
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        const passed = outcomes.filter((o) => o.state === 'passed').length;
        const reportPath = process.env.CLEW_TEST_REPORT;
        if (reportPath) fs.writeFileSync(reportPath, JSON.stringify({ outcomes }, null, 2));
        console.log(`extension host: ${passed} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const record = (test: Mocha.Runnable, state: TestOutcome['state'], err?: unknown): void => {
      outcomes.push({
        title: test.fullTitle(),
        file: test.file ? path.relative(__dirname, test.file) : '',
        state,
        durationMs: test.duration ?? 0,
        ...(err === undefined ? {} : { error: describeError(err) }),
      });
    };
    runner.on('pass', (test) => record(test, 'passed'));
    runner.on('pending', (test) => record(test, 'pending'));
    runner.on('fail', (test, err) => {
      record(test, 'failed', err);
      console.log(`${FAILURE_MARKER} ${test.fullTitle()}`);
    });
  });
}
