/**
 * Explorer badges: ✓ verified, ✗ changed (mismatch), ! missing — and ! on folders that hold
 * missing files (the files themselves are gone from the explorer). Answers from the models only;
 * change events carry only the URIs whose verdict changed, in batches of at most 250.
 */
import * as vscode from 'vscode';
import type { ClewModel, FileVerdict } from './model';

export const DECORATION_BATCH = 250;

const STYLE: Record<Exclude<FileVerdict, 'unknown'>, { badge: string; color: string; label: string }> = {
  verified: { badge: '✓', color: 'testing.iconPassed', label: 'verified: content matches the recorded SHA-256' },
  mismatch: { badge: '✗', color: 'list.errorForeground', label: 'changed since it was recorded (hash mismatch)' },
  missing: { badge: '!', color: 'list.warningForeground', label: 'recorded but missing' },
};

export class ClewDecorationProvider implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri[]>();
  readonly onDidChangeFileDecorations = this.emitter.event;
  private enabled = true;

  constructor(private readonly models: () => readonly ClewModel[]) {}

  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    for (const model of this.models()) this.fire([...model.files.keys(), ...model.foldersWithMissing]);
  }

  /** Fires for exactly these paths, in batches of at most DECORATION_BATCH URIs. */
  fire(paths: readonly string[]): void {
    for (let i = 0; i < paths.length; i += DECORATION_BATCH) {
      this.emitter.fire(paths.slice(i, i + DECORATION_BATCH).map((p) => vscode.Uri.file(p)));
    }
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (!this.enabled || uri.scheme !== 'file') return undefined;
    for (const model of this.models()) {
      const file = model.files.get(uri.fsPath);
      if (file && file.verdict !== 'unknown') {
        const style = STYLE[file.verdict];
        const decoration = new vscode.FileDecoration(style.badge, `Clew: ${style.label} (${file.role} of ${file.sessionId})`, new vscode.ThemeColor(style.color));
        decoration.propagate = false;
        return decoration;
      }
      if (model.foldersWithMissing.has(uri.fsPath)) {
        return new vscode.FileDecoration('!', 'Clew: contains recorded files that are missing', new vscode.ThemeColor(STYLE.missing.color));
      }
    }
    return undefined;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
