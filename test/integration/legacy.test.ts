// @clew-workspace legacy-v07-truncated
// A store recorded by the old v0.7 fork (runtime/db.sqlite, 32-character hashes, old columns):
// the extension reads it where it is — opening the folder never renames the user's files — and
// shows the right badges (short hashes match by prefix; clean_C.csv was edited).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

describe('legacy store', () => {
  it('is read in place, not moved on activation, with correct badges', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.files.size, { message: 'the model to load the legacy store' });
    const legacy = path.join(workspaceRoot(), '.scitex/clew/runtime/db.sqlite');
    assert.equal(clew.models()[0].dbPath, legacy);
    assert.ok(fs.existsSync(legacy), 'the legacy store is still where it was');
    assert.ok(!fs.existsSync(path.join(workspaceRoot(), '.scitex/clew/runtime/clew.db')), 'nothing was renamed');
    const badge = (rel: string) => clew.decorationFor(vscode.Uri.file(path.join(workspaceRoot(), rel)))?.badge;
    assert.equal(badge('01_source_a_out/source_A.csv'), '✓', 'a 32-character hash matches by prefix');
    assert.equal(badge('06_preprocess_c_out/clean_C.csv'), '✗');
  });
});
