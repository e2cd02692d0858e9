/**
 * Claims in manuscripts (.tex, .md, .qmd, .Rmd): a code lens on each claim line with its stored
 * verdict (click to verify), and Problems entries for claims whose source changed or is missing.
 * Anchoring: when the manuscript was edited and the claim's value no longer sits on its recorded
 * line, the lens moves to the nearest line that still contains the value and says it moved;
 * when the value does not appear in the text at all (macros, placeholders), the lens stays on the recorded line.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Claim } from '../engine/claims/claims';
import { reasonPhrase, reasonSentence } from '../engine/claims/liveStatus';
import { VERDICT_GLYPH } from '../engine/present/icons';
import { claimStatusIn } from './claimStatus';
import type { ClewModel } from './model';

export const MANUSCRIPT_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.tex' },
  { scheme: 'file', pattern: '**/*.md' },
  { scheme: 'file', pattern: '**/*.qmd' },
  { scheme: 'file', pattern: '**/*.Rmd' },
];

export interface AnchoredClaim {
  claim: Claim;
  /** 0-based line where the lens goes. */
  line: number;
  note: string | undefined;
}

/** Pure anchoring rule (exported for tests): recorded line if it still holds the value, else nearest line that does. */
export function anchorClaim(lines: readonly string[], claim: Pick<Claim, 'line_number' | 'claim_value'>): { line: number; note: string | undefined } {
  const recorded = Math.max(0, (claim.line_number ?? 1) - 1);
  const needle = valueNeedle(claim.claim_value);
  if (!needle) return { line: Math.min(recorded, Math.max(0, lines.length - 1)), note: undefined };
  if (lines[recorded]?.includes(needle)) return { line: recorded, note: undefined };
  let best = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(needle) && (best < 0 || Math.abs(i - recorded) < Math.abs(best - recorded))) best = i;
  if (best >= 0) return { line: best, note: `moved from line ${recorded + 1}` };
  // The value is not written out in the text (e.g. a macro or placeholder): keep the recorded line.
  return { line: Math.min(recorded, Math.max(0, lines.length - 1)), note: undefined };
}

/** The part of a claim value to look for: the number in "n = 108", else the whole value. */
function valueNeedle(value: string | null): string | undefined {
  if (!value) return undefined;
  const afterEquals = /=\s*(.+)$/.exec(value);
  return (afterEquals ? afterEquals[1] : value).trim() || undefined;
}

class ClaimLens extends vscode.CodeLens {
  constructor(range: vscode.Range, readonly claim: Claim, readonly note: string | undefined) {
    super(range);
  }
}

export class ClaimLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('clew');

  constructor(private readonly models: () => readonly ClewModel[]) {}

  claimsOf(document: vscode.TextDocument): AnchoredClaim[] {
    const claims = this.models().flatMap((m) => m.claims.filter((c) => c.file_path === document.uri.fsPath));
    const lines = document.getText().split(/\r?\n/);
    return claims.map((claim) => ({ claim, ...anchorClaim(lines, claim) }));
  }

  /** Cheap: where the lenses go. Their titles (live status, upstream walk) wait for resolveCodeLens. */
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return this.claimsOf(document).map(({ claim, line, note }) => new ClaimLens(new vscode.Range(line, 0, line, 0), claim, note));
  }

  /** Only for lenses on screen: the claim's live status, decided by the engine. */
  resolveCodeLens(lens: vscode.CodeLens): vscode.CodeLens {
    if (!(lens instanceof ClaimLens)) return lens;
    const { claim, note } = lens;
    const { status, reason } = claimStatusIn(this.models(), claim);
    const source = claim.source_file ? path.basename(claim.source_file) : 'no source';
    // The source's own change is already said by the status word; upstream ones are named.
    const why = reason?.kind === 'upstream changed' || reason?.kind === 'no run produced' ? `; ${reasonPhrase(reason)}` : '';
    lens.command = {
      title: `${VERDICT_GLYPH[status]} Clew: ${status} — ${claim.claim_type} from ${source}${why}${note ? ` (${note})` : ''}`,
      tooltip: `${claim.claim_id}${claim.claim_value ? ` = ${claim.claim_value}` : ''}. Click to verify now.`,
      command: 'clew.verifyClaim',
      arguments: [claim.claim_id],
    };
    return lens;
  }

  /** Recomputes lenses and Problems for open manuscripts (after a model refresh or an edit). */
  update(): void {
    this.emitter.fire();
    this.diagnostics.clear();
    for (const document of vscode.workspace.textDocuments) {
      if (vscode.languages.match(MANUSCRIPT_SELECTOR, document) === 0) continue;
      const problems: vscode.Diagnostic[] = [];
      for (const { claim, line } of this.claimsOf(document)) {
        const { reason } = claimStatusIn(this.models(), claim);
        // A chain that did not verify at the last `verify` is the lens's news, not a problem of this text.
        if (!reason || reason.kind === 'no lineage') continue;
        const severity = reason.kind === 'source changed' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
        const d = new vscode.Diagnostic(document.lineAt(Math.min(line, document.lineCount - 1)).range, reasonSentence(claim.claim_id, reason), severity);
        d.source = 'clew';
        problems.push(d);
      }
      this.diagnostics.set(document.uri, problems);
    }
  }

  dispose(): void {
    this.emitter.dispose();
    this.diagnostics.dispose();
  }
}
