/**
 * rerun-dag on a real one-node SLURM (test/support/slurm.ts): the same verdicts as a local rerun on
 * a pipeline with a deterministic, a time-stamping, a failing and a multi-parent step, each run a
 * job with its id, node and state; only the submitter writes the store; SIGINT of the submitter
 * scancels its jobs and leaves nothing queued; no sbatch → one clear error, exit 2. With --chain:
 * the local --chain verdicts, each child job queued after its parents' (afterok) and fed the outputs
 * their jobs re-generated; a job past its time limit ends as TIMEOUT and its child is scancelled and
 * reported as not run because of it.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rerunOnSlurm } from '../../../src/engine/rerun/slurm';
import type { RerunDagResult } from '../../../src/engine/rerun/types';
import { clew, CLI, newProject, query, recordSh, tempBase, write } from '../../support/recordedProject';
import { jobFields, squeueIds, startSlurm, type SlurmCluster } from '../../support/slurm';

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

/**
 * For --chain: a.csv → det.sh → mid.txt; stamp.sh → stamp.txt; (mid.txt, stamp.txt) → join.sh →
 * joined.txt (a multi-parent step: verified on its recorded inputs, a mismatch when fed the new
 * stamp); fail.sh writes failed.txt and then fails; (failed.txt, mid.txt) → after.sh → after.txt.
 */
function chainPipeline(name: string): string {
  const root = newProject(base, name);
  write(root, 'a.csv', 'x\n3\n1\n2\n');
  // The roots take a moment, so their children are seen waiting in the queue for them.
  write(root, 'det.sh', 'sleep 2\nsort a.csv > mid.txt\n');
  write(root, 'stamp.sh', 'sleep 2\ndate +%s%N > stamp.txt\n');
  write(root, 'join.sh', 'cat mid.txt stamp.txt > joined.txt\n');
  write(root, 'fail.sh', 'sleep 2\necho ok > failed.txt\nif [ -e fail-flag ]; then echo "boom" >&2; exit 4; fi\n');
  write(root, 'after.sh', 'cat failed.txt mid.txt > after.txt\n');
  recordSh(root, 'det.sh', ['a.csv'], ['mid.txt'], 'run-det');
  recordSh(root, 'stamp.sh', [], ['stamp.txt'], 'run-stamp');
  recordSh(root, 'join.sh', ['mid.txt', 'stamp.txt'], ['joined.txt'], 'run-join');
  recordSh(root, 'fail.sh', [], ['failed.txt'], 'run-fail');
  recordSh(root, 'after.sh', ['failed.txt', 'mid.txt'], ['after.txt'], 'run-after');
  write(root, 'fail-flag', '');
  return root;
}

/**
 * Runs the CLI without blocking, and samples squeue's dependency column (%E) while it runs: every
 * dependency each job was seen with (SLURM drops a parent from the list once it is fulfilled).
 */
async function clewWatchingQueue(c: SlurmCluster, cwd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; dependencies: Map<string, string[]> }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...c.env, SCITEX_CLEW_HOST: 'test-host' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (x: Buffer) => (stdout += x.toString()));
  child.stderr.on('data', (x: Buffer) => (stderr += x.toString()));
  let closed = false;
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => {
    closed = true;
    resolve(code);
  }));
  const dependencies = new Map<string, string[]>();
  while (!closed) {
    const q = spawnSync('squeue', ['-h', '-o', '%i %E'], { env: c.env, encoding: 'utf8' });
    for (const line of (q.stdout ?? '').split('\n')) {
      const [id, dep] = line.trim().split(/\s+/);
      if (id && dep && dep !== '(null)') dependencies.set(id, [...new Set([...(dependencies.get(id) ?? []), dep])]);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { status: await done, stdout, stderr, dependencies };
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

  test('rerun-dag --chain --executor slurm: the local --chain verdicts; each child job queued after its parents (afterok) and fed their re-generated outputs', { timeout: 240_000 }, async (t) => {
    if (!cluster) return t.skip(why);
    const c = cluster;
    const root = chainPipeline('chain');
    const local = JSON.parse(clew(root, ['rerun-dag', '--chain', '--json', '--no-record']).stdout) as RerunDagResult;
    const r = await clewWatchingQueue(c, root, ['rerun-dag', '--chain', '--executor', 'slurm', '--json']);
    assert.ok(r.stdout, r.stderr);
    const dag = JSON.parse(r.stdout) as RerunDagResult;
    assert.equal(dag.executor, 'slurm');
    assert.deepEqual(verdicts(dag), verdicts(local));
    // join.sh is fed the new stamp (a mismatch; on its recorded inputs it verifies), after.sh the
    // failed step's re-generated failed.txt (the same bytes: verified).
    assert.deepEqual(verdicts(dag), { 'run-det': 'verified', 'run-stamp': 'mismatch', 'run-fail': 'mismatch', 'run-join': 'mismatch', 'run-after': 'verified' });
    const byId = new Map(dag.runs.map((x) => [x.session_id, x]));
    const localById = new Map(local.runs.map((x) => [x.session_id, x]));
    for (const run of dag.runs) {
      assert.equal(run.rerun.executor, 'slurm');
      assert.equal(run.rerun.slurm_state, 'COMPLETED', `${run.session_id}: ${run.rerun.reason ?? ''}`);
      assert.equal(run.rerun.chained, true);
      assert.ok(run.rerun.sandbox, 'the job ran the sandbox');
      assert.deepEqual(run.upstream_failures, localById.get(run.session_id)?.upstream_failures);
      assert.deepEqual(run.files.map((f) => [f.path, f.status, f.explanation?.kind ?? null]), localById.get(run.session_id)?.files.map((f) => [f.path, f.status, f.explanation?.kind ?? null]));
    }
    const joined = byId.get('run-join')?.files[0];
    assert.equal(joined?.explanation?.kind, 'text');
    assert.deepEqual(joined?.explanation?.lines, localById.get('run-join')?.files[0].explanation?.lines, 'the same explanation: only the stamp line differs');
    assert.match(byId.get('run-fail')?.rerun.reason ?? '', /exited with code 4/);
    // What was submitted: each child after exactly its parents' jobs.
    const job = (id: string) => byId.get(id)?.rerun.job_id ?? '';
    const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort();
    assert.deepEqual(byId.get('run-det')?.rerun.depends_on, []);
    assert.deepEqual(byId.get('run-stamp')?.rerun.depends_on, []);
    assert.deepEqual(sorted(byId.get('run-join')?.rerun.depends_on), sorted([job('run-det'), job('run-stamp')]));
    assert.deepEqual(sorted(byId.get('run-after')?.rerun.depends_on), sorted([job('run-fail'), job('run-det')]));
    // And SLURM had them: the queue showed the afterok dependencies, and no child started before its parents ended.
    for (const [child, ps] of [['run-join', ['run-det', 'run-stamp']], ['run-after', ['run-fail', 'run-det']]] as const) {
      const seen = (r.dependencies.get(job(child)) ?? []).join(' ');
      assert.match(seen, /^afterok:/, `squeue showed ${child}'s job waiting on afterok (saw ${JSON.stringify([...r.dependencies])})`);
      for (const p of ps) assert.ok(seen.includes(job(p)), `${child} waited for ${p}'s job ${job(p)}: ${seen}`);
      const started = jobFields(c, job(child)).StartTime;
      for (const p of ps) assert.ok(started >= jobFields(c, job(p)).EndTime, `${child} started ${started}, after ${p} ended ${jobFields(c, job(p)).EndTime}`);
    }
    const rows = query<{ session_id: string; status: string }>(root, "SELECT session_id, status FROM verification_results WHERE level = 'rerun' ORDER BY session_id");
    assert.deepEqual(rows, Object.entries(verdicts(dag)).map(([session_id, status]) => ({ session_id, status })).sort((a, b) => (a.session_id < b.session_id ? -1 : 1)));
    assert.equal(squeueIds(c).length, 0, 'nothing left in the queue');
    assert.deepEqual(fs.readdirSync(path.join(root, '.scitex/clew/runtime/jobs')), [], 'the jobs folder (and the outputs it held) is cleaned up');

    // rerun-claims --chain on SLURM: the DAG behind a claim's source, chained the same way.
    const add = clew(root, ['claim', 'add', '--file-path', 'paper.tex', '--type', 'value', '--line-number', '3', '--value', 'joined', '--source-file', 'joined.txt', '-y']);
    assert.equal(add.status, 0, add.stderr);
    const claims = clew(root, ['rerun-claims', '--file-path', 'paper.tex', '--chain', '--executor', 'slurm', '--json', '--no-record'], c.env);
    assert.ok(claims.stdout, claims.stderr);
    const claimsDag = JSON.parse(claims.stdout) as RerunDagResult;
    assert.deepEqual(verdicts(claimsDag), { 'run-det': 'verified', 'run-stamp': 'mismatch', 'run-join': 'mismatch' });
    const claimJoin = claimsDag.runs.find((x) => x.session_id === 'run-join')?.rerun;
    const claimJob = (id: string) => claimsDag.runs.find((x) => x.session_id === id)?.rerun.job_id ?? '';
    assert.deepEqual(sorted(claimJoin?.depends_on), sorted([claimJob('run-det'), claimJob('run-stamp')]));
    assert.equal(claimJoin?.slurm_state, 'COMPLETED');
  });

  test('--chain on SLURM with the copy sandbox (no mount namespace): the same verdicts as a local --chain', { timeout: 240_000 }, (t) => {
    if (!cluster) return t.skip(why);
    const root = chainPipeline('chain-copy');
    // sbatch hands the environment to the job, so the node-side rerun builds the copy sandbox too.
    const copy = { CLEW_RERUN_SANDBOX: 'copy' };
    const local = JSON.parse(clew(root, ['rerun-dag', '--chain', '--json', '--no-record'], copy).stdout) as RerunDagResult;
    const r = clew(root, ['rerun-dag', '--chain', '--executor', 'slurm', '--json', '--no-record'], { ...cluster.env, ...copy });
    assert.ok(r.stdout, r.stderr);
    const dag = JSON.parse(r.stdout) as RerunDagResult;
    assert.deepEqual(verdicts(dag), verdicts(local));
    assert.deepEqual(verdicts(dag), { 'run-det': 'verified', 'run-stamp': 'mismatch', 'run-fail': 'mismatch', 'run-join': 'mismatch', 'run-after': 'verified' });
    for (const run of dag.runs) assert.equal(run.rerun.sandbox, 'copy', run.session_id);
  });

  test('--chain on SLURM: a job past its time limit ends as TIMEOUT (not verified); its child is scancelled and reported as not run because of it', { timeout: 240_000 }, (t) => {
    if (!cluster) return t.skip(why);
    const root = newProject(base, 'timeout');
    const marker = `clew_slurm_timeout_${process.pid}`;
    write(root, 'slow.sh', `echo done > out.txt\nif [ -e slow-flag ]; then sh -c 'sleep 3000; : ${marker}'; fi\n`);
    write(root, 'child.sh', 'cat out.txt > child.txt\n');
    recordSh(root, 'slow.sh', [], ['out.txt'], 'run-slow');
    recordSh(root, 'child.sh', ['out.txt'], ['child.txt'], 'run-child');
    write(root, 'slow-flag', '');
    const started = Date.now();
    const r = clew(root, ['rerun-dag', '--chain', '--executor', 'slurm', '--timeout', '60', '--json'], cluster.env);
    assert.ok(r.stdout, r.stderr);
    const dag = JSON.parse(r.stdout) as RerunDagResult;
    const slow = dag.runs.find((x) => x.session_id === 'run-slow');
    const child = dag.runs.find((x) => x.session_id === 'run-child');
    assert.equal(slow?.rerun.slurm_state, 'TIMEOUT', slow?.rerun.reason ?? '');
    assert.equal(slow?.status, 'unknown');
    assert.equal(slow?.is_verified, false);
    assert.match(slow?.rerun.reason ?? '', /SLURM ended job \d+ as TIMEOUT.*not verified/);
    assert.equal(jobFields(cluster, slow?.rerun.job_id ?? '').TimeLimit, '00:01:00', '--timeout 60 became the job\'s time limit');
    assert.equal(child?.status, 'unknown');
    assert.equal(child?.is_verified, false);
    assert.equal(child?.rerun.sandbox, null, 'the child never ran');
    assert.equal(child?.rerun.slurm_state, 'CANCELLED');
    assert.deepEqual(child?.rerun.depends_on, [slow?.rerun.job_id]);
    assert.match(child?.rerun.reason ?? '', new RegExp(`not run because its parent run run-slow \\(slow\\.sh\\) failed on SLURM \\(job ${slow?.rerun.job_id} ended as TIMEOUT\\).*job ${child?.rerun.job_id} was cancelled with scancel`));
    assert.equal(jobFields(cluster, child?.rerun.job_id ?? '').JobState, 'CANCELLED', 'scancel reached SLURM');
    assert.deepEqual(child?.upstream_failures, ['run-slow']);
    assert.deepEqual(dag.root_causes, ['run-slow']);
    assert.equal(dag.is_verified, false);
    assert.equal(r.status, 10, 'exit 10: unknown');
    assert.deepEqual(query(root, "SELECT session_id FROM verification_results WHERE level = 'rerun'"), [], 'nothing proven, nothing recorded');
    assert.deepEqual(squeueIds(cluster), []);
    const left = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.readFileSync(path.join('/proc', p, 'cmdline'), 'utf8').includes(marker);
      } catch {
        return false;
      }
    });
    assert.deepEqual(left, [], 'SLURM killed the run');
    t.diagnostic(`TIMEOUT seen after ${Math.round((Date.now() - started) / 1000)} s`);
  });

  test('--chain on SLURM over a cycle (the order breaks it): no job waits for a later one, the local verdicts', { timeout: 120_000 }, (t) => {
    if (!cluster) return t.skip(why);
    const root = newProject(base, 'cycle');
    write(root, 'y.txt', 'seed\n');
    write(root, 'a.sh', 'cat y.txt > x.txt\n');
    write(root, 'b.sh', 'cat x.txt > y.txt\n');
    recordSh(root, 'a.sh', ['y.txt'], ['x.txt'], 'run-a');
    recordSh(root, 'b.sh', ['x.txt'], ['y.txt'], 'run-b');
    const local = JSON.parse(clew(root, ['rerun-dag', '--chain', '--json', '--no-record']).stdout) as RerunDagResult;
    assert.equal(local.edges.length, 2, 'the store holds a cycle');
    const r = clew(root, ['rerun-dag', '--chain', '--executor', 'slurm', '--json', '--no-record'], cluster.env);
    assert.ok(r.stdout, r.stderr);
    const dag = JSON.parse(r.stdout) as RerunDagResult;
    assert.deepEqual(verdicts(dag), verdicts(local));
    const [first, second] = dag.topological_order.map((id) => dag.runs.find((x) => x.session_id === id)?.rerun);
    assert.deepEqual(first?.depends_on, []);
    assert.deepEqual(second?.depends_on, [first?.job_id]);
  });

  test('a job after a failed job (DependencyNeverSatisfied, nothing else known) is scancelled, not left pending', { timeout: 120_000 }, async (t) => {
    if (!cluster) return t.skip(why);
    const c = cluster;
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(base), 'never-'));
    // rerunOnSlurm runs sbatch/scontrol from this process: point them at the test cluster.
    const conf = process.env.SLURM_CONF;
    process.env.SLURM_CONF = c.conf;
    t.after(() => {
      if (conf === undefined) delete process.env.SLURM_CONF;
      else process.env.SLURM_CONF = conf;
    });
    fs.writeFileSync(path.join(dir, 'fail.sh'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const failed = spawnSync('sbatch', ['--parsable', `--output=${path.join(dir, 'fail.out')}`, path.join(dir, 'fail.sh')], { env: c.env, encoding: 'utf8' });
    assert.equal(failed.status, 0, failed.stderr);
    const parentJob = failed.stdout.trim().split(';')[0];
    const run = { session_id: 'run-orphan', script_path: null, script_hash: null, started_at: null, status: null, parent_session: null, combined_hash: null, provenance: 'tracked', exception_reason: null };
    const states: string[] = [];
    const result = await rerunOnSlurm({ run, inputs: [], outputs: [] }, path.join(dir, 'clew.db'), path.join(dir, 'jobs'), { timeoutMs: 60_000 }, { cliPath: CLI, sbatchArgs: [], pollMs: 300 }, (_id, state) => states.push(state), { dependsOn: [parentJob], chain: { fed: [], from: [] } });
    assert.equal(result.status, 'unknown');
    assert.equal(result.is_verified, false);
    assert.equal(result.rerun.slurm_state, 'CANCELLED');
    assert.deepEqual(result.rerun.depends_on, [parentJob]);
    assert.match(result.rerun.reason ?? '', /not run because a job it depends on did not succeed \(DependencyNeverSatisfied\); job \d+ was cancelled with scancel/);
    assert.equal(jobFields(c, result.rerun.job_id ?? '').JobState, 'CANCELLED');
    assert.equal(jobFields(c, parentJob).JobState, 'FAILED');
    assert.deepEqual(squeueIds(c), []);
  });

  test('without sbatch on PATH: one clear error, exit 2', () => {
    const root = pipeline('nosbatch');
    const r = clew(root, ['rerun-dag', '--executor', 'slurm'], { PATH: '/nonexistent' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /needs SLURM's sbatch on PATH/);
  });
});
