// @clew-workspace seq-clean
// A store at a custom `clew.storePath` with its own file name (not clew.db / db.sqlite) refreshes
// live: the watchers follow the path the model opened, not a list of known store names.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { appendRunWithPython } from './harness/python';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

describe('custom store path', () => {
  const custom = () => path.join(workspaceRoot(), 'provenance', 'my-project.sqlite');

  after(async () => {
    await vscode.workspace.getConfiguration('clew').update('storePath', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('a store renamed and pointed to by clew.storePath is read, and a Python write to it shows up without a refresh', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.files.size, { message: 'the default store to load' });
    fs.mkdirSync(path.dirname(custom()), { recursive: true });
    fs.copyFileSync(path.join(workspaceRoot(), '.scitex/clew/runtime/clew.db'), custom());
    await vscode.workspace.getConfiguration('clew').update('storePath', path.relative(workspaceRoot(), custom()), vscode.ConfigurationTarget.Workspace);
    await waitFor(() => clew.models()[0]?.dbPath === custom() && clew.models()[0].files.size > 0, { message: 'the model to read the custom store' });

    const out = path.join(workspaceRoot(), 'custom_out', 'added.csv');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, 'x\n1\n');
    const result = await appendRunWithPython(custom(), 'py-custom', out);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => clew.models()[0].files.get(out)?.verdict === 'verified', { message: 'the run written to the custom store to show up' });
    assert.equal(clew.decorationFor(vscode.Uri.file(out))?.badge, '✓');
  });
});
