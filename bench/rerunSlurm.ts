/**
 * The SLURM executor's cost: 20 independent runs of 2 seconds each (sleep: the node's CPUs are
 * not the question), `rerun-dag --executor slurm` on a one-node SLURM started here vs the local
 * `rerun-dag --jobs 20`, in the same run. Prints the wall of each and the executor's overhead per
 * run ((slurm − local) / runs): submission, scheduling (sched_interval=2), polling and reading the
 * results back. Needs root and Debian's slurm-wlm + munge (it says so and exits 0 otherwise).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSlurm } from '../test/support/slurm';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const RUNS = 20;

function wall(root: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: root, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`clew ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return ms;
}

async function main(): Promise<void> {
  const cluster = await startSlurm();
  if (typeof cluster === 'string') {
    console.log(`rerunSlurm: not measured: ${cluster}`);
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-bench-slurm-'));
  try {
    fs.mkdirSync(path.join(root, '.git'));
    for (let k = 0; k < RUNS; k++) {
      fs.writeFileSync(path.join(root, `step${k}.sh`), `sleep 2; echo ${k} > out${k}.txt\n`);
      execFileSync(process.execPath, [CLI, 'record', '--session-id', `bench-${k}`, '--output', `out${k}.txt`, '--', 'sh', `step${k}.sh`], { cwd: root, stdio: 'pipe' });
    }
    const local = wall(root, ['rerun-dag', '--jobs', String(RUNS), '--no-record', '--json'], cluster.env);
    const cpus = os.availableParallelism();
    // The same concurrency as the node gives (one CPU per job): the fair baseline for the executor itself.
    const localSame = wall(root, ['rerun-dag', '--jobs', String(cpus), '--no-record', '--json'], cluster.env);
    const slurm = wall(root, ['rerun-dag', '--executor', 'slurm', '--no-record', '--json'], cluster.env);
    console.log(`${RUNS} independent 2-second runs on ${os.availableParallelism()} CPUs (one SLURM node)`);
    console.log(`  local rerun-dag --jobs ${RUNS}:   ${(local / 1000).toFixed(1)} s`);
    console.log(`  local rerun-dag --jobs ${cpus}:    ${(localSame / 1000).toFixed(1)} s  (the node's concurrency: one CPU per job)`);
    console.log(`  rerun-dag --executor slurm:  ${(slurm / 1000).toFixed(1)} s  (${(slurm / localSame).toFixed(2)}× local at the same concurrency, ${(slurm / local).toFixed(2)}× local --jobs ${RUNS})`);
    console.log(`  executor overhead per run:   ${((slurm - localSame) / RUNS / 1000).toFixed(2)} s at the same concurrency (submission, sched_interval=2 scheduling, 1 s polling)`);
  } finally {
    cluster.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
