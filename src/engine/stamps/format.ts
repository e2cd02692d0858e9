/**
 * The bytes upstream hashes and writes, reproduced exactly: Python's json.dumps (default
 * separators, ensure_ascii), datetime.now(timezone.utc).isoformat(), and the stamp id formula.
 * A stamp made here must check in scitex-clew and vice versa, so nothing here may "improve" them.
 */
import { createHash } from 'node:crypto';

function escapeNonAscii(json: string): string {
  // JSON.stringify already escapes quotes, backslashes and control characters as Python does;
  // ensure_ascii additionally escapes everything outside printable ASCII (0x7f included).
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.dumps(value) with Python's defaults: `", "` and `": "` separators, ASCII only. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return escapeNonAscii(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
  return `{${entries.join(', ')}}`;
}

/** json.dumps(flat_object, indent=2): what upstream writes into a file stamp (no trailing newline). */
export function pythonJsonIndent2(value: Record<string, string | number | null>): string {
  const lines = Object.entries(value).map(([k, v]) => `  ${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`);
  return `{\n${lines.join(',\n')}\n}`;
}

/** `stamp_` + the first 12 hex of sha256("{root_hash}:{timestamp}"). */
export function stampIdFor(rootHash: string, timestamp: string): string {
  return `stamp_${createHash('sha256').update(`${rootHash}:${timestamp}`, 'utf8').digest('hex').slice(0, 12)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * datetime.now(timezone.utc).isoformat(): microseconds (from the high-resolution clock, so ids
 * made within one millisecond still differ), omitted when exactly 0, as Python does.
 */
export function pythonUtcIsoNow(epochMicros: bigint = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000))): string {
  const micros = Number(epochMicros % 1_000_000n);
  const d = new Date(Number(epochMicros / 1000n));
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${base}${micros === 0 ? '' : `.${pad(micros, 6)}`}+00:00`;
}

/** Python str / SQLite BINARY order (code points), not JS UTF-16 order, so astral characters sort as upstream. */
export function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
