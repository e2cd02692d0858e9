/**
 * What keeps the models fresh: file-system watchers narrowed (RelativePattern) to each model's
 * store file and its `-wal`, and to the folders of its recorded files — never the whole workspace.
 * The store is recognised by the path the model actually opened (so a custom `clew.storePath`
 * with any file name refreshes live), and a store outside the workspace is also stat-polled.
 * Debounced (300 ms): a store change asks for a full refresh, recorded files for a narrow one.
 * Each store's incoming/ (handed-over stores, incoming.ts) is watched too, and stat-polled: a file
 * another host writes over NFS raises no file event on this one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClewModel } from './model';
import { incomingStamp, incomingWatchPattern, isIncomingPath } from './incoming';
import { isStoreFile, watchPatterns } from './watchTargets';

const DEBOUNCE_MS = 300;
const POLL_MS = 5000;

export interface WatchHandlers {
  storeChanged(): void;
  filesChanged(paths: string[]): void;
  /** A handed-over store appeared in or left some store's incoming/. */
  incomingChanged(): void;
}

export interface ModelWatchers extends vscode.Disposable {
  /** Re-targets the watchers after the models changed (new store path, new recorded folders). */
  update(): void;
}

export function createModelWatchers(models: () => readonly ClewModel[], handlers: WatchHandlers): ModelWatchers {
  let storeTimer: NodeJS.Timeout | undefined;
  let fileTimer: NodeJS.Timeout | undefined;
  let incomingTimer: NodeJS.Timeout | undefined;
  const onIncomingChanged = () => {
    clearTimeout(incomingTimer);
    incomingTimer = setTimeout(() => handlers.incomingChanged(), DEBOUNCE_MS);
  };
  const changedFiles = new Set<string>();
  const onStoreChanged = () => {
    clearTimeout(storeTimer);
    storeTimer = setTimeout(() => handlers.storeChanged(), DEBOUNCE_MS);
  };
  const onFileChanged = (uri: vscode.Uri) => {
    if (uri.scheme !== 'file') return;
    if (isStoreFile(models(), uri.fsPath)) return onStoreChanged();
    if (isIncomingPath(models().map((m) => m.dbPath), uri.fsPath)) return onIncomingChanged();
    if (!models().some((m) => m.files.has(uri.fsPath) || m.claimSources.has(uri.fsPath))) return;
    changedFiles.add(uri.fsPath);
    clearTimeout(fileTimer);
    fileTimer = setTimeout(() => {
      const paths = [...changedFiles];
      changedFiles.clear();
      handlers.filesChanged(paths);
    }, DEBOUNCE_MS);
  };

  const watchers = new Map<string, vscode.Disposable>();
  function update(): void {
    const wanted = new Map<string, { base: string; glob: string }>();
    for (const m of models()) {
      for (const p of watchPatterns(m)) wanted.set(`${p.base}\0${p.glob}`, p);
      if (m.dbPath) {
        const p = incomingWatchPattern(m.dbPath);
        wanted.set(`${p.base}\0${p.glob}`, p);
      }
    }
    for (const [key, w] of watchers) {
      if (wanted.has(key)) continue;
      w.dispose();
      watchers.delete(key);
    }
    for (const [key, p] of wanted) {
      if (watchers.has(key)) continue;
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(p.base), p.glob));
      watchers.set(key, vscode.Disposable.from(w, w.onDidChange(onFileChanged), w.onDidCreate(onFileChanged), w.onDidDelete(onFileChanged)));
    }
  }

  // A store outside the workspace may not be seen by the watchers on every platform: a stat poll covers it.
  const stamps = new Map<string, string>();
  const stamp = (p: string) => {
    try {
      const s = fs.statSync(p);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'absent';
    }
  };
  const incomingStamps = new Map<string, string>();
  const poll = setInterval(() => {
    for (const m of models()) {
      if (m.dbPath) {
        const now = incomingStamp(m.dbPath);
        if (incomingStamps.has(m.dbPath) && incomingStamps.get(m.dbPath) !== now) onIncomingChanged();
        incomingStamps.set(m.dbPath, now);
      }
      if (!m.dbPath || m.dbPath.startsWith(m.folder + path.sep)) continue;
      const now = `${stamp(m.dbPath)}|${stamp(`${m.dbPath}-wal`)}`;
      if (stamps.has(m.dbPath) && stamps.get(m.dbPath) !== now) onStoreChanged();
      stamps.set(m.dbPath, now);
    }
  }, POLL_MS);

  const saved = vscode.workspace.onDidSaveTextDocument((doc) => onFileChanged(doc.uri));
  return {
    update,
    dispose() {
      clearInterval(poll);
      clearTimeout(storeTimer);
      clearTimeout(fileTimer);
      clearTimeout(incomingTimer);
      saved.dispose();
      for (const w of watchers.values()) w.dispose();
      watchers.clear();
    },
  };
}
