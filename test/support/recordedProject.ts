/**
 * Shared by the record and rerun tests: small projects recorded with the real CLI (`clew record`), a full
 * tree hash of the user's files, and a dump of the store as python's sqlite3 sees it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { CLI } from './repo';

export { CLI };
export const STORE = '.scitex/clew/runtime/clew.db';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function clew(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SCITEX_CLEW_HOST: 'test-host', ...env }, timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh project root (with `.git`, so it is found as the project root) under a temp base. */
export function newProject(base: string, name: string): string {
  const root = path.join(fs.realpathSync(base), name);
  fs.mkdirSync(path.join(root, '.git'), { recursive: true });
  return root;
}

export function tempBase(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function write(root: string, rel: string, content: string, mode?: number): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

/** Records `sh SCRIPT` with declared inputs and outputs; fails the test when recording fails. */
export function recordSh(root: string, script: string, inputs: string[], outputs: string[], sessionId: string): void {
  const args = ['record', '--session-id', sessionId];
  for (const i of inputs) args.push('--input', i);
  for (const o of outputs) args.push('--output', o);
  const r = clew(root, [...args, '--', 'sh', script]);
  if (r.status !== 0) throw new Error(`clew record ${script} failed (${r.status}): ${r.stderr}`);
}

/**
 * Every file under root except the store folder, with its bytes' hash, mode and symlink target:
 * two equal results mean not one byte, file or permission of the user's project changed.
 */
export function treeHash(root: string, skip = '.scitex/clew/runtime'): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      if (rel === skip || rel === '.git') continue;
      const st = fs.lstatSync(full);
      if (st.isDirectory()) {
        out.set(`${rel}/`, `dir ${st.mode}`);
        walk(full);
      } else if (st.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(full)}`);
      else out.set(rel, `${st.mode} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`);
    }
  };
  walk(root);
  return out;
}

/**
 * The store as python's sqlite3 dumps it (committed rows, WAL included), one statement per line.
 * AUTOINCREMENT's own counters (sqlite_sequence) are left out: they move with every appended row.
 */
export function storeDump(root: string): string[] {
  const script = 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nfor l in c.iterdump(): print(l.replace("\\n", " "))';
  return execFileSync('python3', ['-c', script, path.join(root, STORE)]).toString().split('\n').filter((l) => l && !l.includes('"sqlite_sequence"'));
}

export function query<T>(root: string, sql: string): T[] {
  const out = execFileSync('python3', ['-c', 'import sqlite3,sys,json;c=sqlite3.connect(sys.argv[1]);c.row_factory=sqlite3.Row;print(json.dumps([dict(r) for r in c.execute(sys.argv[2])]))', path.join(root, STORE), sql]);
  return JSON.parse(out.toString()) as T[];
}

/** Lines present in `after` but not in `before` (as a multiset), and lines of `before` that are gone. */
export function dumpDelta(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const count = new Map<string, number>();
  for (const l of before) count.set(l, (count.get(l) ?? 0) + 1);
  const added: string[] = [];
  for (const l of after) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else added.push(l);
  }
  const removed = [...count].flatMap(([l, n]) => Array<string>(n).fill(l));
  return { added, removed };
}

/** Processes whose command line contains `marker` (the test's own pgrep excluded). */
export function processesMatching(marker: string): string[] {
  const r = spawnSync('pgrep', ['-af', marker], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(marker) && !l.includes('pgrep'));
}

/** Runs statements on the store with python's sqlite3 (another process, as scitex-clew would). */
export function execSql(root: string, statements: string[]): void {
  const script = 'import sqlite3,sys,json\nc=sqlite3.connect(sys.argv[1])\nfor s in json.loads(sys.argv[2]): c.execute(s)\nc.commit()';
  execFileSync('python3', ['-c', script, path.join(root, STORE), JSON.stringify(statements)]);
}
