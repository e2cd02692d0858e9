/**
 * rerun-dag on a real one-node SLURM (test/support/slurm.ts): the same verdicts as a local rerun on
 * a pipeline with a deterministic, a time-stamping, a failing and a multi-parent step, each run a
 * job with its id, node and state; only the submitter writes the store; SIGINT of the submitter
 * scancels its jobs and leaves nothing queued; no sbatch → one clear error, exit 2.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RerunDagResult } from '../../../src/engine/rerun/types';
import { clew, CLI, newProject, query, recordSh, tempBase, write } from '../../support/recordedProject';
import { squeueIds, startSlurm, type SlurmCluster } from '../../support/slurm';

const base = tempBase('clew-slurm-test-');
let cluster: SlurmCluster | undefined;
let why = '';

before(async () => {
  const started = await startSlurm();
  if (typeof started === 'string') {
    why = started;
    if (process.env.CI === 'true') throw new Error(`CI=true: the SLURM tests must run, but ${started}`);
  } else cluster = started;
});
after(() => {
  cluster?.stop();
  fs.rmSync(base, { recursive: true, force: true });
});

/** a.csv → det.sh → mid.txt; stamp.sh → stamp.txt; (mid.txt, stamp.txt) → join.sh → joined.txt (on its recorded inputs it reproduces); fail.sh fails when rerun. */
function pipeline(name: string): string {
  const root = newProject(base, name);
  write(root, 'a.csv', 'x\n3\n1\n2\n');
  write(root, 'det.sh', 'sort a.csv > mid.txt\n');
  write(root, 'stamp.sh', 'date +%s%N > stamp.txt\n');
  write(root, 'join.sh', 'cat mid.txt stamp.txt > joined.txt\n');
  write(root, 'fail.sh', 'echo ok > failed.txt\nif [ -e fail-flag ]; then echo "boom" >&2; exit 4; fi\n');
  recordSh(root, 'det.sh', ['a.csv'], ['mid.txt'], 'run-det');
  recordSh(root, 'stamp.sh', [], ['stamp.txt'], 'run-stamp');
  recordSh(root, 'join.sh', ['mid.txt', 'stamp.txt'], ['joined.txt'], 'run-join');
  recordSh(root, 'fail.sh', [], ['failed.txt'], 'run-fail');
  write(root, 'fail-flag', '');
  return root;
}

const verdicts = (d: RerunDagResult) => Object.fromEntries(d.runs.map((r) => [r.session_id, r.status]));

describe('rerun on SLURM', () => {
  test('rerun-dag --executor slurm: the local verdicts, one job per run, rows written by the submitter only', { timeout: 240_000 }, (t) => {
    if (!cluster) return t.skip(why);
    const root = pipeline('same');
    const local = clew(root, ['rerun-dag', '--json', '--no-record']);
    const localDag = JSON.parse(local.stdout) as RerunDagResult;
    const r = clew(root, ['rerun-dag', '--executor', 'slurm', '--json'], cluster.env);
    assert.ok(r.stdout, r.stderr);
    const dag = JSON.parse(r.stdout) as RerunDagResult;
    assert.equal(dag.executor, 'slurm');
    assert.deepEqual(verdicts(dag), verdicts(localDag));
    assert.deepEqual(verdicts(dag), { 'run-det': 'verified', 'run-stamp': 'mismatch', 'run-join': 'verified', 'run-fail': 'mismatch' });
    for (const run of dag.runs) {
      assert.equal(run.rerun.executor, 'slurm');
      assert.match(run.rerun.job_id ?? '', /^\d+$/);
      assert.equal(run.rerun.node, cluster.node);
      assert.equal(run.rerun.slurm_state, 'COMPLETED');
      assert.ok(run.rerun.sandbox, 'the job ran the same sandbox');
    }
    assert.match(dag.runs.find((x) => x.session_id === 'run-fail')?.rerun.reason ?? '', /exited with code 4/);
    const stampFile = dag.runs.find((x) => x.session_id === 'run-stamp')?.files[0];
    assert.equal(stampFile?.explanation?.kind, 'text', 'the explanation came back from the node');
    const rows = query<{ session_id: string; status: string }>(root, "SELECT session_id, status FROM verification_results WHERE level = 'rerun' ORDER BY session_id");
    assert.deepEqual(rows, [
      { session_id: 'run-det', status: 'verified' },
      { session_id: 'run-fail', status: 'mismatch' },
      { session_id: 'run-join', status: 'verified' },
      { session_id: 'run-stamp', status: 'mismatch' },
    ]);
    const text = clew(root, ['rerun-dag', '--executor', 'slurm', '--no-record'], cluster.env);
    assert.match(text.stdout, new RegExp(`SLURM job \\d+ ran on ${cluster.node}: COMPLETED`));
    assert.equal(squeueIds(cluster).length, 0, 'nothing left in the queue');
  });

  test('SIGINT of the submitter scancels every job: squeue is empty, no script process is left', { timeout: 120_000 }, async (t) => {
    if (!cluster) return t.skip(why);
    const root = newProject(base, 'cancel');
    const marker = `clew_slurm_marker_${process.pid}`;
    write(root, 'slow.sh', `echo done > out.txt\nif [ -e slow-flag ]; then sh -c 'sleep 3000; : ${marker}'; fi\n`);
    recordSh(root, 'slow.sh', [], ['out.txt'], 'run-slow');
    write(root, 'slow-flag', '');
    const child = spawn(process.execPath, [CLI, 'rerun-dag', '--executor', 'slurm', '--json'], { cwd: root, env: cluster.env });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    for (let i = 0; i < 100 && !/RUNNING/.test(stderr); i++) await new Promise((r) => setTimeout(r, 300));
    assert.match(stderr, /RUNNING/, 'the job started');
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130);
    for (let i = 0; i < 20 && squeueIds(cluster as SlurmCluster).length > 0; i++) await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(squeueIds(cluster), []);
    const left = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.readFileSync(path.join('/proc', p, 'cmdline'), 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
    assert.deepEqual(left, [], 'no process of the run is left');
  });

  test('without sbatch on PATH: one clear error, exit 2', () => {
    const root = pipeline('nosbatch');
    const r = clew(root, ['rerun-dag', '--executor', 'slurm'], { PATH: '/nonexistent' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs SLURM's sbatch on PATH/);
  });
});
