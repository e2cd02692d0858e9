// @clew-workspace seq-rerun
// Export in a real VS Code: *Export Reproducibility Package…* (given its answers, as a test or
// another extension may) writes a zipped crate with the data that `check-crate` verifies file by
// file, PROV-JSON for the DAG behind one explorer file, and the self-contained report page.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import { checkCrate } from '../../src/engine/export/checkCrate';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

describe('Export Reproducibility Package', () => {
  it('writes a crate check-crate verifies, PROV behind one file, and the report page', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => (clew.models()[0]?.runs.length ? clew.models()[0] : undefined), { message: 'the model to load' });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-export-it-'));
    try {
      const zip = path.join(out, 'crate.zip');
      assert.equal(await vscode.commands.executeCommand('clew.exportPackage', undefined, { kind: 'crate-with-data', out: zip }), zip);
      const checked = await checkCrate(zip);
      assert.ok(checked.files.length > 10);
      assert.deepEqual(checked.files.filter((f) => f.status !== 'verified'), []);

      const prov = path.join(out, 'prov.json');
      const target = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
      assert.equal(await vscode.commands.executeCommand('clew.exportPackage', target, { kind: 'prov', out: prov }), prov);
      const doc = JSON.parse(fs.readFileSync(prov, 'utf8')) as { activity: Record<string, unknown> };
      assert.ok(Object.keys(doc.activity).length > 0);

      const page = path.join(out, 'report.html');
      assert.equal(await vscode.commands.executeCommand('clew.exportPackage', undefined, { kind: 'report', out: page }), page);
      const html = fs.readFileSync(page, 'utf8');
      assert.doesNotMatch(html, /<script/i);
      assert.match(html, /Reproducibility report/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
