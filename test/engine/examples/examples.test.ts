/**
 * The scaffolded example pipelines run to completion with python3 under `clew record`, and the
 * stores they produce verify with `clew status` and `clew dag` (expected DAG shapes of spec §10).
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exampleTargets } from '../../../src/engine/examples/pipelines';
import { CLI } from '../../support/repo';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew examples ')));
after(() => fs.rmSync(base, { recursive: true, force: true }));

// A `clew` on PATH for the run-all script, pointing at this build.
const bin = path.join(base, 'bin');
fs.mkdirSync(bin);
fs.writeFileSync(path.join(bin, 'clew'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`, { mode: 0o755 });
const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, CLEW: 'clew', SCITEX_CLEW_DB_PATH: '' };

function clew(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env });
}

for (const [variant, runs, edges] of [['sequential', 8, 7], ['multi_parent', 8, 9]] as const) {
  test(`${variant}: scaffold, run, verify`, { timeout: 240_000 }, () => {
    const dest = path.join(base, variant);
    assert.equal(clew(base, 'init-examples', dest, '--variant', variant).status, 0);
    assert.equal(clew(base, 'init-examples', dest, '--variant', variant).status, 2, 'refuses a non-empty folder');
    const run = spawnSync('sh', ['00_run_all.sh'], { cwd: dest, encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
    const status = clew(dest, 'status', '--json');
    assert.equal(status.status, 0, status.stdout);
    assert.equal((JSON.parse(status.stdout) as { verified_count: number }).verified_count, runs);
    const dag = clew(dest, 'dag', '--json', ...exampleTargets(variant));
    assert.equal(dag.status, 0, dag.stdout);
    const parsed = JSON.parse(dag.stdout) as { runs: unknown[]; edges: unknown[]; status: string };
    assert.deepEqual([parsed.status, parsed.runs.length, parsed.edges.length], ['verified', runs, edges]);
    const claims = clew(dest, 'claims', 'verify', '--json');
    assert.equal(claims.status, 0, claims.stdout);
    assert.deepEqual((({ total, verified }) => [total, verified])(JSON.parse(claims.stdout) as { total: number; verified: number }), [2, 2]);
  });
}
