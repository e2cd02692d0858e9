/**
 * The one text rendering of a verified run, used by `clew run|chain|dag` and the editor's reports.
 * Colours are the caller's business: pass a styler (the CLI's ANSI one), or get plain text.
 */
import { VERDICT_GLYPH } from '../present/icons';
import type { RunVerification, VerificationStatus } from './types';

export interface VerdictStyle {
  icon(status: VerificationStatus): string;
  status(status: VerificationStatus): string;
}

export const PLAIN_STYLE: VerdictStyle = { icon: (s) => VERDICT_GLYPH[s], status: (s) => s };

/** A header line per run, then its files (only the failed ones unless `verbose`). */
export function runLines(r: RunVerification, options: { verbose?: boolean; style?: VerdictStyle } = {}): string[] {
  const s = options.style ?? PLAIN_STYLE;
  const lines = [`${s.icon(r.status)} ${r.session_id}  ${s.status(r.status)}${r.script_path ? `  ${r.script_path}` : ''}`];
  if (r.provenance === 'exception') lines.push(`    exception: ${r.exception_reason ?? ''}`);
  for (const f of r.files) {
    // A file checked from an archive is always listed: the user should know it is no longer on disk.
    if (!options.verbose && f.is_verified && !f.archive) continue;
    const note = f.status === 'mismatch' ? `  (expected ${f.expected_hash.slice(0, 12)}…, now ${f.current_hash?.slice(0, 12) ?? '-'}…)` : f.error ? `  (${f.error})` : '';
    const from = f.archive ? `  (from archive ${f.archive})` : '';
    lines.push(`    ${s.icon(f.status)} ${f.role.padEnd(6)} ${f.path}${f.frozen ? ' [frozen]' : ''}${from}${note}`);
  }
  return lines;
}
