// @clew-workspace seq-clean
// "Clew: Run with Clew" on a script in a real VS Code: the script runs under `clew record` in a
// terminal, and its run and its output's ✓ badge appear without a manual refresh.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

describe('Run with Clew', () => {
  it('records a run of the active script and badges its output', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.runs.length, { message: 'the model to load' });
    assert.equal(vscode.workspace.isTrusted, true, 'the test workspace is trusted');
    const root = workspaceRoot();
    const script = path.join(root, '11_summary.py');
    fs.writeFileSync(
      script,
      'import os\nos.makedirs("11_summary_out", exist_ok=True)\ntext = open("08_analyze_out/report.json").read()\nopen("11_summary_out/summary.txt", "w").write(str(len(text)))\n',
    );
    await vscode.window.showTextDocument(vscode.Uri.file(script));
    await vscode.commands.executeCommand('clew.runWithClew', vscode.Uri.file(script));
    const output = path.join(root, '11_summary_out', 'summary.txt');
    // The run row appears when recording starts; wait until its files are recorded too.
    const run = await waitFor(() => clew.models()[0].runs.find((r) => r.script_path === script && r.files.length === 3), { timeoutMs: 60_000, message: 'the recorded run to appear' });
    assert.equal(run.status, 'verified');
    assert.deepEqual(run.files.map((f) => [f.role, path.relative(root, f.path)]), [
      ['input', '08_analyze_out/report.json'],
      ['output', '11_summary_out/summary.txt'],
      ['script', '11_summary.py'],
    ]);
    await waitFor(() => clew.decorationFor(vscode.Uri.file(output))?.badge === '✓', { message: 'summary.txt to show ✓' });
  });
});
