/**
 * Where path maps come from besides the command line and the editor setting: the project root a
 * store now lives in (for detection), and `paths.map` in the project's Clew config file.
 */
import * as path from 'node:path';
import { ClewError } from '../errors';
import { findClewConfig } from '../config/clewConfig';
import { LEGACY_RELATIVE_PATHS, STORE_RELATIVE_PATH } from './locate';
import { parsePathMapping, type PathMapping } from './pathMap';

/** The folder holding `.scitex/clew/…/clew.db` (or a legacy store); undefined for a store kept elsewhere. */
export function storeProjectRoot(dbPath: string): string | undefined {
  const abs = path.resolve(dbPath);
  for (const rel of [STORE_RELATIVE_PATH, ...LEGACY_RELATIVE_PATHS]) {
    if (abs.endsWith(path.sep + rel)) return abs.slice(0, -rel.length - 1);
  }
  return undefined;
}

/**
 * `paths.map` of the nearest config file: an object `{OLD: NEW}` or a list of `OLD=NEW`. A
 * relative NEW is taken from the folder holding `.scitex/`. An unreadable config file is left to
 * the features that own it; a malformed entry here is an error naming the file and line.
 */
export function configPathMappings(startDir: string): PathMapping[] {
  const config = findClewConfig(startDir);
  if (!config || 'problem' in config) return [];
  const paths = (config.data as { paths?: { map?: unknown } } | null)?.paths;
  const map = paths?.map;
  if (map === undefined || map === null) return [];
  const base = path.dirname(path.dirname(path.dirname(config.file)));
  const where = `${config.file} line ${config.lineOf(['paths', 'map']) ?? '?'}`;
  if (Array.isArray(map)) {
    return map.map((entry) => {
      if (typeof entry !== 'string') throw new ClewError('usage', `${where}: paths.map entries are 'OLD=NEW' strings`);
      return parsePathMapping(entry, base, where);
    });
  }
  if (typeof map === 'object') {
    return Object.entries(map as Record<string, unknown>).map(([from, to]) => {
      if (typeof to !== 'string') throw new ClewError('usage', `${where}: paths.map.${from} must be a path`);
      return parsePathMapping(`${from}=${to}`, base, where);
    });
  }
  throw new ClewError('usage', `${where}: paths.map is a mapping OLD: NEW or a list of 'OLD=NEW'`);
}
