/**
 * For the export tests: a small recorded pipeline with hostile file names (raw → clean → figure,
 * plus a script that ran twice), a claim on its figure and a file stamp; and Debian's python3
 * (rdflib, prov), which the tests read the exports with. Without those modules a test skips with
 * the reason, except under CI=true, where it fails: CI must have them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clew, newProject, recordSh, write } from './recordedProject';

export const DEBIAN_PYTHON = '/usr/bin/python3';

/** A reason to skip when `modules` cannot be imported by Debian's python3; throws under CI=true. */
export function pythonModulesMissing(modules: readonly string[]): string | false {
  const r = spawnSync(DEBIAN_PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (r.status === 0) return false;
  const reason = `${DEBIAN_PYTHON} cannot import ${modules.join(', ')} (apt-get install ${modules.map((m) => `python3-${m}`).join(' ')})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
  return reason;
}

/** Runs a python script with JSON arguments and returns its JSON output. */
export function python<T>(script: string, args: readonly string[]): T {
  const r = spawnSync(DEBIAN_PYTHON, ['-c', script, ...args], { encoding: 'utf8', env: { ...process.env, no_proxy: '*', http_proxy: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' } });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export const RAW = 'data/raw "ü" <script>.csv';
export const CLEAN = 'out/clean data.csv';
export const FIGURE = 'out/fig.txt';

/** Records the pipeline in `<base>/<name>`; returns the project root. */
export function recordExportProject(base: string, name = 'proj'): string {
  const root = newProject(base, name);
  write(root, RAW, 'a,b\n1,2\n3,4\n');
  write(root, 'clean.sh', `tr -d '#' < 'data/raw "ü" <script>.csv' > 'out/clean data.csv'\n`);
  write(root, 'plot.sh', `wc -l < 'out/clean data.csv' > out/fig.txt\n`);
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  recordSh(root, 'clean.sh', [RAW], [CLEAN], 'S1-clean');
  recordSh(root, 'plot.sh', [CLEAN], [FIGURE], 'S2-plot');
  write(root, 'paper.tex', 'We found\n\nn = 3 rows\n');
  const claim = clew(root, ['claims', 'add', '--file', 'paper.tex', '--type', 'value', '--line', '3', '--value', 'n = 3 rows', '--source', FIGURE, '--session', 'S2-plot']);
  if (claim.status !== 0) throw new Error(`claims add failed: ${claim.stderr}`);
  const stamp = clew(root, ['stamp']);
  if (stamp.status !== 0) throw new Error(`stamp failed: ${stamp.stderr}`);
  return root;
}
