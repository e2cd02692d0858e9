// @clew-workspace seq-clean
// A store that moved (issue #14): the workspace's store is rewritten to name a root that does not
// exist here (as if recorded on a cluster); the extension reads it through the detected map —
// badges ✓, nothing missing, the map on the model — and clew.pathMappings reaches data moved
// out of the folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { runPython } from './harness/python';
import { waitFor } from './harness/waitFor';
import { getClewExtension, repoRoot, workspaceRoot } from './harness/workspace';

describe('a store that moved', () => {
  const recordedRoot = `/nonexistent-clew-cluster-${process.pid}/seq-clean`;
  const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clew-outside-')));

  after(async () => {
    await vscode.workspace.getConfiguration('clew').update('pathMappings', undefined, vscode.ConfigurationTarget.Workspace);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('is read with its recorded root mapped to the folder, and clew.pathMappings maps data outside', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.files.size, { message: 'the store to load' });
    // Other tests of this workspace may have edited files: the move must change no verdict, so
    // compare with what the model says before it.
    const reportBadge = clew.decorationFor(vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json')))?.badge;
    const before = { counts: clew.models()[0].counts(), runs: new Map(clew.models()[0].runs.map((r) => [r.session_id, r.status])) };
    const runsAsBefore = () => clew.models()[0].runs.length === before.runs.size && clew.models()[0].runs.every((r) => before.runs.get(r.session_id) === r.status);
    const dbPath = path.join(workspaceRoot(), '.scitex/clew/runtime/clew.db');
    // Make the store name another machine's root, as a store copied off a cluster does.
    const relocate = await runPython([path.join(repoRoot(), 'test/fixtures/upstream/tools/relocate.py'), workspaceRoot(), recordedRoot, dbPath]);
    assert.equal(relocate.code, 0, relocate.stderr);
    await clew.refresh();
    const model = () => clew.models()[0];
    await waitFor(() => model().pathMap?.detected?.from === recordedRoot, { message: 'the move to be detected' });
    assert.equal(model().pathMap?.detected?.to, workspaceRoot());
    assert.deepEqual(model().counts(), before.counts);
    assert.equal(model().counts().missing, 0, 'nothing reads as missing through the map');
    assert.ok(runsAsBefore(), 'every run keeps its verdict through the map');
    const badge = clew.decorationFor(vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json')))?.badge;
    assert.equal(badge, reportBadge, 'report.json keeps its badge through the map');
    assert.ok(badge, 'and has one');

    fs.renameSync(path.join(workspaceRoot(), '01_source_a_out'), path.join(outside, 'raw'));
    await clew.refresh();
    await waitFor(() => model().runs.some((r) => r.status === 'missing'), { message: 'data moved out to be missing' });
    await vscode.workspace
      .getConfiguration('clew')
      .update('pathMappings', { [`${recordedRoot}/01_source_a_out`]: path.join(outside, 'raw') }, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => model()?.pathMap?.explicit.length === 1 && runsAsBefore(), {
      message: 'the setting to map the data outside',
    });
  });
});
