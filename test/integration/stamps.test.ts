// @clew-workspace seq-rerun
// Stamps in a real VS Code: the Stamps view lists the stamp the Python reference made, checked
// live; *Create Stamp* (file backend) adds one that holds; after a stamped output is edited,
// *Check Stamp* re-hashes the stamped runs' files and reports it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import type { StampCheck, StampRecord } from '../../src/engine/stamps/types';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

describe('Stamps', () => {
  it('lists the Python-made stamp as holding, creates one, and Check Stamp sees an edited output', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    const model = await waitFor(() => (clew.models()[0]?.runs.length ? clew.models()[0] : undefined), { message: 'the model to load' });
    const upstream = await waitFor(() => model.stamps.find((c) => c.stamp.stamp_id === 'stamp_844b7a7b4796'), { message: 'the fixture stamp in the view' });
    assert.equal(upstream.verdict, 'holds');
    assert.equal(upstream.stamp.run_count, 9);

    const record = (await vscode.commands.executeCommand('clew.createStamp', { backend: 'file' })) as StampRecord;
    assert.match(record.stamp_id, /^stamp_[0-9a-f]{12}$/);
    assert.ok(fs.existsSync(path.join(workspaceRoot(), '.scitex/clew/runtime/stamps', `${record.stamp_id}.json`)), 'the proof file is written');
    const listed = await waitFor(() => model.stamps.find((c) => c.stamp.stamp_id === record.stamp_id), { message: 'the new stamp in the view' });
    assert.equal(listed.verdict, 'holds');

    const report = path.join(workspaceRoot(), '08_analyze_out/report.json');
    const original = fs.readFileSync(report);
    try {
      fs.appendFileSync(report, '\n');
      const check = (await vscode.commands.executeCommand('clew.checkStamp', record.stamp_id)) as StampCheck;
      assert.equal(check.verdict, 'files-changed');
      assert.ok(check.files?.some((f) => f.path === report && f.status === 'changed'), JSON.stringify(check.files));
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith(`Stamp ${record.stamp_id}`));
      assert.ok(tab, 'the check report is open');
    } finally {
      fs.writeFileSync(report, original);
    }
  });
});
