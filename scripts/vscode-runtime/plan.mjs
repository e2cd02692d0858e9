// Which compiled integration test files run on which workspace — shared by scripts/integration.mjs
// (code-server) and scripts/integration-electron.mjs (@vscode/test-electron).
// Each test/integration/**/*.test.ts may name its fixture with a header line
// `// @clew-workspace <scenario|path>` (default seq-mismatch); CLEW_INTEGRATION_WORKSPACE overrides
// it for every file, CLEW_TEST_FILTER keeps only files whose path contains the substring.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from './runtime.mjs';

export const DEFAULT_WORKSPACE = 'seq-mismatch';
export const sourceDir = join(repoRoot, 'test/integration');
export const distDir = join(repoRoot, 'dist/test');
const WORKSPACE_TAG = /^\s*\/\/\s*@clew-workspace\s+(\S+)/m;
// `// @clew-trust untrusted` runs the file in a workspace VS Code has NOT trusted (restricted mode).
const TRUST_TAG = /^\s*\/\/\s*@clew-trust\s+untrusted\b/m;
const UNTRUSTED_SUFFIX = ' (untrusted)';

/** A group key names its workspace and, for restricted-mode groups, says so. */
export function groupWorkspace(key) {
  return key.endsWith(UNTRUSTED_SUFFIX) ? { workspace: key.slice(0, -UNTRUSTED_SUFFIX.length), untrusted: true } : { workspace: key, untrusted: false };
}

function listTestSources(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...listTestSources(full));
    else if (name.endsWith('.test.ts')) found.push(full);
  }
  return found.sort();
}

/** Map workspace spec → absolute paths of compiled test files; throws if a bundle is missing. */
export function planGroups() {
  const filter = process.env.CLEW_TEST_FILTER;
  const override = process.env.CLEW_INTEGRATION_WORKSPACE;
  const groups = new Map();
  for (const source of listTestSources(sourceDir)) {
    const rel = relative(sourceDir, source);
    if (filter && !rel.includes(filter)) continue;
    const compiled = join(distDir, rel.replace(/\.ts$/, '.js'));
    if (!existsSync(compiled)) throw new Error(`${relative(repoRoot, compiled)} is missing — run \`npm run build\` first`);
    const header = readFileSync(source, 'utf8').split('\n').slice(0, 15).join('\n');
    const workspace = override ?? WORKSPACE_TAG.exec(header)?.[1] ?? DEFAULT_WORKSPACE;
    const key = TRUST_TAG.test(header) ? `${workspace}${UNTRUSTED_SUFFIX}` : workspace;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(compiled);
  }
  return groups;
}

/** Prints every outcome of every group and returns the totals (a harness problem counts as a failure). */
export function printResults(title, results) {
  let passed = 0;
  let failed = 0;
  console.log(`\n${title}:`);
  for (const result of results) {
    console.log(`  [${result.workspace}]`);
    for (const o of result.outcomes) {
      if (o.state === 'passed') passed += 1;
      if (o.state === 'failed') failed += 1;
      const mark = o.state === 'passed' ? '✓' : o.state === 'failed' ? '✗' : '-';
      console.log(`    ${mark} ${o.title}${o.state === 'pending' ? ' (pending)' : ` (${o.durationMs} ms)`}`);
      if (o.error) console.log(o.error.split('\n').map((l) => `        ${l}`).join('\n'));
    }
    if (result.problem) {
      failed += 1;
      console.log(`    ✗ harness: ${result.problem}`);
    }
    for (const file of result.screenshots ?? []) console.log(`    screenshot: ${file}`);
  }
  return { passed, failed };
}
