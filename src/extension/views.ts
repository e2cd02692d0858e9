/** The Clew side panel: Changes (files that differ or are missing), Runs (runs → files), Claims. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LatestVerification } from '../engine/rerun/log';
import type { Claim } from '../engine/claims/claims';
import { reasonPhrase } from '../engine/claims/liveStatus';
import { VERDICT_THEME_COLOUR } from '../engine/present/colours';
import { VERDICT_CODICON } from '../engine/present/icons';
import type { FileVerification, RunVerification } from '../engine/verify/types';
import type { Verdict } from '../engine/verify/verdicts';
import { claimStatusIn } from './claimStatus';
import type { ClewModel, RecordedFile } from './model';

function icon(status: Verdict): vscode.ThemeIcon {
  return new vscode.ThemeIcon(VERDICT_CODICON[status], new vscode.ThemeColor(VERDICT_THEME_COLOUR[status]));
}

function openFileCommand(p: string): vscode.Command {
  return { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(p)] };
}

abstract class ModelTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<T | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  constructor(protected readonly models: () => readonly ClewModel[]) {}
  refresh(): void {
    this.emitter.fire(undefined);
  }
  dispose(): void {
    this.emitter.dispose();
  }
  abstract getTreeItem(element: T): vscode.TreeItem;
  abstract getChildren(element?: T): T[];
}

export class ChangesTree extends ModelTree<RecordedFile> {
  getChildren(element?: RecordedFile): RecordedFile[] {
    if (element) return [];
    return this.models()
      .flatMap((m) => [...m.files.values()])
      .filter((f) => f.verdict === 'mismatch' || f.verdict === 'missing')
      .sort((a, b) => a.path.localeCompare(b.path));
  }
  getTreeItem(f: RecordedFile): vscode.TreeItem {
    const item = new vscode.TreeItem(path.basename(f.path));
    item.description = `${f.verdict === 'missing' ? 'missing' : 'changed'} · ${vscode.workspace.asRelativePath(path.dirname(f.path))}`;
    item.tooltip = `${f.path}\n${f.role} recorded by ${f.sessionId}`;
    item.iconPath = icon(f.verdict === 'missing' ? 'missing' : 'mismatch');
    item.resourceUri = vscode.Uri.file(f.path);
    item.contextValue = 'clew.recordedFile';
    if (f.verdict !== 'missing') item.command = openFileCommand(f.path);
    return item;
  }
}

type RunNode = { kind: 'run'; run: RunVerification; rerun?: LatestVerification } | { kind: 'file'; file: FileVerification };

export class RunsTree extends ModelTree<RunNode> {
  getChildren(element?: RunNode): RunNode[] {
    if (!element) return this.models().flatMap((m) => m.runs.map((run) => ({ kind: 'run' as const, run, rerun: m.rerunVerdict(run.session_id) })));
    if (element.kind === 'run') return element.run.files.map((file) => ({ kind: 'file' as const, file }));
    return [];
  }
  getTreeItem(node: RunNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const r = node.run;
      const item = new vscode.TreeItem(r.script_path ? path.basename(r.script_path) : r.session_id, vscode.TreeItemCollapsibleState.Collapsed);
      // A rerun's verdict is shown beside the hash verdict, never instead of it.
      const rerun = node.rerun ? (node.rerun.status === 'verified' ? ' · verified by re-execution' : ` · rerun: ${node.rerun.status}`) : '';
      item.description = `${r.status}${rerun} · ${r.session_id}`;
      item.tooltip = `${r.session_id}\n${r.script_path ?? '(no script)'}\n${r.files.length} files, ${r.status}${node.rerun ? `\nlast rerun: ${node.rerun.status}${node.rerun.verified_at ? ` at ${node.rerun.verified_at}` : ''}` : ''}`;
      item.iconPath = icon(r.status);
      item.contextValue = 'clew.run';
      item.id = `run:${r.session_id}`;
      return item;
    }
    const f = node.file;
    const item = new vscode.TreeItem(path.basename(f.path));
    item.description = `${f.role} · ${f.status}`;
    item.tooltip = f.path;
    item.iconPath = icon(f.status);
    item.resourceUri = vscode.Uri.file(f.path);
    if (f.status !== 'missing') item.command = openFileCommand(f.path);
    return item;
  }
}

export class ClaimsTree extends ModelTree<Claim> {
  getChildren(element?: Claim): Claim[] {
    return element ? [] : this.models().flatMap((m) => m.claims);
  }
  getTreeItem(c: Claim): vscode.TreeItem {
    const item = new vscode.TreeItem(`${path.basename(c.file_path)}${c.line_number ? `:${c.line_number}` : ''}`);
    // The live status (as the lens shows it), not only what the last `verify` stored.
    const { status, reason } = claimStatusIn(this.models(), c);
    item.description = `${c.claim_type}${c.claim_value ? ` = ${c.claim_value}` : ''} · ${status}`;
    item.tooltip = `${c.claim_id}\nsource: ${c.source_file ?? '(none)'}${reason ? `\n${reasonPhrase(reason)}` : ''}`;
    item.contextValue = 'clew.claim';
    item.iconPath = icon(status);
    item.command = {
      command: 'vscode.open',
      title: 'Open claim',
      arguments: [vscode.Uri.file(c.file_path), { selection: new vscode.Range(Math.max(0, (c.line_number ?? 1) - 1), 0, Math.max(0, (c.line_number ?? 1) - 1), 0) }],
    };
    return item;
  }
}
