// @clew-workspace seq-mismatch
// The History view in a real VS Code: it follows the active editor's file, Show History points it
// at an explorer file, and every entry is what `clew history FILE` lists (the engine's answer).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

describe('History view', () => {
  it('follows the active editor: the run that wrote clean_C.csv and the run that read it', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.runs.length, { message: 'the model to load' });
    const file = path.join(workspaceRoot(), '06_preprocess_c_out/clean_C.csv');
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const shown = await waitFor(() => (clew.history().shown()?.file === file ? clew.history().shown() : undefined), { message: 'the History view to follow the editor' });
    const roles = shown.entries.map((e) => e.role).sort();
    assert.ok(roles.includes('output') && roles.includes('input'), JSON.stringify(shown.entries));
    const wrote = shown.entries.find((e) => e.role === 'output');
    assert.equal(wrote?.verdict, 'mismatch', 'the run whose output was edited');
    // Newest first, as the CLI lists them.
    const times = shown.entries.map((e) => e.started_at ?? e.recorded_at ?? '');
    assert.deepEqual(times, [...times].sort().reverse());
  });

  it('Show History on an explorer file points the view at it', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    const file = path.join(workspaceRoot(), '08_analyze_out/report.json');
    const result = await vscode.commands.executeCommand('clew.showHistory', vscode.Uri.file(file));
    assert.equal(result, file);
    const shown = clew.history().shown();
    assert.equal(shown?.file, file);
    assert.equal(shown?.entries.filter((e) => e.role === 'output').length, 1, JSON.stringify(shown?.entries));
  });
});
