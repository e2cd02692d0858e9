/**
 * Says once per folder that its store is read through a path map (a store that moved): a log
 * line and an information message. The status-bar tooltip keeps saying it (statusBar.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describePathMap } from '../engine/store/pathMap';
import type { ClewModel } from './model';

export function createMovedStoreNotice(log: vscode.LogOutputChannel): (models: readonly ClewModel[]) => void {
  // Folder → the map it was told with: a refresh with the same map says nothing new.
  const told = new Map<string, string>();
  return (models) => {
    for (const m of models) {
      const text = m.pathMap ? describePathMap(m.pathMap) : '';
      if ((told.get(m.folder) ?? '') === text) continue;
      told.set(m.folder, text);
      if (!text) continue;
      log.info(`${m.folder}: ${text}`);
      void vscode.window.showInformationMessage(`Clew (${path.basename(m.folder)}): ${text}.`);
    }
  };
}
