// @clew-workspace seq-mismatch
// The extension in a real extension host on a copy of the seq-mismatch fixture (06's output
// clean_C.csv was edited after recording): badges, Trace Chain, and refreshes
// after a file edit and after a Python process appends a run to the store. (The command table
// is checked against package.json under node --test: test/extension/commandTable.test.ts.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import type { ChainVerification } from '../../src/engine/verify/types';
import { appendRunWithPython } from './harness/python';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

async function api(): Promise<ClewApi> {
  const ext = await getClewExtension();
  const exported = ext.exports as ClewApi;
  await waitFor(() => exported.models()[0]?.files.size, { message: 'the model to load the store' });
  return exported;
}

function badge(clew: ClewApi, rel: string): string | undefined {
  return clew.decorationFor(vscode.Uri.file(path.join(workspaceRoot(), rel)))?.badge;
}

describe('extension: badges, commands, refresh', () => {
  it('badges: ✓ on verified files, ✗ on the edited output, none on untracked files', async () => {
    const clew = await api();
    await waitFor(() => badge(clew, '06_preprocess_c_out/clean_C.csv') === '✗', { message: 'clean_C.csv to show ✗' });
    assert.equal(badge(clew, '01_source_a_out/source_A.csv'), '✓');
    assert.equal(badge(clew, '07_merge.py'), '✓', 'scripts are verified against their recorded hash');
    assert.equal(badge(clew, 'pyproject.toml'), undefined);
    const counts = clew.models()[0].counts();
    assert.equal(counts.mismatch, 1);
    assert.ok(counts.verified > 5);
  });

  it('Trace Chain on a fixture output returns the roots-first chain and shows it', async () => {
    await api();
    const target = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
    const chain = (await vscode.commands.executeCommand('clew.traceChain', target)) as ChainVerification;
    assert.equal(chain.status, 'mismatch');
    assert.equal(chain.runs.length, 8);
    assert.deepEqual(
      chain.runs.map((r) => path.basename(r.script_path ?? '')),
      ['01_source_a.py', '03_source_b.py', '05_source_c.py', '02_preprocess_a.py', '04_preprocess_b.py', '06_preprocess_c.py', '07_merge.py', '08_analyze.py'],
    );
    const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.uri.scheme === 'clew-report' ? vscode.window.activeTextEditor : undefined));
    assert.match(editor.document.getText(), /Chain for .*report\.json/);
  });

  it('editing a recorded file turns its badge to ✗, restoring it turns it back to ✓', async () => {
    const clew = await api();
    const rel = '01_source_a_out/config_A.json';
    const file = path.join(workspaceRoot(), rel);
    const original = fs.readFileSync(file);
    assert.equal(badge(clew, rel), '✓');
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from('\n')]));
    await waitFor(() => badge(clew, rel) === '✗', { message: `${rel} to turn ✗ after the edit` });
    fs.writeFileSync(file, original);
    await waitFor(() => badge(clew, rel) === '✓', { message: `${rel} to turn ✓ after restoring it` });
  });

  it('a Python process appending a run to the store shows up without a manual refresh', async () => {
    const clew = await api();
    const root = workspaceRoot();
    const out = path.join(root, 'new_out', 'result ü.csv');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, 'x\n1\n');
    const result = await appendRunWithPython(path.join(root, '.scitex/clew/runtime/clew.db'), 'py-appended', out);
    assert.equal(result.code, 0, result.stderr);
    await waitFor(() => clew.models()[0].files.get(out)?.verdict === 'verified', { message: 'the appended output to be verified' });
    assert.equal(badge(clew, 'new_out/result ü.csv'), '✓');
    assert.ok(clew.models()[0].runs.some((r) => r.session_id === 'py-appended'));
  });
});
