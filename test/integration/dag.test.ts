// @clew-workspace seq-mismatch
// The DAG panel in a real VS Code: Show DAG on a fixture output opens the webview, which reports a
// rendered SVG with one node per run and file and the verdict colours; a click on a file node
// (simulated through the panel's message contract) opens that file, and only graph files.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DagVerification } from '../../src/engine/verify/types';
import type { ClewApi } from '../../src/extension/extension';
import type { WebviewToHost } from '../../src/webview/messages';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

interface ShowDagResult {
  dag: DagVerification;
  report: WebviewToHost | undefined;
}

describe('DAG panel', () => {
  it('renders the DAG behind report.json with a node per run and file, coloured by verdict', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.runs.length, { message: 'the model to load' });
    const target = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
    const result = (await vscode.commands.executeCommand('clew.showDag', target)) as ShowDagResult;
    assert.equal(result.dag.status, 'mismatch');
    assert.ok(result.report, 'the webview reported back');
    assert.equal(result.report.type, 'rendered', JSON.stringify(result.report));
    if (result.report.type !== 'rendered') return;
    const files = new Set(result.dag.runs.flatMap((r) => r.files.filter((f) => f.role !== 'script').map((f) => f.path)));
    assert.equal(result.report.nodeCount, result.dag.runs.length + files.size);
    const red = result.report.fills.filter((f) => /rgb\(179, 38, 30\)/.test(f)).length;
    assert.ok(red >= 2, `the mismatched run and file are red: ${JSON.stringify(result.report.fills)}`);
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Clew: DAG'));
    assert.ok(tab, 'a Clew DAG tab is open');
  });
});
