/**
 * `clew export snakemake`: the recorded example pipeline becomes a Snakefile that Debian's real
 * snakemake runs unchanged; with the outputs deleted, snakemake rebuilds them and `clew status`
 * then says every run verified. Under CI=true a missing snakemake fails the test.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clew, tempBase } from '../support/recordedProject';

const CLI = path.join(__dirname, '../../../dist/cli.js');
const hasSnakemake = spawnSync('snakemake', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !hasSnakemake && !process.env.CI ? 'snakemake is not installed (apt-get install snakemake)' : false;
const base = tempBase('clew-snake-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

test('the exported Snakefile rebuilds deleted outputs, and clew status then verifies', { skip }, () => {
  assert.ok(hasSnakemake, 'snakemake is needed under CI=true (scripts/install-system-deps.sh installs it)');
  const root = path.join(fs.realpathSync(base), 'example project');
  assert.equal(clew(base, ['init-examples', root]).status, 0);
  const run = spawnSync('sh', [path.join(root, '00_run_all.sh')], { cwd: root, encoding: 'utf8', env: { ...process.env, CLEW: `${process.execPath} ${CLI}` } });
  assert.equal(run.status, 0, run.stderr);
  const exported = clew(root, ['export', 'snakemake', '-o', 'Snakefile']);
  assert.equal(exported.status, 0, exported.stderr);
  const snakefile = fs.readFileSync(path.join(root, 'Snakefile'), 'utf8');
  assert.match(snakefile, /^rule all:/m);
  assert.equal((snakefile.match(/^rule /gm) ?? []).length, 9, 'rule all and one rule per run');
  for (const dir of fs.readdirSync(root).filter((d) => d.endsWith('_out'))) fs.rmSync(path.join(root, dir), { recursive: true });
  const snake = spawnSync('snakemake', ['--cores', '1', '-s', 'Snakefile'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  assert.equal(snake.status, 0, `${snake.stdout}\n${snake.stderr}`);
  const status = clew(root, ['status']);
  assert.equal(status.status, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /verified/);
});
