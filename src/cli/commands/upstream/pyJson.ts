/**
 * JSON laid out as Python's `json.dumps` prints it, so scripts that diff or grep upstream's output
 * keep working: `indent=2` (", " never trails a line) or the one-line form with ", " and ": "
 * separators, and non-ASCII escaped as \uXXXX (Python's default ensure_ascii).
 */
function scalar(value: unknown): string {
  if (value === undefined) return 'null';
  return (JSON.stringify(value) ?? 'null').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function dump(value: unknown, indent: number | undefined, depth: number): string {
  const nl = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
  const close = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
  const sep = indent === undefined ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${value.map((v) => `${nl}${dump(v, indent, depth + 1)}`).join(sep)}${close}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, v]) => `${nl}${scalar(k)}: ${dump(v, indent, depth + 1)}`).join(sep)}${close}}`;
  }
  return scalar(value);
}

/** `json.dumps(value, indent=2)` when pretty, else `json.dumps(value)`. */
export function pyJson(value: unknown, pretty = true): string {
  return dump(value, pretty ? 2 : undefined, 0);
}
