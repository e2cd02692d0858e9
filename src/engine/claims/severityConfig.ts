/**
 * The `verify.severity` map of upstream's config (spec §11), which decides which claim-gate
 * outcomes fail `clew verify` (error), are only reported (warning) or are dropped (ignore).
 * Scopes, lowest first: user `$SCITEX_DIR/clew/` (default `~/.scitex/clew/`), project
 * `<git root>/.scitex/clew/` (`.git` only, as upstream), then an explicit `--config` file or
 * scope folder. In a folder, `config.yaml` (else `config.yml`) is the base and
 * `config/*.yaml|yml` are deep-merged over it in name order.
 * Only the `verify` section is validated here: Clew keeps other settings (rerun, grouper) in the
 * same files, so unknown top-level keys are not errors as they are upstream.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readClewConfig } from '../config/clewConfig';
import { ClewError } from '../errors';

export type Severity = 'error' | 'warning' | 'ignore';
const LEVELS: readonly string[] = ['error', 'warning', 'ignore'];

/** Upstream's severity pattern keys (lower-case outcome names). */
export const SEVERITY_KEYS = ['unverified', 'source_missing', 'hash_mismatch', 'no_lineage', 'citation_stub', 'citation_unresolved', 'citation_unlinked', 'unsourced', 'no_claims'] as const;

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isTree(v) && isTree(out[k]) ? deepMerge(out[k] as Tree, v) : v;
  return out;
}

function readFile(file: string): Tree {
  const parsed = readClewConfig(file);
  if ('problem' in parsed) throw new ClewError('io', parsed.problem);
  if (parsed.data === null || parsed.data === undefined) return {};
  if (!isTree(parsed.data)) throw new ClewError('io', `${file}: the config must be a mapping`);
  return parsed.data;
}

/** One scope: a file, or a folder holding config.yaml|yml and config/*.yaml|yml. */
function readScope(target: string): Tree {
  if (!fs.existsSync(target)) return {};
  if (fs.statSync(target).isFile()) return readFile(target);
  let merged: Tree = {};
  const base = ['config.yaml', 'config.yml'].map((n) => path.join(target, n)).find((f) => fs.existsSync(f));
  if (base) merged = readFile(base);
  const parts = path.join(target, 'config');
  if (fs.existsSync(parts) && fs.statSync(parts).isDirectory()) {
    for (const name of fs.readdirSync(parts).filter((n) => /\.ya?ml$/.test(n)).sort()) merged = deepMerge(merged, readFile(path.join(parts, name)));
  }
  return merged;
}

function gitRoot(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function severitiesOf(tree: Tree, where: string): Partial<Record<string, Severity>> {
  const verify = tree.verify;
  if (verify === undefined || verify === null) return {};
  if (!isTree(verify)) throw new ClewError('io', `${where}: 'verify' must be a mapping`);
  for (const key of Object.keys(verify)) if (key !== 'severity') throw new ClewError('io', `${where}: unknown key 'verify.${key}' (only verify.severity exists)`);
  const map = verify.severity;
  if (map === undefined || map === null) return {};
  if (!isTree(map)) throw new ClewError('io', `${where}: 'verify.severity' must be a mapping of pattern: error|warning|ignore`);
  const out: Partial<Record<string, Severity>> = {};
  for (const [rawKey, level] of Object.entries(map)) {
    // Upstream accepts the outcome name in either case (NO_LINEAGE or no_lineage).
    const key = rawKey.toLowerCase();
    if (!(SEVERITY_KEYS as readonly string[]).includes(key)) throw new ClewError('io', `${where}: unknown severity pattern '${rawKey}' (known: ${SEVERITY_KEYS.join(', ')})`);
    if (typeof level !== 'string' || !LEVELS.includes(level.toLowerCase())) throw new ClewError('io', `${where}: severity of '${rawKey}' must be error, warning or ignore, got '${String(level)}'`);
    out[key] = level.toLowerCase() as Severity;
  }
  return out;
}

/** The merged overrides of every scope; throws a ClewError naming the file for bad config. */
export function resolveSeverityOverrides(options: { cwd: string; env: NodeJS.ProcessEnv; explicit?: string }): Partial<Record<string, Severity>> {
  const scopes: string[] = [path.join(options.env.SCITEX_DIR || path.join(os.homedir(), '.scitex'), 'clew')];
  const root = gitRoot(options.cwd);
  if (root) scopes.push(path.join(root, '.scitex', 'clew'));
  if (options.explicit !== undefined) {
    const explicit = path.resolve(options.cwd, options.explicit);
    if (!fs.existsSync(explicit)) throw new ClewError('usage', `--config: no such file or folder: ${options.explicit}`);
    scopes.push(explicit);
  }
  let merged: Partial<Record<string, Severity>> = {};
  for (const scope of scopes) merged = { ...merged, ...severitiesOf(readScope(scope), scope) };
  return merged;
}
