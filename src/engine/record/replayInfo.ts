/**
 * What a rerun needs to replay a recorded command, kept as JSON under the `clew` key of
 * `runs.metadata` (other keys, e.g. ones a Python caller wrote, are left as they are, so
 * scitex-clew reads the row as before).
 *
 * Only an allow-list of environment variables is kept (locale, time zone, thread counts, language
 * search paths, virtual environments), and a name that looks like a secret is dropped even when
 * allowed: the store is shared and often published with the paper.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ReplayInfo {
  /** The command line as the user gave it. */
  argv: string[];
  /** Working directory it ran in (absolute). */
  cwd: string;
  /** argv[0] resolved to an absolute executable when it was found (the interpreter actually used). */
  executable: string | null;
  /** Selected environment variables (never secrets). */
  env: Record<string, string>;
}

const ALLOWED_NAMES = new Set([
  'LANG', 'LANGUAGE', 'TZ', 'PYTHONHASHSEED', 'PYTHONPATH', 'PYTHONIOENCODING', 'PYTHONUTF8', 'PYTHONNOUSERSITE',
  'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'NUMEXPR_NUM_THREADS', 'VECLIB_MAXIMUM_THREADS',
  'CUDA_VISIBLE_DEVICES', 'R_LIBS', 'R_LIBS_USER', 'NODE_PATH', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'CONDA_DEFAULT_ENV',
  'SOURCE_DATE_EPOCH', 'MPLBACKEND', 'JULIA_PROJECT', 'JULIA_NUM_THREADS',
]);
const ALLOWED_PREFIXES = ['LC_', 'SCITEX_'];
const SECRET_LIKE = /TOKEN|SECRET|PASSW|PASSPHRASE|API_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SIGNING/i;
/** Never replayed: where the child records is the sandbox's business. */
const NEVER_REPLAYED = new Set(['SCITEX_CLEW_DB_PATH']);

export function selectReplayEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || NEVER_REPLAYED.has(name) || SECRET_LIKE.test(name)) continue;
    if (ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))) kept[name] = value;
  }
  return kept;
}

/** `program` as an absolute executable path (relative to cwd, or found on PATH), or null. */
export function resolveExecutable(program: string, cwd: string, envPath = process.env.PATH ?? ''): string | null {
  const executable = (p: string) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) {
    const p = path.resolve(cwd, program);
    return executable(p) ? p : null;
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, program);
    if (executable(p)) return p;
  }
  return null;
}

export function replayInfoFor(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ReplayInfo {
  return { argv: [...argv], cwd, executable: argv[0] === undefined ? null : resolveExecutable(argv[0], cwd, env.PATH ?? ''), env: selectReplayEnv(env) };
}

/**
 * A `runs.metadata` value parsed, with its `clew` object (Clew's key; other keys belong to whoever
 * wrote them), or undefined when the value is absent, not JSON, or has no such object.
 */
export function clewMetadataOf(metadata: string | null | undefined): { parsed: Record<string, unknown>; clew: Record<string, unknown> } | undefined {
  if (!metadata) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadata);
  } catch {
    return undefined;
  }
  const clew = typeof parsed === 'object' && parsed !== null ? (parsed as { clew?: unknown }).clew : undefined;
  if (typeof clew !== 'object' || clew === null) return undefined;
  return { parsed: parsed as Record<string, unknown>, clew: clew as Record<string, unknown> };
}

/** The replay info in a `runs.metadata` value, or undefined when absent or malformed. */
export function replayInfoOf(metadata: string | null | undefined): ReplayInfo | undefined {
  const found = clewMetadataOf(metadata);
  if (!found) return undefined;
  const info = found.clew as Partial<ReplayInfo>;
  if (!Array.isArray(info.argv) || info.argv.length === 0 || !info.argv.every((a) => typeof a === 'string')) return undefined;
  if (typeof info.cwd !== 'string' || !path.isAbsolute(info.cwd)) return undefined;
  const env: Record<string, string> = {};
  if (typeof info.env === 'object' && info.env !== null) {
    for (const [k, v] of Object.entries(info.env)) if (typeof v === 'string' && !SECRET_LIKE.test(k) && !NEVER_REPLAYED.has(k)) env[k] = v;
  }
  return { argv: info.argv, cwd: info.cwd, executable: typeof info.executable === 'string' ? info.executable : null, env };
}
