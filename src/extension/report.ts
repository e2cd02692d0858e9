/**
 * Read-only text reports (chain, run, DAG) shown in an editor tab through a virtual document
 * scheme, so they never touch the disk and update in place when shown again.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runLines as engineRunLines } from '../engine/verify/text';
import { VERDICT_GLYPH } from '../engine/present/icons';
import type { ChainVerification, DagVerification, RunVerification } from '../engine/verify/types';

/** Reports list every file of a run, verified or not. */
const runLines = (r: RunVerification): string[] => engineRunLines(r, { verbose: true });

export const REPORT_SCHEME = 'clew-report';
const ICON = VERDICT_GLYPH;

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.path) ?? '';
  }

  async show(name: string, text: string, viewColumn?: vscode.ViewColumn): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}` });
    this.contents.set(uri.path, text);
    this.emitter.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true, preserveFocus: false, ...(viewColumn ? { viewColumn } : {}) });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export function chainReport(c: ChainVerification): string {
  const lines = [`Chain for ${c.target_file}`, `Status: ${ICON[c.status]} ${c.status} — ${c.runs.length} runs, roots first`, ''];
  if (c.runs.length === 0) lines.push('No recorded run produced this file.');
  for (const r of c.runs) lines.push(...runLines(r), '');
  return lines.join('\n');
}

export function runReport(r: RunVerification): string {
  return [`Run ${r.session_id}`, `Status: ${ICON[r.status]} ${r.status}`, '', ...runLines(r)].join('\n');
}

export function dagReport(d: DagVerification): string {
  const name = (id: string) => {
    const run = d.runs.find((r) => r.session_id === id);
    return run?.script_path ? `${path.basename(run.script_path)} (${id})` : id;
  };
  const lines = [`DAG for ${d.target_files.join(', ') || '(no targets)'}`, `Status: ${ICON[d.status]} ${d.status} — ${d.runs.length} runs, ${d.edges.length} edges`, '', 'Edges (parent → child):'];
  for (const [parent, child] of d.edges) lines.push(`  ${name(parent)} → ${name(child)}`);
  lines.push('', 'Runs (roots first, each judged on its own files):');
  for (const r of d.runs) lines.push(...runLines(r));
  return lines.join('\n');
}
