/** Offers to move a store read at a legacy location; never moves it without being asked. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { migrateLegacyStore } from '../engine/store/locate';
import type { ClewModel } from './model';

/**
 * A store at an old location is read where it is; moving it (as scitex-clew does when it next
 * opens it) is the user's call, offered once per activation.
 */
export function offerLegacyMoves(models: readonly ClewModel[], log: vscode.LogOutputChannel): void {
  for (const m of models) {
    const from = m.dbPath;
    const to = m.legacy?.target;
    const projectRoot = m.legacy?.projectRoot;
    if (!from || !to || !projectRoot) continue;
    log.info(`reading a legacy store at ${from} (current location: ${to})`);
    void vscode.window
      .showInformationMessage(`Clew: this project's store is at an old location (${path.relative(m.folder, from)}). scitex-clew moves it to ${path.relative(m.folder, to)} the next time it opens it.`, 'Move Now')
      .then(async (choice) => {
        if (choice !== 'Move Now') return;
        try {
          migrateLegacyStore(projectRoot, to, (message) => log.info(message));
        } catch (err) {
          void vscode.window.showErrorMessage(`Clew: could not move the store: ${err instanceof Error ? err.message : String(err)}`);
        }
        await m.refresh();
      });
  }
}
