// @clew-workspace seq-rerun
// @clew-trust untrusted
// In a workspace VS Code has not trusted (restricted mode), Clew still reads the store and shows
// verdicts, but refuses to run pipeline code: Rerun DAG and Rerun Run do nothing to the store.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

function rerunRows(): number {
  const db = path.join(workspaceRoot(), '.scitex/clew/runtime/clew.db');
  const out = execFileSync('python3', ['-c', "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM verification_results WHERE level='rerun'\").fetchone()[0])", db]);
  return Number(out.toString().trim());
}

describe('Untrusted workspace', () => {
  it('shows verdicts but refuses to rerun', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is in restricted mode');
    const clew = (await getClewExtension()).exports as ClewApi;
    const model = await waitFor(() => (clew.models()[0]?.runs.length ? clew.models()[0] : undefined), { message: 'the model to load' });
    const report = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
    await waitFor(() => clew.decorationFor(report)?.badge === '✓', { message: 'badges in restricted mode' });
    const rows = rerunRows();
    assert.equal(await vscode.commands.executeCommand('clew.rerunDag'), undefined);
    assert.equal(await vscode.commands.executeCommand('clew.rerunRun', model.runs[0].session_id), undefined);
    assert.equal(rerunRows(), rows, 'nothing was re-executed');
  });
});
