// The whole test job, in the order CI runs it: build, type-check, lint, unit tests (node --test),
// the rerun unit tests again as an unprivileged user,
// package the .vsix, integration tests in a real VS Code (code-server), UI smoke in Chromium.
// Every step's output streams through; the last line is the total `N passed, N failed` CI reads.
// Set CLEW_SKIP_VSCODE=1 to skip the two real-VS-Code steps on a machine without code-server.
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const skipVscode = process.env.CLEW_SKIP_VSCODE === '1';

const steps = [
  { name: 'build', cmd: ['npm', 'run', 'build'] },
  { name: 'typecheck', cmd: ['npm', 'run', 'typecheck'] },
  { name: 'lint', cmd: ['npm', 'run', 'lint'] },
  { name: 'unit', cmd: ['node', 'scripts/run-unit-tests.mjs'], counts: true },
  // The rerun suite again as an ordinary user: the sandbox takes its user-namespace path there.
  { name: 'unit-as-user', cmd: ['node', 'scripts/unit-as-user.mjs'], counts: true },
  { name: 'package', cmd: ['npm', 'run', 'package'] },
  { name: 'integration', cmd: ['node', 'scripts/integration.mjs'], counts: true, vscode: true },
  { name: 'ui', cmd: ['node', 'scripts/ui-smoke.mjs'], counts: true, vscode: true },
];

/** Reads pass/fail counts from node's spec reporter (`ℹ pass N`) or our harness (`N passed, N failed`). */
function countsFrom(output) {
  const harness = [...output.matchAll(/^(\d+) passed, (\d+) failed\s*$/gm)].at(-1);
  if (harness) return { passed: Number(harness[1]), failed: Number(harness[2]) };
  const pass = [...output.matchAll(/^ℹ pass (\d+)/gm)].at(-1);
  const fail = [...output.matchAll(/^ℹ fail (\d+)/gm)].at(-1);
  if (pass || fail) return { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0) };
  return null;
}

function run(step) {
  return new Promise((resolve) => {
    const child = spawn(step.cmd[0], step.cmd.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

let passed = 0;
let failed = 0;
const failedSteps = [];
for (const step of steps) {
  if (step.vscode && skipVscode) {
    console.log(`\n=== ${step.name}: skipped (CLEW_SKIP_VSCODE=1) ===`);
    continue;
  }
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')} ===`);
  const started = Date.now();
  const { code, output } = await run(step);
  const counts = step.counts ? countsFrom(output) : null;
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  } else if (code === 0) {
    passed += 1;
  } else {
    failed += 1;
  }
  if (code !== 0) failedSteps.push(step.name);
  if (code !== 0 && counts && counts.failed === 0) failed += 1; // a crashed runner still counts as a failure
  console.log(`=== ${step.name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
}
if (failedSteps.length > 0) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failedSteps.length > 0 ? 1 : 0);
