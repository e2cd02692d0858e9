/**
 * The seq-rerun store, recorded by the Python reference with `@stx.session` runs (no recorded
 * command): rerun-dag replays each as upstream does, `python3 <script>` in the script's folder,
 * with the scitex_clew stand-in on PYTHONPATH recording into the scratch store. Every output
 * reproduces; the workspace and every existing row stay as they were.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { RerunDagResult } from '../../../src/engine/rerun/types';
import { materialise } from '../../conformance/fixtures';
import { clew, dumpDelta, storeDump, treeHash } from '../../support/recordedProject';

const STAND_IN = path.resolve(__dirname, '../../../../test/support/python');

test('seq-rerun: rerun-dag reproduces every run recorded by Python, in a sandbox', () => {
  const m = materialise('seq-rerun', 'relocated');
  after(() => m.cleanup());
  const tree = treeHash(m.root);
  const dump = storeDump(m.root);
  const r = clew(m.root, ['rerun-dag', '--json', '--jobs', '2'], { PYTHONPATH: STAND_IN });
  const dag = JSON.parse(r.stdout) as RerunDagResult;
  const failures = dag.runs.filter((x) => x.status !== 'verified').map((x) => `${x.script_path}: ${x.status} ${x.rerun.reason ?? ''} ${x.rerun.stderr_tail}`);
  assert.deepEqual(failures, []);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(dag.status, 'verified');
  assert.ok(dag.num_runs >= 8, `reran ${dag.num_runs} runs`);
  assert.ok(dag.num_edges >= 7, `${dag.num_edges} edges`);
  // Runs recorded by Python carry no command: replayed as `python3 <script>` in its folder.
  for (const run of dag.runs) {
    assert.equal(run.rerun.command?.[1], run.script_path);
    assert.equal(run.rerun.cwd, path.dirname(run.script_path ?? ''));
  }
  assert.deepEqual(treeHash(m.root), tree, 'the workspace is byte-identical');
  const delta = dumpDelta(dump, storeDump(m.root));
  assert.deepEqual(delta.removed, []);
  assert.equal(delta.added.length, dag.num_runs);
  assert.ok(delta.added.every((l) => /^INSERT INTO "verification_results" .*'rerun','verified'/.test(l)), delta.added.join('\n'));
});
