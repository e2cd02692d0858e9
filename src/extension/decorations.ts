/**
 * Explorer badges: ✓ verified (✓✓ when a rerun also reproduced it), ✗ changed (mismatch), ! missing — and ! on folders that hold
 * missing files (the files themselves are gone from the explorer). Answers from the models only;
 * change events carry only the URIs whose verdict changed, in batches of at most 250.
 */
import * as vscode from 'vscode';
import { VERDICT_THEME_COLOUR } from '../engine/present/colours';
import { VERDICT_GLYPH, VERIFIED_FROM_SCRATCH_GLYPH } from '../engine/present/icons';
import type { FileVerdict } from '../engine/verify/verdicts';
import type { ClewModel } from './model';

export const DECORATION_BATCH = 250;

const LABEL: Record<Exclude<FileVerdict, 'unknown'>, string> = {
  verified: 'verified: content matches the recorded SHA-256',
  mismatch: 'changed since it was recorded (hash mismatch)',
  missing: 'recorded but missing',
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
        const v = file.verdict;
        // Told apart from a hash check: ✓✓ when the run was also re-executed and reproduced it.
        const fromScratch = v === 'verified' && file.rerun === 'reproduced';
        const rerunNote = file.rerun === 'reproduced' ? '; verified by re-execution: a sandboxed rerun reproduced these bytes' : file.rerun === 'not-reproduced' ? `; the last rerun did not reproduce this run (${model.rerunVerdict(file.sessionId)?.status ?? 'failed'})` : '';
        const glyph = fromScratch ? VERIFIED_FROM_SCRATCH_GLYPH : VERDICT_GLYPH[v];
        const decoration = new vscode.FileDecoration(glyph, `Clew: ${LABEL[v]}${rerunNote} (${file.role} of ${file.sessionId})`, new vscode.ThemeColor(VERDICT_THEME_COLOUR[v]));
        decoration.propagate = false;
        return decoration;
      }
      if (model.foldersWithMissing.has(uri.fsPath)) {
        return new vscode.FileDecoration(VERDICT_GLYPH.missing, 'Clew: contains recorded files that are missing', new vscode.ThemeColor(VERDICT_THEME_COLOUR.missing));
      }
    }
    return undefined;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
