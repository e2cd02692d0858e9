/**
 * One glyph and one codicon per verdict, for every surface that shows one: CLI text, editor
 * reports, code lenses, explorer badges, tree views and diagram labels. Runs, files and claims
 * share the vocabulary (upstream's words), so the same state never looks different in two places.
 */
import type { Verdict } from '../verify/verdicts';

export const VERDICT_GLYPH: Readonly<Record<Verdict, string>> = {
  verified: '✓',
  mismatch: '✗',
  missing: '!',
  suspect: '~',
  unknown: '?',
  registered: '○',
  superseded: '-',
  unsourced: '◇',
};

/** Codicon ids (https://microsoft.github.io/vscode-codicons/); the extension wraps them in ThemeIcons. */
export const VERDICT_CODICON: Readonly<Record<Verdict, string>> = {
  verified: 'pass',
  mismatch: 'error',
  missing: 'warning',
  suspect: 'question',
  unknown: 'circle-outline',
  registered: 'circle-outline',
  superseded: 'circle-slash',
  unsourced: 'unverified',
};

/** The glyph for a word read from a store (which may hold words Clew does not know: `?`). */
export function glyphFor(word: string | null): string {
  return (VERDICT_GLYPH as Readonly<Record<string, string>>)[word ?? ''] ?? '?';
}

/** A run verified by re-execution (its newest verification is a verified rerun), everywhere: ✓✓. */
export const VERIFIED_FROM_SCRATCH_GLYPH = `${VERDICT_GLYPH.verified}${VERDICT_GLYPH.verified}`;
