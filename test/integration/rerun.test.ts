// @clew-workspace seq-rerun
// *Rerun DAG* in a real VS Code on a store recorded by the Python reference: every run is
// re-executed in a sandbox (workspace untouched), the badges and the Runs view say "verified by
// re-execution", and a run whose output does not reproduce offers *Show Difference*, which opens
// VS Code's diff editor between the user's file and the rerun's version.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import type { RerunDagResult, RerunVerification } from '../../src/engine/rerun/types';
import { waitFor } from './harness/waitFor';
import { getClewExtension, repoRoot, workspaceRoot } from './harness/workspace';

const CLI = () => path.join(repoRoot(), 'dist', 'cli.js');

describe('Rerun', () => {
  it('Rerun DAG re-executes every run in a sandbox and the badges say so', async function () {
    this.timeout(180_000);
    const clew = (await getClewExtension()).exports as ClewApi;
    const model = await waitFor(() => (clew.models()[0]?.runs.length ? clew.models()[0] : undefined), { message: 'the model to load' });
    const root = workspaceRoot();
    const report = path.join(root, '08_analyze_out/report.json');
    const before = fs.readFileSync(report);
    const result = (await vscode.commands.executeCommand('clew.rerunDag')) as RerunDagResult;
    assert.ok(result, 'the command returned its result');
    assert.deepEqual(result.runs.filter((r) => r.status !== 'verified').map((r) => `${r.script_path}: ${r.rerun.reason ?? ''} ${r.rerun.stderr_tail}`), []);
    assert.equal(result.status, 'verified');
    assert.ok(result.num_runs >= 8);
    assert.deepEqual(fs.readFileSync(report), before, 'the user file is untouched');
    const badge = await waitFor(() => {
      const d = clew.decorationFor(vscode.Uri.file(report));
      return d?.tooltip?.includes('re-execution') ? d : undefined;
    }, { timeoutMs: 30_000, message: 'the badge tooltip to say verified by re-execution' });
    assert.equal(badge.badge, '✓✓', 'told apart from a hash check');
    const run = model.runs.find((r) => r.script_path?.endsWith('08_analyze.py'));
    assert.ok(run);
    await waitFor(() => model.rerunVerdict(run.session_id)?.status === 'verified', { message: 'the model to read the rerun row' });
  });

  it('Rerun Run on a run that does not reproduce offers Show Difference, a diff editor', async function () {
    this.timeout(120_000);
    const clew = (await getClewExtension()).exports as ClewApi;
    const model = clew.models()[0];
    const root = workspaceRoot();
    // A run that writes the time: recorded now, it cannot reproduce its bytes later.
    fs.writeFileSync(path.join(root, 'clock.sh'), 'echo "value 7" > clock.txt\necho "at $(date +%s%N)" >> clock.txt\n');
    execFileSync(process.execPath, [CLI(), 'record', '--session-id', 'clock-run', '--output', 'clock.txt', '--', 'sh', 'clock.sh'], { cwd: root });
    await waitFor(() => model.runs.find((r) => r.session_id === 'clock-run'), { message: 'the new run to appear' });
    const results = (await vscode.commands.executeCommand('clew.rerunRun', 'clock-run')) as RerunVerification[];
    assert.equal(results[0].status, 'mismatch');
    const changed = results[0].files.find((f) => f.path === path.join(root, 'clock.txt'));
    assert.ok(changed?.rerun_output, 'the rerun version was kept');
    const shown = (await vscode.commands.executeCommand('clew.showRerunDifference', changed.path)) as { kind: string } | undefined;
    assert.equal(shown?.kind, 'diff');
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff), { message: 'a diff editor to open' });
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.fsPath, path.join(root, 'clock.txt'));
    assert.equal(input.modified.fsPath, changed.rerun_output);
    await waitFor(() => clew.decorationFor(vscode.Uri.file(path.join(root, 'clock.txt')))?.tooltip?.includes('did not reproduce'), { message: 'the badge tooltip to report the failed rerun' });
  });
});
