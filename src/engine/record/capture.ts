/**
 * Automatic capture of the files a command reads and writes.
 * Preferred: run it under `strace -f` and read successful open/creat/rename/execve calls.
 * Fallback (no working strace, e.g. ptrace forbidden): snapshot the project tree's (size, mtime)
 * before and after; changed or new files are outputs, inputs cannot be observed this way.
 * Only regular files inside the project root count; Clew's own store, VCS and cache folders do not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lazyChildProcess } from '../util/lazyBuiltins';
import { isUnder } from '../util/paths';

export const IGNORED_DIR_NAMES = new Set(['.scitex', '.git', '.hg', '.svn', '__pycache__', 'node_modules', '.venv', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints']);

export interface CapturedFiles {
  inputs: string[];
  outputs: string[];
  /** Programs the command executed, in order (for script detection). */
  executed: string[];
}

let straceWorks: boolean | undefined;
export function straceAvailable(): boolean {
  if (straceWorks === undefined) {
    const probe = lazyChildProcess().spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', 'true'], { stdio: 'ignore', timeout: 10_000 });
    straceWorks = probe.status === 0;
  }
  return straceWorks;
}

/**
 * Whether strace can filter in the kernel (`--seccomp-bpf`, strace ≥ 5.3 with seccomp allowed):
 * then only the traced file calls stop the program, instead of every system call, which makes
 * recording several times cheaper for interpreters that make many calls (Python, shims).
 */
let seccompWorks: boolean | undefined;
function straceSeccomp(): boolean {
  seccompWorks ??= lazyChildProcess().spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=execve', '-o', '/dev/null', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return seccompWorks;
}

/** strace command prefix writing its log to `logFile`. */
export function straceArgs(logFile: string): string[] {
  // -y: a descriptor argument comes with its path (`3</p/sub>`), so openat(dirfd, "b.txt") resolves
  // against that folder rather than the cwd.
  return ['-f', '-qq', '-y', ...(straceSeccomp() ? ['--seccomp-bpf'] : []), '-s', '65535', '-e', 'trace=open,openat,creat,rename,renameat,renameat2,execve', '-o', logFile, '--'];
}

/** Decodes strace's C-style string escapes (\", \\, \n, \t, \ooo, \xhh) to UTF-8 text. */
export function decodeStraceString(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const ch = escaped[i];
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = escaped[++i];
    if (next === 'x') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (next >= '0' && next <= '7') {
      let j = i;
      while (j < i + 3 && escaped[j] >= '0' && escaped[j] <= '7') j++;
      bytes.push(parseInt(escaped.slice(i, j), 8));
      i = j - 1;
    } else {
      bytes.push(({ n: 10, t: 9, r: 13, v: 11, f: 12 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const STRING = '"((?:[^"\\\\]|\\\\.)*)"';
const OPEN_RE = new RegExp(`^(\\d+)\\s+(open|openat|creat)\\((?:AT_FDCWD|\\d+)(?:<([^>]*)>)?,?\\s*${STRING}(?:,\\s*([A-Z_|0-9]+))?.*\\)\\s+=\\s+(\\d+)`);
const OPEN_NO_DIRFD_RE = new RegExp(`^(\\d+)\\s+(open|creat)\\(${STRING}(?:,\\s*([A-Z_|0-9]+))?.*\\)\\s+=\\s+(\\d+)`);
const RENAME_RE = new RegExp(`^(\\d+)\\s+rename(?:at2?)?\\((?:(?:AT_FDCWD|\\d+)(?:<[^>]*>)?,\\s*)?${STRING},\\s*(?:(?:AT_FDCWD|\\d+)(?:<([^>]*)>)?,\\s*)?${STRING}.*\\)\\s+=\\s+0`);
const EXEC_RE = new RegExp(`^(\\d+)\\s+execve\\(${STRING}.*\\)\\s+=\\s+0`);

/** Parses an strace log into files read, written and executed (absolute, in first-seen order). */
export function parseStraceLog(log: string, cwd: string): CapturedFiles {
  const firstAccess = new Map<string, 'read' | 'write'>();
  const written = new Set<string>();
  const executed: string[] = [];
  const abs = (p: string) => path.resolve(cwd, p);
  for (const line of log.split('\n')) {
    const at = OPEN_RE.exec(line);
    const open = at ? [at[0], at[1], at[2], at[4], at[5]] : OPEN_NO_DIRFD_RE.exec(line);
    if (open) {
      const dir = at?.[3];
      const name = decodeStraceString(open[3]);
      const file = dir !== undefined && !name.startsWith('/') ? path.resolve(decodeStraceString(dir), name) : abs(name);
      const flags = open[4] ?? '';
      const writes = open[2] === 'creat' || /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/.test(flags);
      if (!firstAccess.has(file)) firstAccess.set(file, writes ? 'write' : 'read');
      if (writes) written.add(file);
      continue;
    }
    const rename = RENAME_RE.exec(line);
    if (rename) {
      const name = decodeStraceString(rename[4]);
      written.add(rename[3] !== undefined && !name.startsWith('/') ? path.resolve(decodeStraceString(rename[3]), name) : abs(name));
      continue;
    }
    const exec = EXEC_RE.exec(line);
    if (exec) executed.push(abs(decodeStraceString(exec[2])));
  }
  const inputs = [...firstAccess].filter(([f, kind]) => kind === 'read' && !written.has(f)).map(([f]) => f);
  return { inputs, outputs: [...written], executed };
}

/** Keeps regular files under `root`, outside ignored folders, resolving symlinks. */
export function filterProjectFiles(files: readonly string[], root: string, exclude: ReadonlySet<string>): string[] {
  // A capture can name thousands of files (docs/recording.md): one lstat per file, and one
  // realpath per folder (cached) rather than per file; only a symlinked file costs its own.
  const kept = new Set<string>();
  const realDirs = new Map<string, string | null>();
  const realDir = (dir: string): string | null => {
    let real = realDirs.get(dir);
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(dir);
      } catch {
        real = null;
      }
      realDirs.set(dir, real);
    }
    return real;
  };
  for (const file of files) {
    if (!isUnder(file, root) || exclude.has(file)) continue;
    const rel = path.relative(root, file).split(path.sep);
    if (rel.some((part) => IGNORED_DIR_NAMES.has(part))) continue;
    try {
      const st = fs.lstatSync(file, { throwIfNoEntry: false });
      if (!st) continue;
      let real: string;
      if (st.isSymbolicLink()) {
        real = fs.realpathSync.native(file);
        if (!fs.statSync(real).isFile()) continue;
      } else {
        if (!st.isFile()) continue;
        const dir = realDir(path.dirname(file));
        if (dir === null) continue;
        real = path.join(dir, path.basename(file));
      }
      if (!exclude.has(real)) kept.add(real);
    } catch {
      continue;
    }
  }
  return [...kept];
}

export type TreeSnapshot = Map<string, string>;

/** (size, mtime) of every regular file below root, skipping ignored folders; bounded by maxFiles. */
export function snapshotTree(root: string, maxFiles = 200_000): TreeSnapshot {
  const snap: TreeSnapshot = new Map();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (snap.size >= maxFiles) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!IGNORED_DIR_NAMES.has(e.name)) walk(full);
      } else if (e.isFile()) {
        try {
          const st = fs.statSync(full, { bigint: true });
          snap.set(full, `${st.size}:${st.mtimeNs}`);
        } catch {
          continue;
        }
      }
    }
  };
  walk(root);
  return snap;
}

export function changedFiles(before: TreeSnapshot, after: TreeSnapshot): string[] {
  return [...after].filter(([f, sig]) => before.get(f) !== sig).map(([f]) => f);
}
