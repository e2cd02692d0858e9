// @clew-workspace seq-mismatch
// The DAG panel in a real VS Code: Show DAG on a fixture output opens the webview, which reports a
// rendered SVG with one node per run and file of upstream's diagram and its colours (the real
// click on a file node is checked by the UI smoke test, test/ui/checks.mjs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewApi } from '../../src/extension/extension';
import type { DagPayload, WebviewToHost } from '../../src/webview/messages';
import { waitFor } from './harness/waitFor';
import { getClewExtension, workspaceRoot } from './harness/workspace';

interface ShowDagResult {
  payload: DagPayload;
  report: WebviewToHost | undefined;
}

describe('DAG panel', () => {
  it('renders the DAG behind report.json with a node per run and file, coloured by verdict', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.runs.length, { message: 'the model to load' });
    const target = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
    const result = (await vscode.commands.executeCommand('clew.showDag', target)) as ShowDagResult;
    assert.ok(result.report, 'the webview reported back');
    assert.equal(result.report.type, 'rendered', JSON.stringify(result.report));
    if (result.report.type !== 'rendered') return;
    // The chain behind report.json: 8 runs and their 10 distinct files, as upstream draws it, but
    // without its file-type emoji (a workbench without an emoji font would draw boxes).
    assert.match(result.payload.mermaid, /^graph TD\n {4}script_0\["✗ 08_analyze\.py<br\/>\(RUN: ljTf\)"\]:::failed/);
    assert.doesNotMatch(result.payload.mermaid, /[\u{1F300}-\u{1FAFF}]/u, 'no emoji in the drawn labels');
    assert.equal(result.payload.nodes.filter((n) => n.kind === 'run').length, 8);
    assert.equal(result.payload.nodes.filter((n) => n.kind === 'file').length, 10);
    assert.equal(result.report.nodeCount, 18, 'one SVG node per run and file');
    assert.equal(result.payload.nodes.find((n) => n.label === 'clean_C.csv')?.verdict, 'mismatch');
    assert.equal(result.payload.nodes.find((n) => n.label === 'report.json')?.verdict, 'suspect', 'red below the edit, its own bytes intact');
    const fills = result.report.fills;
    const count = (rgb: string) => fills.filter((f) => f.replace(/\s/g, '') === rgb).length;
    // Upstream paints all 7 failed nodes red; the panel keeps red for what changed (run 06 and
    // clean_C.csv) and paints what is only downstream of it amber (runs 07, 08; final.csv,
    // stats_by_source.csv, report.json — red reaches every descendant, the fix). The rest green.
    assert.equal(count('rgb(207,34,46)'), 2, `red nodes: ${JSON.stringify(fills)}`);
    assert.equal(count('rgb(210,153,34)'), 5, 'amber nodes');
    assert.equal(count('rgb(45,164,78)'), 11, 'green nodes');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('Clew: DAG'));
    assert.ok(tab, 'a Clew DAG tab is open');
  });

  it('draws the same nodes and colours with the layered renderer (clew.dag.layout) inside the panel CSP', async () => {
    const config = vscode.workspace.getConfiguration('clew');
    await config.update('dag.layout', 'layered', vscode.ConfigurationTarget.Global);
    try {
      const target = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
      const result = (await vscode.commands.executeCommand('clew.showDag', target)) as ShowDagResult;
      assert.equal(result.payload.layout, 'layered');
      assert.ok(result.report?.type === 'rendered', JSON.stringify(result.report));
      if (result.report.type !== 'rendered') return;
      assert.equal(result.report.layout, 'layered', 'drawn by the layered renderer');
      assert.equal(result.report.nodeCount, 18);
      const count = (rgb: string) => result.report?.type === 'rendered' ? result.report.fills.filter((f) => f.replace(/\s/g, '') === rgb).length : -1;
      assert.deepEqual([count('rgb(207,34,46)'), count('rgb(210,153,34)'), count('rgb(45,164,78)')], [2, 5, 11], JSON.stringify(result.report.fills));
    } finally {
      await config.update('dag.layout', undefined, vscode.ConfigurationTarget.Global);
    }
    // Back to the default for the next tests.
    const again = (await vscode.commands.executeCommand('clew.showDag', vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json')))) as ShowDagResult;
    assert.equal(again.payload.layout, 'auto');
    assert.ok(again.report?.type === 'rendered' && again.report.layout === 'mermaid', `18 nodes are drawn by mermaid: ${JSON.stringify(again.report)}`);
  });

  it('redraws by itself when a recorded file changes on disk', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    const panel = clew.dagPanel();
    if (!panel?.shown()) assert.fail('the panel from the previous test is open');
    // Another process edits a root input: everything below it turns red. Restored afterwards,
    // because the other tests of this workspace expect the fixture as recorded.
    const sourceA = path.join(workspaceRoot(), '01_source_a_out/source_A.csv');
    const original = fs.readFileSync(sourceA);
    try {
      fs.appendFileSync(sourceA, '999,1.0,X\n');
      // The redraw the edit causes; a redraw still on its way from the previous test's settings
      // change may report first, drawn before the edit was seen.
      const deadline = Date.now() + 30_000;
      let report: WebviewToHost | undefined;
      do {
        report = await Promise.race([panel.nextReport(), new Promise<undefined>((r) => setTimeout(() => r(undefined), Math.max(0, deadline - Date.now())))]);
      } while (report && panel.shown()?.nodes.find((n) => n.label === 'source_A.csv')?.verdict !== 'mismatch');
      assert.ok(report, 'the panel redrew within 30 s');
      assert.equal(report.type, 'rendered', JSON.stringify(report));
      if (report.type !== 'rendered') return;
      assert.equal(report.nodeCount, 18);
      assert.equal(panel.shown()?.nodes.find((n) => n.label === 'source_A.csv')?.verdict, 'mismatch');
      const red = report.fills.filter((f) => f.replace(/\s/g, '') === 'rgb(207,34,46)').length;
      // Now also run 01 and source_A.csv are changed.
      assert.equal(red, 4, `red after the edit: ${JSON.stringify(report.fills)}`);
    } finally {
      fs.writeFileSync(sourceA, original);
      await waitFor(() => clew.decorationFor(vscode.Uri.file(sourceA))?.badge === '✓', { message: 'source_A.csv to verify again' });
    }
  });

  it('on a manuscript, draws its claims fed by the DAG behind their sources', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.claims.length, { message: 'the claims to load' });
    const paper = vscode.Uri.file(path.join(workspaceRoot(), 'paper.tex'));
    const result = (await vscode.commands.executeCommand('clew.showDag', paper)) as ShowDagResult;
    assert.equal(result.payload.title, 'Claims of paper.tex');
    assert.ok(result.report?.type === 'rendered', JSON.stringify(result.report));
    if (result.report.type !== 'rendered') return;
    const claims = result.payload.nodes.filter((n) => n.kind === 'claim');
    assert.equal(claims.length, 5);
    assert.equal(result.report.nodeCount, result.payload.nodes.length, 'every node drawn, claims included');
    assert.ok(claims.every((c) => c.path === paper.fsPath && c.line), 'claim nodes point at their manuscript line');
  });

  it('groups files as the clew.dag.grouper setting says, and draws without a grouper it cannot use', async () => {
    const clew = (await getClewExtension()).exports as ClewApi;
    await waitFor(() => clew.models()[0]?.runs.length, { message: 'the model to load' });
    const settings = vscode.workspace.getConfiguration('clew');
    const target = vscode.Uri.file(path.join(workspaceRoot(), '08_analyze_out/report.json'));
    try {
      // directory:2 — 08_analyze writes report.json and stats_by_source.csv into one folder.
      await settings.update('dag.grouper', 'directory:2', vscode.ConfigurationTarget.Workspace);
      const grouped = (await vscode.commands.executeCommand('clew.showDag', target)) as ShowDagResult;
      assert.ok(grouped.report?.type === 'rendered', JSON.stringify(grouped.report));
      if (grouped.report.type !== 'rendered') return;
      const groups = grouped.payload.nodes.filter((n) => n.kind === 'group');
      const group = groups.find((n) => n.label === '08_analyze_out/ (×2)');
      assert.ok(group, JSON.stringify(groups.map((g) => g.label)));
      assert.equal(group.verdict, 'suspect', 'downstream of the changed clean_C.csv');
      // Each group stands for two of the ten files.
      assert.equal(grouped.payload.nodes.filter((n) => n.kind === 'file').length, 10 - 2 * groups.length);
      assert.equal(grouped.report.nodeCount, grouped.payload.nodes.length, 'every node drawn, the group included');
      // A Python callable cannot run here: drawn without grouping, and said (logged and shown once).
      await settings.update('dag.grouper', { type: 'custom', import: 'lab.groupers:mine' }, vscode.ConfigurationTarget.Workspace);
      const plain = (await vscode.commands.executeCommand('clew.showDag', target)) as ShowDagResult;
      assert.ok(plain.report?.type === 'rendered', JSON.stringify(plain.report));
      assert.equal(plain.payload.nodes.filter((n) => n.kind === 'group').length, 0);
      assert.equal(plain.payload.nodes.filter((n) => n.kind === 'file').length, 10);
      // Changing the setting redraws the open panel by itself.
      const panel = clew.dagPanel();
      if (!panel?.shown()) assert.fail('the panel is open');
      const redrawn = panel.nextReport();
      await settings.update('dag.grouper', 'session_bundle:1', vscode.ConfigurationTarget.Workspace);
      const report = await Promise.race([redrawn, new Promise<undefined>((r) => setTimeout(() => r(undefined), 20_000))]);
      assert.ok(report?.type === 'rendered', `the panel redrew after the setting changed: ${JSON.stringify(report)}`);
      await waitFor(() => panel.shown()?.nodes.some((n) => n.kind === 'group' && /bundle/.test(n.label)), { message: 'bundles drawn' });
    } finally {
      await settings.update('dag.grouper', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
