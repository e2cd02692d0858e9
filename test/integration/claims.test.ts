// @clew-workspace seq-clean
// Claims in a real extension host: code lenses on the fixture paper.tex, verifying from a lens,
// a Python process changing a claim's source turning lens and Problems entry to mismatch, and
// a lens following its claim when lines are inserted above it.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VerifyClaimResult } from '../../src/engine/claims/claims';
import type { ClewApi } from '../../src/extension/extension';
import { runPython } from './harness/python';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

/** Lenses resolved as the editor resolves the visible ones (titles come from resolveCodeLens). */
async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

function lensAt(all: vscode.CodeLens[], line: number): vscode.CodeLens | undefined {
  return all.find((l) => l.range.start.line === line && l.command?.title.includes('Clew'));
}

describe('claims: lenses, verification, diagnostics', () => {
  const paper = () => vscode.Uri.file(path.join(workspaceRoot(), 'paper.tex'));

  before(async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.claims.length, { message: 'claims to load' });
    await vscode.window.showTextDocument(paper());
  });

  it('shows a lens on each claim line of paper.tex', async () => {
    const all = await waitFor(async () => {
      const l = await lenses(paper());
      return l.length >= 5 ? l : undefined;
    }, { message: 'five claim lenses' });
    for (const line of [12, 20, 25, 30, 33]) assert.ok(lensAt(all, line - 1), `lens on line ${line}`);
    assert.match(lensAt(all, 29)?.command?.title ?? '', /Clew: .* value from final\.csv/);
  });

  it('clicking a lens verifies the claim and stores the verdict', async () => {
    const lens = lensAt(await lenses(paper()), 29);
    assert.ok(lens?.command);
    const result = (await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []))) as VerifyClaimResult;
    assert.ok('claim' in result);
    assert.equal(result.claim.claim_id, 'final-n');
    assert.equal(result.claim.status, 'verified');
    await waitFor(async () => /✓ Clew: verified/.test(lensAt(await lenses(paper()), 29)?.command?.title ?? ''), { message: 'lens to show verified' });
  });

  it('a Python process changing the source turns the lens and a Problems entry to mismatch', async () => {
    const source = path.join(workspaceRoot(), '07_merge_out', 'final.csv');
    const r = await runPython(['-c', 'import sys; open(sys.argv[1], "a").write("999,X,1.0\\n")', source]);
    assert.equal(r.code, 0, r.stderr);
    await waitFor(async () => /✗ Clew: mismatch/.test(lensAt(await lenses(paper()), 29)?.command?.title ?? ''), { message: 'lens to turn mismatch' });
    const problems = await waitFor(() => vscode.languages.getDiagnostics(paper()).filter((d) => d.source === 'clew' && d.message.includes('final-n')));
    assert.equal(problems[0].range.start.line, 29);
    assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
  });

  it('impact: a claim whose source is intact but depends on the changed file turns suspect', async () => {
    // report.json (claim on line 12) is computed from final.csv, which the previous test changed.
    const lens = await waitFor(async () => {
      const l = lensAt(await lenses(paper()), 11);
      return /~ Clew: suspect/.test(l?.command?.title ?? '') ? l : undefined;
    }, { message: 'the report.json claim to turn suspect' });
    assert.match(lens.command?.title ?? '', /upstream final\.csv changed/);
    const warning = vscode.languages.getDiagnostics(paper()).find((d) => d.range.start.line === 11);
    assert.equal(warning?.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('a lens follows its claim when lines are inserted above it', async () => {
    const doc = await vscode.workspace.openTextDocument(paper());
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), 'inserted line one\ninserted line two\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    // The p = 0.003 claim (recorded on line 33) has its value in the text, so it can be re-anchored.
    const moved = await waitFor(async () => {
      const lens = (await lenses(doc.uri)).find((l) => l.command?.title.includes('moved from line 33'));
      return lens;
    }, { message: 'the p-value claim lens to move' });
    assert.equal(moved.range.start.line, 34);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
