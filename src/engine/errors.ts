/**
 * Errors the engine raises on purpose. Every one carries a stable `code` and the exit status
 * the CLI maps it to, so users get one clear line instead of a stack trace.
 * Exit codes (documented in the README): 1 generic failure / not found, 2 usage,
 * 3 store cannot be opened (corrupt, foreign, not SQLite), 4 store is read-only / no writer available.
 */
export type ClewErrorCode =
  | 'usage'
  | 'not-found'
  | 'store-corrupt'
  | 'store-foreign'
  | 'store-missing'
  | 'store-readonly'
  | 'store-busy'
  | 'writer-unavailable'
  | 'io'
  | 'manifest-invalid'
  | 'internal';

const EXIT_BY_CODE: Record<ClewErrorCode, number> = {
  usage: 2,
  'not-found': 1,
  'store-corrupt': 3,
  'store-foreign': 3,
  'store-missing': 3,
  'store-readonly': 4,
  'store-busy': 4,
  'writer-unavailable': 4,
  io: 1,
  'manifest-invalid': 1,
  internal: 1,
};

export class ClewError extends Error {
  readonly code: ClewErrorCode;
  readonly exitCode: number;
  constructor(code: ClewErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClewError';
    this.code = code;
    this.exitCode = EXIT_BY_CODE[code];
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
