/**
 * The signed bytes of a sources manifest (spec extras §4.4): Python's
 * `json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)`, UTF-8, no trailing newline.
 * Written by hand rather than with JSON.stringify's indent because the two differ in key order
 * (Python sorts by code point) and in how they would lay out floats; a signature made by either
 * tool must verify in the other, so every byte has to agree.
 */

export type ManifestJson = string | number | boolean | null | ManifestJson[] | { [key: string]: ManifestJson };

/** Python orders str keys by code point; JS's default sort compares UTF-16 units (differs for astral characters). */
function byCodePoint(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i].codePointAt(0) ?? 0) - (cb[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** Python's float repr for finite numbers; integers print without a fraction, as Python's int does. */
function number(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot serialise ${n} in a manifest`);
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  // Python repr: shortest round-trip digits, exponent form outside [1e-4, 1e16) with a two-digit exponent.
  const s = String(n);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** ensure_ascii=False: only `"`, `\` and control characters are escaped — exactly JSON.stringify's rule for strings. */
function string(s: string): string {
  return JSON.stringify(s);
}

function dump(value: ManifestJson, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + dump(v, depth + 1)).join(',\n')}\n${close}]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort(byCodePoint);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${pad}${string(k)}: ${dump(value[k], depth + 1)}`).join(',\n')}\n${close}}`;
  }
  if (typeof value === 'string') return string(value);
  if (typeof value === 'number') return number(value);
  return value === null ? 'null' : value ? 'true' : 'false';
}

/** The canonical text (sorted keys, indent 2, non-ASCII kept). */
export function canonicalJson(value: ManifestJson): string {
  return dump(value, 0);
}

/** The bytes a signature covers: the manifest without its `signature` key, canonical, UTF-8. */
export function signedBytes(manifest: { [key: string]: ManifestJson }): Buffer {
  const { signature: _dropped, ...rest } = manifest;
  return Buffer.from(canonicalJson(rest), 'utf8');
}
