/** ANSI styling that collapses to plain text when colours are off (not a TTY, or NO_COLOR). */
import { VERDICT_TERMINAL_COLOUR } from '../../engine/present/colours';
import { VERDICT_GLYPH } from '../../engine/present/icons';
import type { Verdict } from '../../engine/verify/verdicts';
import type { VerificationStatus } from '../../engine/verify/types';

const CODES = { green: '\x1b[92m', red: '\x1b[91m', yellow: '\x1b[93m', orange: '\x1b[38;5;208m', cyan: '\x1b[96m', gray: '\x1b[90m', bold: '\x1b[1m' } as const;
export type Colour = keyof typeof CODES;

export interface Styler {
  paint(colour: Colour, text: string): string;
  status(status: Verdict): string;
  icon(status: Verdict): string;
}

export function styler(color: boolean): Styler {
  const paint = (colour: Colour, text: string): string => (color ? `${CODES[colour]}${text}\x1b[0m` : text);
  return {
    paint,
    status: (s) => paint(VERDICT_TERMINAL_COLOUR[s], s),
    icon: (s) => paint(VERDICT_TERMINAL_COLOUR[s], VERDICT_GLYPH[s]),
  };
}

/**
 * Exit status for a verdict, shared by every verification command (documented in the README):
 * 0 verified, 10 suspect/unknown, 11 missing, 12 mismatch (as upstream's `clew verify`).
 */
export function exitCodeFor(status: VerificationStatus): number {
  switch (status) {
    case 'verified':
      return 0;
    case 'mismatch':
      return 12;
    case 'missing':
      return 11;
    default:
      return 10;
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
