/**
 * clew rerun / rerun-dag on projects recorded with the real CLI, replayed in the strongest
 * (Flags that switch a script's behaviour live in the project: /tmp outside it is private to a rerun.)
 * sandbox this machine offers: deterministic pipelines verify and leave one rerun row per run,
 * timestamps mismatch with an explanation (and verify under a declared rule), hangs time out
 * with no process left behind, failures are reported failed, changed inputs are refused unless
 * asked, and a hostile script changes nothing of the user's files or store.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RerunDagResult, RerunVerification } from '../../../src/engine/rerun/types';
import { clew, dumpDelta, execSql, newProject, processesMatching, query, recordSh, storeDump, tempBase, treeHash, write } from '../../support/recordedProject';

const base = tempBase('clew-rerun-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

/** in.csv → step1.sh → mid.csv → step2.sh → out.txt */
function pipeline(name: string): string {
  const root = newProject(base, name);
  write(root, 'data/in.csv', 'x,y\n1,2\n3,4\n');
  write(root, 'step1.sh', 'mkdir -p work && sort -r data/in.csv > work/mid.csv\n');
  write(root, 'step2.sh', 'wc -l < work/mid.csv > out.txt\n');
  recordSh(root, 'step1.sh', ['data/in.csv'], ['work/mid.csv'], 'run-1');
  recordSh(root, 'step2.sh', ['work/mid.csv'], ['out.txt'], 'run-2');
  return root;
}

describe('rerun a deterministic pipeline', () => {
  test('rerun-dag: every run verified from scratch, one rerun row each, nothing else changed', () => {
    const root = pipeline('deterministic');
    const tree = treeHash(root);
    const dump = storeDump(root);
    const r = clew(root, ['rerun-dag', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const dag = json<RerunDagResult>(r.stdout);
    assert.equal(dag.status, 'verified');
    assert.equal(dag.is_verified, true);
    assert.equal(dag.num_runs, 2);
    assert.deepEqual(dag.topological_order, ['run-1', 'run-2']);
    assert.deepEqual(dag.edges, [{ parent: 'run-1', child: 'run-2' }]);
    for (const run of dag.runs) {
      assert.equal(run.status, 'verified', run.rerun.reason ?? run.rerun.stderr_tail);
      assert.ok(run.rerun.sandbox, 'it was executed in a sandbox');
      assert.equal(run.rerun.recorded, true);
      // Files are reported by their full recorded path, not their basename.
      for (const f of run.files) assert.ok(path.isAbsolute(f.path), f.path);
    }
    assert.deepEqual(treeHash(root), tree);
    const delta = dumpDelta(dump, storeDump(root));
    assert.deepEqual(delta.removed, []);
    assert.equal(delta.added.length, 2, delta.added.join('\n'));
    for (const line of delta.added) assert.match(line, /^INSERT INTO "verification_results" .*'rerun','verified'/);
    const rows = query<{ session_id: string; level: string; status: string }>(root, 'SELECT session_id, level, status FROM verification_results ORDER BY session_id');
    assert.deepEqual(rows, [{ session_id: 'run-1', level: 'rerun', status: 'verified' }, { session_id: 'run-2', level: 'rerun', status: 'verified' }]);
  });

  test('rerun TARGET by output file and by script: upstream RunVerification shape, level rerun', () => {
    const root = pipeline('targets');
    const r = clew(root, ['rerun', 'out.txt', 'step1.sh', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const results = json<RerunVerification[]>(r.stdout);
    assert.deepEqual(results.map((x) => x.session_id), ['run-2', 'run-1']);
    for (const x of results) {
      assert.equal(x.level, 'rerun');
      assert.equal(x.is_verified, true);
      assert.equal(x.is_verified_from_scratch, true);
    }
    const fromScratch = clew(root, ['run', 'run-1', '--from-scratch', '--json']);
    assert.equal(fromScratch.status, 0, fromScratch.stderr);
    assert.equal(json<RerunVerification>(fromScratch.stdout).is_verified_from_scratch, true);
    const text = clew(root, ['rerun', 'run-2']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /step2\.sh/);
  });

  test('--chain feeds each run its parent\u2019s regenerated outputs: an intermediate edited since verifies from the roots', () => {
    const root = pipeline('chain');
    // Someone edited the intermediate after it was recorded: run-2's recorded input is gone.
    write(root, 'work/mid.csv', 'edited by hand\n');
    const tree = treeHash(root);
    const independent = json<RerunDagResult>(clew(root, ['rerun-dag', '--json']).stdout);
    const second = independent.runs.find((r) => r.session_id === 'run-2');
    assert.equal(second?.status, 'unknown', 'without --chain, run-2 cannot get its recorded input');
    assert.match(second?.rerun.reason ?? '', /mid\.csv/);
    const r = clew(root, ['rerun-dag', '--chain', '--jobs', '2', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const chained = json<RerunDagResult>(r.stdout);
    assert.deepEqual(chained.runs.map((x) => [x.session_id, x.status]), [['run-1', 'verified'], ['run-2', 'verified']]);
    assert.deepEqual(treeHash(root), tree, 'the hand edit is left as it is');
  });

  test('--skip-unchanged answers from hashes without executing, and leaves no row', () => {
    const root = pipeline('skip');
    const r = clew(root, ['rerun', 'run-1', '--skip-unchanged', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const result = json<RerunVerification>(r.stdout);
    assert.equal(result.level, 'cache');
    assert.equal(result.is_verified_from_scratch, false);
    assert.equal(result.rerun.sandbox, null);
    assert.deepEqual(query(root, 'SELECT * FROM verification_results'), []);
  });
});

describe('rerun reports what differs and why', () => {
  test('a timestamp output mismatches with an explanation naming the file; a declared rule verifies it', () => {
    const root = newProject(base, 'timestamp');
    write(root, 'stamp.sh', 'echo "result 42" > report.txt\necho "made at $(date +%s%N)" >> report.txt\n');
    recordSh(root, 'stamp.sh', [], ['report.txt'], 'run-ts');
    const r = clew(root, ['rerun', 'run-ts', '--json']);
    assert.equal(r.status, 12, r.stderr);
    const result = json<RerunVerification>(r.stdout);
    assert.equal(result.status, 'mismatch');
    const file = result.files.find((f) => f.path === path.join(root, 'report.txt'));
    assert.ok(file, JSON.stringify(result.files));
    assert.equal(file.status, 'mismatch');
    assert.ok(file.explanation, 'a mismatch is explained');
    assert.match(file.explanation.summary, /line/i);
    assert.ok(file.rerun_output && fs.existsSync(file.rerun_output), 'the rerun version is kept for Show Difference');
    assert.match(fs.readFileSync(file.rerun_output, 'utf8'), /^result 42\nmade at \d+/);
    const text = clew(root, ['rerun', 'run-ts']);
    assert.match(text.stdout, /report\.txt/);

    write(root, '.scitex/clew/config.yaml', 'rerun:\n  equivalence:\n    - name: ignore build time\n      glob: "*.txt"\n      ignore_lines: ["^made at "]\n');
    const ruled = clew(root, ['rerun', 'run-ts', '--json']);
    assert.equal(ruled.status, 0, ruled.stderr + ruled.stdout);
    const verified = json<RerunVerification>(ruled.stdout);
    assert.equal(verified.status, 'verified');
    assert.equal(verified.files[0].equivalent_by, 'ignore build time');
    const statuses = query<{ status: string }>(root, 'SELECT status FROM verification_results ORDER BY id').map((x) => x.status);
    assert.deepEqual(statuses, ['mismatch', 'mismatch', 'verified'], 'one row per rerun: JSON, text, then under the rule');
  });

  test('a hanging script times out and leaves no process behind', () => {
    const root = newProject(base, 'hang');
    const marker = `clew_hang_marker_${process.pid}`;
    // Hangs only when the flag exists (it did not while recording); a grandchild sleeps too.
    write(root, 'hang.sh', `echo ok > out.txt\nif [ -e "${path.join(root, 'hang-flag')}" ]; then sh -c 'sleep 3000; : ${marker}' & sh -c 'sleep 3001; : ${marker}'; fi\n`);
    recordSh(root, 'hang.sh', [], ['out.txt'], 'run-hang');
    write(root, 'hang-flag', '');
    const started = Date.now();
    const r = clew(root, ['rerun', 'run-hang', '--timeout', '2', '--json']);
    assert.ok(Date.now() - started < 60_000, 'the timeout was honoured');
    assert.equal(r.status, 10, r.stderr);
    const result = json<RerunVerification>(r.stdout);
    assert.equal(result.status, 'unknown');
    assert.equal(result.rerun.timed_out, true);
    assert.match(result.rerun.reason ?? '', /time/i);
    assert.equal(result.rerun.recorded, false, 'a timed-out rerun proves nothing and leaves no row');
    assert.deepEqual(processesMatching(marker), []);
    fs.rmSync(path.join(root, 'hang-flag'));
  });

  test('a failing script is reported failed', () => {
    const root = newProject(base, 'fail');
    write(root, 'fail.sh', `echo ok > out.txt\nif [ -e "${path.join(root, 'fail-flag')}" ]; then echo "boom: disk on fire" >&2; exit 3; fi\n`);
    recordSh(root, 'fail.sh', [], ['out.txt'], 'run-fail');
    write(root, 'fail-flag', '');
    const r = clew(root, ['rerun', 'run-fail', '--json']);
    fs.rmSync(path.join(root, 'fail-flag'));
    assert.equal(r.status, 12, r.stderr);
    const result = json<RerunVerification>(r.stdout);
    assert.equal(result.status, 'mismatch');
    assert.equal(result.rerun.exit_code, 3);
    assert.match(result.rerun.reason ?? '', /fail/);
    assert.match(result.rerun.stderr_tail, /disk on fire/);
    assert.deepEqual(query(root, "SELECT status FROM verification_results"), [{ status: 'mismatch' }]);
  });

  test('a changed input is refused, and rerun on it with --current-inputs as a what-if', () => {
    const root = pipeline('changed-input');
    write(root, 'data/in.csv', 'x,y\n9,9\n');
    const tree = treeHash(root);
    const refused = clew(root, ['rerun', 'run-1', '--json']);
    assert.equal(refused.status, 10, refused.stderr);
    const r = json<RerunVerification>(refused.stdout);
    assert.equal(r.status, 'unknown');
    assert.equal(r.rerun.sandbox, null, 'not executed');
    assert.match(r.rerun.reason ?? '', /in\.csv/);
    assert.deepEqual(query(root, 'SELECT * FROM verification_results'), []);

    const whatIf = clew(root, ['rerun', 'run-1', '--current-inputs', '--json']);
    const w = json<RerunVerification>(whatIf.stdout);
    assert.equal(w.rerun.what_if, true);
    assert.ok(w.rerun.sandbox);
    assert.equal(w.status, 'mismatch', 'other data, other output');
    assert.deepEqual(treeHash(root), tree);
  });

  test('a run with neither a recorded command nor a script is unknown with a reason', () => {
    const root = pipeline('no-command');
    // A run recorded by some other tool: no replay info, no script, one output.
    execSql(root, [
      "INSERT INTO runs (session_id, script_path, status, started_at) VALUES ('bare', NULL, 'success', '2026-01-01T00:00:00')",
      `INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES ('bare', '${path.join(root, 'out.txt')}', 'abc', 'output')`,
    ]);
    const r = clew(root, ['rerun', 'bare', '--json']);
    assert.equal(r.status, 10, r.stderr);
    const result = json<RerunVerification>(r.stdout);
    assert.equal(result.status, 'unknown');
    assert.equal(result.rerun.sandbox, null);
    assert.match(result.rerun.reason ?? '', /command/);
  });
});

describe('the sandbox protects the user', () => {
  test('a hostile script changes no user file and no existing store row', () => {
    const root = newProject(base, 'hostile');
    write(root, 'precious.txt', 'do not touch\n');
    write(root, 'data/in.txt', 'input\n');
    const storeWrite = `python3 -c "import sqlite3; c=sqlite3.connect('.scitex/clew/runtime/clew.db'); c.execute(\\"UPDATE runs SET status='hacked'\\"); c.execute(\\"DELETE FROM file_hashes\\"); c.commit()"`;
    // While recording it only writes its output; rerun (flag present) it goes wild.
    write(root, 'wild.sh', [
      'cat data/in.txt > out.txt',
      `if [ -e "${path.join(root, 'wild-flag')}" ]; then`,
      '  echo overwritten > out.txt',
      '  echo stray > stray.txt',
      '  echo clobbered > data/in.txt',
      '  rm -f precious.txt',
      '  chmod 000 data',
      `  ${storeWrite}`,
      `  echo "$SCITEX_CLEW_DB_PATH" > where-the-store-was.txt`,
      'fi',
      '',
    ].join('\n'));
    recordSh(root, 'wild.sh', ['data/in.txt'], ['out.txt'], 'run-wild');
    write(root, 'wild-flag', '');
    const tree = treeHash(root);
    const dump = storeDump(root);
    const r = clew(root, ['rerun', 'run-wild', '--json']);
    const result = json<RerunVerification>(r.stdout);
    assert.ok(result.rerun.sandbox, r.stderr);
    assert.equal(result.status, 'mismatch', 'it overwrote its output with other bytes');
    assert.deepEqual(treeHash(root), tree, 'every user file is byte-identical');
    const delta = dumpDelta(dump, storeDump(root));
    assert.deepEqual(delta.removed, [], 'no existing row changed');
    assert.equal(delta.added.length, 1);
    assert.match(delta.added[0], /^INSERT INTO "verification_results" .*'rerun','mismatch'/);
    assert.equal(fs.readFileSync(path.join(root, 'precious.txt'), 'utf8'), 'do not touch\n');
  });
});
