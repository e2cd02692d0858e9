// Builds every bundle with esbuild. Contract: after `npm run build`,
//   dist/extension.js  the VS Code extension (CommonJS, `vscode` external)
//   dist/cli.js        the `clew` command line (stable path for scripts; loads dist/cliMain.js,
//                      or dist/recordMain.js for `clew record`)
//   dist/hashWorker.js the worker thread that hashes files off the main thread
//   dist/webview.js    the DAG panel front end (browser IIFE, mermaid bundled locally)
//   dist/mcpServer.js  the MCP server with its SDK (loaded by `clew mcp` only)
//   dist/sql-wasm.wasm, dist/clew_writer.py, dist/clew_preload.c, dist/mcp-skills/  runtime assets found through engine/util/assets.ts
//   dist/test/suite/*  integration tests run inside a real VS Code extension host
//   out/test/**.test.js unit tests for `node --test`
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, statSync, existsSync, rmSync, chmodSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

function listFiles(dir, predicate) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) found.push(...listFiles(full, predicate));
    else if (predicate(full)) found.push(full);
  }
  return found;
}

rmSync(join(root, 'out'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'), { recursive: true });

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  external: ['vscode', 'mocha', 'playwright-core'],
};

const builds = [
  { ...nodeCommon, entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(root, 'dist/extension.js') },
  // dist/cli.js is a small entry that answers a warm `clew status` itself and loads dist/cliMain.js otherwise.
  { ...nodeCommon, entryPoints: [join(root, 'src/cli/bin.ts')], outfile: join(root, 'dist/cli.js'), banner: { js: '#!/usr/bin/env node' } },
  { ...nodeCommon, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(root, 'dist/cliMain.js') },
  // `clew record` alone, loaded by dist/cli.js for it (src/cli/recordMain.ts).
  { ...nodeCommon, entryPoints: [join(root, 'src/cli/recordMain.ts')], outfile: join(root, 'dist/recordMain.js') },
  // The MCP server and its SDK, loaded by `clew mcp` only (src/cli/commands/mcp.ts).
  { ...nodeCommon, entryPoints: [join(root, 'src/mcp/main.ts')], outfile: join(root, 'dist/mcpServer.js') },
  { ...nodeCommon, entryPoints: [join(root, 'src/engine/hash/hashWorker.ts')], outfile: join(root, 'dist/hashWorker.js') },
  { ...nodeCommon, entryPoints: [join(root, 'src/engine/api.ts')], outfile: join(root, 'dist/api.js') },
  {
    entryPoints: [join(root, 'src/webview/main.ts')],
    outfile: join(root, 'dist/webview.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  },
];

const integrationTests = listFiles(join(root, 'test/integration'), (f) => f.endsWith('.ts'));
if (integrationTests.length > 0) {
  builds.push({ ...nodeCommon, entryPoints: integrationTests, outdir: join(root, 'dist/test'), outbase: join(root, 'test/integration') });
}
const unitTests = listFiles(join(root, 'test'), (f) => f.endsWith('.test.ts') && !f.includes('/integration/') && !f.includes('/ui/'));
if (unitTests.length > 0) {
  builds.push({ ...nodeCommon, entryPoints: unitTests, outdir: join(root, 'out/test'), outbase: join(root, 'test') });
}
const benches = listFiles(join(root, 'bench'), (f) => f.endsWith('.ts'));
if (benches.length > 0) {
  builds.push({ ...nodeCommon, entryPoints: benches, outdir: join(root, 'out/bench'), outbase: join(root, 'bench') });
}

const present = builds.filter((b) => !b.entryPoints || b.entryPoints.every((e) => existsSync(e)));
await Promise.all(present.map((options) => esbuild.build(options)));

copyFileSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(root, 'dist/sql-wasm.wasm'));
const writerHelper = join(root, 'src/engine/store/clew_writer.py');
if (existsSync(writerHelper)) copyFileSync(writerHelper, join(root, 'dist/clew_writer.py'));
// The LD_PRELOAD interposer's source: compiled on first `clew record` (src/engine/record/preload.ts).
const preloadSource = join(root, 'src/engine/record/clew_preload.c');
if (existsSync(preloadSource)) copyFileSync(preloadSource, join(root, 'dist/clew_preload.c'));
// Agent-facing pages served by clew_skills_get (src/mcp/tools/skills.ts).
const skillsDir = join(root, 'src/mcp/skills');
if (existsSync(skillsDir)) {
  rmSync(join(root, 'dist/mcp-skills'), { recursive: true, force: true });
  mkdirSync(join(root, 'dist/mcp-skills'), { recursive: true });
  for (const name of readdirSync(skillsDir).filter((n) => n.endsWith('.md'))) copyFileSync(join(skillsDir, name), join(root, 'dist/mcp-skills', name));
}
if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
console.log(`built ${present.length} bundles into ${relative(process.cwd(), join(root, 'dist')) || 'dist'}`);
void dirname; void watch;
