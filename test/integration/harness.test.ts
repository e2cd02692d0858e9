// @clew-workspace seq-missing
// Tests of the test harness itself, run in the real extension host: the per-file workspace choice,
// the relocated store, and the helpers other test files rely on (runPython, copyFixture, waitFor).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyFixture } from './harness/fixtures';
import { runPython } from './harness/python';
import { waitFor } from './harness/waitFor';
import { workspaceRoot } from './harness/workspace';

const STORE = '.scitex/clew/runtime/clew.db';

/** Every distinct file path the store records, read by python3's sqlite3 in a child process. */
async function recordedPaths(workspace: string): Promise<string[]> {
  const script = 'import sqlite3,sys,json;c=sqlite3.connect(sys.argv[1]);'
    + 'print(json.dumps(sorted({r[0] for r in c.execute("select file_path from file_hashes")})))';
  const result = await runPython(['-c', script, path.join(workspace, STORE)]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as string[];
}

describe('harness', () => {
  it('opens the workspace named by the @clew-workspace header (seq-missing: clean_B.csv deleted)', function () {
    if (process.env.CLEW_INTEGRATION_WORKSPACE) this.skip(); // the run forces another workspace
    const root = workspaceRoot();
    assert.ok(fs.existsSync(path.join(root, '04_preprocess_b.py')));
    assert.ok(!fs.existsSync(path.join(root, '04_preprocess_b_out/clean_B.csv')));
  });

  it('relocated the store to the workspace copy', async () => {
    const root = workspaceRoot();
    const paths = await recordedPaths(root);
    assert.ok(paths.length > 0, 'the store records no files');
    const outside = paths.filter((p) => !p.startsWith(`${root}/`));
    assert.deepEqual(outside, [], 'recorded paths still point outside the copy');
  });

  it('copyFixture gives an independent relocated copy and removes it on dispose', async () => {
    const copy = await copyFixture('seq-clean');
    try {
      assert.notEqual(copy.root, workspaceRoot());
      const paths = await recordedPaths(copy.root);
      assert.ok(paths.length > 0 && paths.every((p) => p.startsWith(`${copy.root}/`)));
    } finally {
      copy.dispose();
    }
    assert.equal(fs.existsSync(copy.root), false);
  });

  it('runPython reports non-zero exits and stderr without throwing', async () => {
    const result = await runPython(['-c', 'import sys; sys.stderr.write("boom"); sys.exit(3)']);
    assert.equal(result.code, 3);
    assert.equal(result.stderr, 'boom');
  });

  it('waitFor resolves with the first truthy value and times out with the given message', async () => {
    let calls = 0;
    assert.equal(await waitFor(() => (++calls >= 3 ? 'ready' : ''), { intervalMs: 10 }), 'ready');
    await assert.rejects(waitFor(() => false, { timeoutMs: 200, intervalMs: 20, message: 'never true' }), /never true/);
  });
});
