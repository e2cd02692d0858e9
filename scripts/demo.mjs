// `npm run demo`: the main job on an embedded example. Builds if needed, scaffolds the example
// pipeline into a temporary folder, records every step with `clew record`, prints the status,
// the chain behind the final report and the DAG, reruns the DAG in a sandbox, stamps the state,
// then edits one intermediate file to show what Clew catches. Touches nothing outside the temporary folder; exits 0 when every step ran.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli) || !existsSync(join(root, 'dist', 'clew_writer.py'))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const work = realpathSync(mkdtempSync(join(tmpdir(), 'clew-demo-')));
const project = join(work, 'example pipeline');
const keep = process.argv.includes('--keep');

function step(title, args, { expectFailure = false, cwd = project } = {}) {
  console.log(`\n$ clew ${args.join(' ')}    # ${title}`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, stdio: 'inherit' });
  if (r.status !== 0 && !expectFailure) {
    console.error(`demo: 'clew ${args.join(' ')}' exited ${r.status}`);
    process.exit(1);
  }
  return r.status;
}

try {
  step('scaffold the example pipeline', ['init-examples', project], { cwd: work });
  console.log('\n$ sh 00_run_all.sh    # run all 8 steps, each under `clew record`');
  // A `clew` shim on PATH, so the example's run-all script finds this checkout's CLI.
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(join(bin, 'clew'), `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(cli)} "$@"\n`, { mode: 0o755 });
  const run = spawnSync('sh', ['00_run_all.sh'], { cwd: project, stdio: 'inherit', env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, CLEW: 'clew' } });
  if (run.status !== 0) {
    console.error(`demo: the example pipeline failed (exit ${run.status})`);
    process.exit(1);
  }
  step('is everything still as recorded?', ['status']);
  step('where does the report come from?', ['chain', '08_analyze_out/report.json']);
  step('verify the whole DAG behind both outputs', ['dag', '08_analyze_out/report.json', '08_analyze_out/stats_by_source.csv']);
  step('are the claims in paper.tex still backed by the data?', ['claims', 'verify']);
  step('does re-executing the pipeline in a sandbox reproduce the same bytes? (your files stay untouched)', ['rerun-dag']);
  step('fix this state in time: a stamp a reviewer can check later', ['stamp']);
  const clean = join(project, '06_preprocess_c_out', 'clean_C.csv');
  writeFileSync(clean, readFileSync(clean, 'utf8').replace(/\n(\d+),C,/, '\n$1,C,9'));
  console.log('\n# someone edits 06_preprocess_c_out/clean_C.csv by hand…');
  step('Clew notices the change and who is affected', ['status'], { expectFailure: true });
  step('strict attribution: root cause, failed node and the claims it invalidates', ['dag', '--strict', '--claims'], { expectFailure: true });
  step('the stamp still holds for the records, but --files sees the edit', ['check-stamp', '--files'], { expectFailure: true });
  step('the same picture as scitex-clew draws it (one node per run; failed runs are :::failed)', ['mermaid', '--no-files', '08_analyze_out/report.json']);
  const page = join(work, 'provenance.html');
  step('…and as a page that renders offline', ['mermaid', '-f', 'html', '-o', page]);
  console.log(`\nDemo finished. ${keep ? `The example is kept in ${project}` : 'Pass --keep to keep the example folder.'}`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
