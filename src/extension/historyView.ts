/**
 * The History view of the Clew side panel: every run that wrote, read or ran the file in the
 * active editor (or the one picked from the explorer's *Show History*), newest first, each
 * opening its run's report. The entries come from the engine (engine/export/history.ts, the same
 * list `clew history FILE` prints); the one entry whose bytes differ from the version before is
 * highlighted. Recomputed only when the followed file changes or the models refresh (debounced).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fileHistory, type FileHistory, type HistoryEntry } from '../engine/export/history';
import { VERDICT_THEME_COLOUR } from '../engine/present/colours';
import { VERDICT_CODICON } from '../engine/present/icons';
import type { ClewModel } from './model';

const VERB = { output: 'wrote', input: 'read', script: 'ran' } as const;

export class HistoryTree implements vscode.TreeDataProvider<HistoryEntry>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<HistoryEntry | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private file: string | undefined;
  private history: FileHistory | undefined;
  private timer: NodeJS.Timeout | undefined;
  private computing: Promise<void> = Promise.resolve();

  constructor(private readonly models: () => readonly ClewModel[]) {}

  /** The file the view follows now (for tests and the view's title). */
  shown(): FileHistory | undefined {
    return this.history;
  }

  /** Follow `file` (absolute path); undefined keeps the current one. Resolves once the list is computed. */
  follow(file: string | undefined): Promise<void> {
    if (file) this.file = file;
    return this.recompute();
  }

  /** Debounced recompute after the models changed. */
  refresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.recompute(), 300);
  }

  private recompute(): Promise<void> {
    // Serialised: a slow store read never overwrites a newer answer.
    this.computing = this.computing.then(async () => {
      const file = this.file;
      const model = file ? this.models().find((m) => file === m.folder || file.startsWith(m.folder + path.sep)) ?? this.models()[0] : undefined;
      const engine = await model?.engine();
      this.history = file && engine ? await fileHistory(engine.view, engine.hasher, file) : undefined;
      this.emitter.fire(undefined);
    }).catch(() => {
      this.history = undefined;
      this.emitter.fire(undefined);
    });
    return this.computing;
  }

  getChildren(element?: HistoryEntry): HistoryEntry[] {
    return element ? [] : this.history?.entries ?? [];
  }

  getTreeItem(e: HistoryEntry): vscode.TreeItem {
    const when = String(e.started_at ?? e.recorded_at ?? '').slice(0, 19).replace('T', ' ');
    const item = new vscode.TreeItem(`${VERB[e.role]} ${e.hash.slice(0, 12)}`);
    item.description = `${when} · ${e.verdict}${e.rerun ? ` · rerun ${e.rerun}` : ''}${e.changed ? ' · bytes changed' : ''}`;
    item.tooltip = `${e.session_id}\n${VERB[e.role]} ${this.history?.file ?? ''}\nsha256 ${e.hash}${e.changed ? '\nThe bytes differ from the version before.' : ''}`;
    // The change between versions is what a reader looks for: it gets the warning colour.
    item.iconPath = e.changed
      ? new vscode.ThemeIcon('diff-modified', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon(VERDICT_CODICON[e.verdict], new vscode.ThemeColor(VERDICT_THEME_COLOUR[e.verdict]));
    item.contextValue = 'clew.historyEntry';
    item.command = { command: 'clew.verifyRun', title: 'Show Run', arguments: [e.session_id] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.emitter.dispose();
  }
}
