/** Status bar `✓ 12 ✗ 1 ! 0` (recorded files verified / changed / missing); click → Show Status. */
import * as vscode from 'vscode';
import { describePathMap } from '../engine/store/pathMap';
import { addCounts, type VerdictCounts } from '../engine/verify/verdicts';
import type { ClewModel } from './model';

export class ClewStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('clew.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Clew';
    this.item.command = 'clew.showStatus';
  }

  update(models: readonly ClewModel[]): void {
    const withStore = models.filter((m) => m.hasStore);
    if (withStore.length === 0) {
      this.item.hide();
      return;
    }
    const c: VerdictCounts = withStore.map((m) => m.counts()).reduce(addCounts);
    const error = withStore.find((m) => m.lastError)?.lastError;
    this.item.text = `✓ ${c.verified} ✗ ${c.mismatch} ! ${c.missing}`;
    const runs = withStore.flatMap((m) => m.runs.map((r) => m.rerunVerdict(r.session_id)));
    const reproduced = runs.filter((v) => v?.status === 'verified').length;
    const notReproduced = runs.filter((v) => v && v.status !== 'verified').length;
    const rerun = reproduced + notReproduced > 0 ? `; ${reproduced} runs verified by re-execution${notReproduced > 0 ? `, ${notReproduced} not reproduced` : ''}` : '';
    const moved = withStore.flatMap((m) => (m.pathMap ? [`\n${describePathMap(m.pathMap)}`] : [])).join('');
    this.item.tooltip = error ? `Clew: ${error}` : `Clew: ${c.verified} recorded files verified, ${c.mismatch} changed, ${c.missing} missing${rerun} — click for details${moved}`;
    this.item.backgroundColor = c.mismatch > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
