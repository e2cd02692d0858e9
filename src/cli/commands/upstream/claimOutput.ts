/** Output conventions shared by upstream's `claim …` subcommands. */
import type { Claim } from '../../../engine/claims/claims';
import { CLAIM_TYPES } from '../../../engine/claims/claims';
import { ClewError } from '../../../engine/errors';
import type { CliIo } from '../../types';
import { pyJson } from './pyJson';

/** JSON (with the global --json) or the human text, as upstream's `_emit`. */
export function emit(io: CliIo, asJson: boolean, payload: unknown, human: string): void {
  io.out(asJson ? pyJson(payload) : human);
}

/** Upstream's refusal: one "ERROR: …" line on stderr (or {error, …} in JSON) and exit 1. */
export function refuse(io: CliIo, asJson: boolean, message: string, jsonExtra: Record<string, unknown> = {}): number {
  if (asJson) io.out(pyJson({ error: message, ...jsonExtra }));
  else io.err(`ERROR: ${message}`);
  return 1;
}

export function location(c: Claim): string {
  return c.line_number ? `${c.file_path}:L${c.line_number}` : c.file_path;
}

/** `--type` is a fixed choice upstream (a usage error, exit 2, otherwise). */
export function claimType(value: string | undefined, required: boolean, usage: string): string | undefined {
  if (value === undefined) {
    if (required) throw new ClewError('usage', `--type is required (${CLAIM_TYPES.join('|')})\n${usage}`);
    return undefined;
  }
  if (!(CLAIM_TYPES as readonly string[]).includes(value)) throw new ClewError('usage', `--type must be one of ${CLAIM_TYPES.join(', ')}, got '${value}'\n${usage}`);
  return value;
}

export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new ClewError('usage', `${flag} must be a whole number, got '${value}'`);
  return n;
}

/** Python's repr() of a str: what upstream stores for a value given on the command line. */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const body = text.replace(/[\\\n\r\t]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string).split(quote).join(`\\${quote}`);
  return `${quote}${body}${quote}`;
}
