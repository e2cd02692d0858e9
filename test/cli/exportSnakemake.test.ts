/**
 * `clew export snakemake`: the recorded example pipeline becomes a Snakefile that Debian's real
 * snakemake runs unchanged; with the outputs deleted, snakemake rebuilds them and `clew status`
 * then says every run verified — also for file names with braces (Snakemake's wildcards), quotes,
 * spaces, unicode and markup, where rule all lists only the final outputs. Under CI=true a missing
 * snakemake fails the test.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clew, newProject, recordSh, tempBase, write } from '../support/recordedProject';

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

/** File names Snakemake or Python could misread: wildcards, bare and comma braces, quotes, spaces, unicode, markup. */
const RAW = 'data/raw {sample} "q".csv';
const MID = "out/mid {}'s <script>.txt";
const FINAL = 'out/final {sample} é日本.txt';
const REPORT = 'report {x,y} ok.txt';

test('file names with braces, quotes, spaces, unicode and <script>: rule all lists the final outputs, snakemake rebuilds them, clew status verifies', { skip }, () => {
  assert.ok(hasSnakemake, 'snakemake is needed under CI=true (scripts/install-system-deps.sh installs it)');
  const root = newProject(base, 'odd names');
  write(root, RAW, 'b\na\nc\n');
  write(root, 'step {a}.sh', `mkdir -p out\nsort '${RAW}' > "${MID}"\n`);
  write(root, "step 'b'.sh", `tr a-z A-Z < "${MID}" > '${FINAL}'\n`);
  write(root, 'step <c>.sh', `wc -l < "${MID}" > '${REPORT}'\ncat '${RAW}' >> '${REPORT}'\n`);
  recordSh(root, 'step {a}.sh', [RAW], [MID], 'run-a');
  recordSh(root, "step 'b'.sh", [MID], [FINAL], 'run-b');
  recordSh(root, 'step <c>.sh', [MID, RAW], [REPORT], 'run-c');
  const recorded = new Map([MID, FINAL, REPORT].map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
  const exported = clew(root, ['export', 'snakemake', '-o', 'Snakefile']);
  assert.equal(exported.status, 0, exported.stderr);
  const snakefile = fs.readFileSync(path.join(root, 'Snakefile'), 'utf8');
  // rule all: the two outputs no rule reads, not the intermediate.
  const all = /^rule all:\n {4}input:\n((?: {8}.*\n)+)/m.exec(snakefile)?.[1] ?? '';
  assert.match(all, new RegExp(`# ${JSON.stringify(FINAL).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(all, new RegExp(`# ${JSON.stringify(REPORT).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.equal(all.trim().split('\n').length, 2, all);
  assert.equal((snakefile.match(/^rule /gm) ?? []).length, 4, 'rule all and one rule per run');

  const snake = (...args: string[]) => spawnSync('snakemake', ['--cores', '1', '-s', 'Snakefile', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  // Everything is up to date right after the export.
  const fresh = snake('-n');
  assert.equal(fresh.status, 0, `${fresh.stdout}\n${fresh.stderr}`);
  assert.match(`${fresh.stdout}${fresh.stderr}`, /Nothing to be done/);
  // Outputs deleted: snakemake rebuilds all of them, with the recorded bytes.
  fs.rmSync(path.join(root, 'out'), { recursive: true });
  fs.rmSync(path.join(root, REPORT));
  const rebuilt = snake();
  assert.equal(rebuilt.status, 0, `${rebuilt.stdout}\n${rebuilt.stderr}`);
  for (const [f, text] of recorded) assert.equal(fs.readFileSync(path.join(root, f), 'utf8'), text, f);
  const status = clew(root, ['status']);
  assert.equal(status.status, 0, status.stdout + status.stderr);
  assert.match(status.stdout, /verified/);
  assert.match(`${snake('-n').stdout}`, /Nothing to be done/, 'a second run has nothing to do');
  // The intermediate (not in rule all) and one final deleted: the intermediate is rebuilt because the
  // final needs it, and the other final, which reads it, follows.
  fs.rmSync(path.join(root, MID));
  fs.rmSync(path.join(root, FINAL));
  const again = snake();
  assert.equal(again.status, 0, `${again.stdout}\n${again.stderr}`);
  assert.match(again.stdout + again.stderr, /4 of 4 steps \(100%\) done/);
  for (const [f, text] of recorded) assert.equal(fs.readFileSync(path.join(root, f), 'utf8'), text, f);
  assert.equal(clew(root, ['status']).status, 0);
  // An input edited after the export: the runs that read it are rerun.
  const touched = new Date(Date.now() + 5000);
  fs.utimesSync(path.join(root, RAW), touched, touched);
  const edited = snake('-n');
  assert.match(edited.stdout + edited.stderr, /run_1_run_a/, 'the rule reading the edited input is due');
});
