/**
 * What the editor says about the cluster workflow: handed-over stores waiting in incoming/ (a
 * status-bar item that runs *Ingest*, the Runs view's message, one notification per window with an
 * *Ingest* button) and the multi-host warning (once per window per store). The words are
 * incoming.ts's and the decision multiHost.ts's; this only shows them.
 */
import * as vscode from 'vscode';
import { checkMultiHost } from '../engine/cluster/multiHost';
import { storeNetworkFsType } from '../engine/cluster/networkFs';
import { pendingStores, pendingTexts } from './incoming';
import type { ClewModel } from './model';

export class IncomingNotice implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('clew.incoming', vscode.StatusBarAlignment.Left, 49);
  private notified = false;
  /** The count shown now (0: hidden), for tests and other extensions through the API. */
  shown = 0;
  /** Stores already warned about (the warning is once per window per store). */
  private readonly warned = new Set<string>();
  /** Whether each store's folder is on a network filesystem: a mount does not change under a running window. */
  private readonly onNetwork = new Map<string, boolean>();

  constructor(
    private readonly runsView: Pick<vscode.TreeView<unknown>, 'message'>,
    private readonly log: (message: string) => void,
  ) {
    this.item.name = 'Clew: handed-over stores';
    this.item.command = 'clew.ingest';
  }

  /** Re-reads incoming/ of every model's store (a directory listing each) and redraws. */
  update(models: readonly ClewModel[]): number {
    const pending = pendingStores(models);
    const texts = pendingTexts(pending);
    if (!texts) {
      this.item.hide();
      this.runsView.message = undefined;
      return (this.shown = 0);
    }
    this.item.text = texts.status;
    this.item.tooltip = texts.tooltip;
    this.item.show();
    this.runsView.message = texts.message.replace(/^Clew: /, '');
    if (!this.notified) {
      this.notified = true;
      void vscode.window.showInformationMessage(texts.message, 'Ingest').then((pick) => {
        if (pick === 'Ingest') void vscode.commands.executeCommand('clew.ingest');
      });
    }
    return (this.shown = pending.reduce((n, p) => n + p.count, 0));
  }

  /** The multi-host warning for stores not warned about yet; only stores on a network filesystem are read. */
  async checkHosts(models: readonly ClewModel[]): Promise<void> {
    for (const m of models) {
      const dbPath = m.dbPath;
      if (!dbPath || this.warned.has(dbPath) || !m.hasStore) continue;
      let network = this.onNetwork.get(dbPath);
      if (network === undefined) this.onNetwork.set(dbPath, (network = storeNetworkFsType(dbPath) !== undefined));
      if (!network) continue;
      const engine = await m.engine();
      const warning = engine ? checkMultiHost(engine.view) : undefined;
      if (!warning) continue;
      this.warned.add(dbPath);
      this.log(warning.message);
      void vscode.window.showWarningMessage(`Clew: ${warning.message}`);
    }
  }

  dispose(): void {
    this.item.dispose();
  }
}
