import { realpathSync } from 'node:fs';
import { isAbsolute, resolve, sep, join, dirname, basename } from 'node:path';

/**
 * Python `Path(p).resolve()` (strict=False) semantics, which upstream uses for every stored path:
 * absolute against `cwd`, `..` normalised, symlinks followed as far as the path exists,
 * the non-existing tail appended unchanged, no trailing slash.
 */
export function resolvePath(p: string, cwd: string = process.cwd()): string {
  const absolute = isAbsolute(p) ? resolve(p) : resolve(cwd, p);
  let existing = absolute;
  const tail: string[] = [];
  for (;;) {
    try {
      const real = realpathSync.native(existing);
      return tail.length === 0 ? real : join(real, ...tail.reverse());
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      tail.push(basename(existing));
      existing = parent;
    }
  }
}

/** True when `child` equals `parent` or lies below it (plain string prefix on path segments). */
export function isUnder(child: string, parent: string): boolean {
  if (child === parent) return true;
  const withSep = parent.endsWith(sep) ? parent : parent + sep;
  return child.startsWith(withSep);
}
