/**
 * The spool: a run records into a private store on node-local temp, which is then handed over as one
 * complete file under `.scitex/clew/runtime/incoming/`. Only `clew ingest` (one writer, one host)
 * ever merges it into the shared store, so no two hosts share a WAL.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lazyChildProcess } from '../util/lazyBuiltins';
import { ClewError } from '../errors';

export const INCOMING_RELATIVE_DIR = path.join('.scitex', 'clew', 'runtime', 'incoming');
/** Handed-over stores end in this; anything else in incoming/ (temp files, foreign files) is not one. */
export const SPOOL_SUFFIX = '.clew.db';
const TEMP_PREFIX = '.partial-';

export function incomingDirOf(dbPath: string): string {
  return path.join(path.dirname(dbPath), 'incoming');
}

/** A private store in node-local temp ($TMPDIR, else /tmp), fresh per run. */
export function createPrivateStore(): { dir: string; dbPath: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-spool-'));
  return { dir, dbPath: path.join(dir, 'clew.db') };
}

/** Filesystem-safe piece of a file name. */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'unknown';
}

export function spoolFileName(host: string, pid: number, sessionId: string): string {
  return `${safe(host)}_${pid}_${safe(sessionId)}${SPOOL_SUFFIX}`;
}

/** Session ids in a store (the hand-over file is named after the first one). */
function sessionIdsOf(dbPath: string): string[] {
  const r = lazyChildProcess().spawnSync('python3', ['-c', 'import sqlite3,sys,json\nc=sqlite3.connect(sys.argv[1])\ntry:\n print(json.dumps([r[0] for r in c.execute("SELECT session_id FROM runs ORDER BY started_at")]))\nexcept sqlite3.Error:\n print("[]")', dbPath], { encoding: 'utf8' });
  try {
    const parsed: unknown = JSON.parse(r.stdout || '[]');
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Folds the private store's WAL into one self-contained file (journal_mode=DELETE), copies it next to
 * its final place, fsyncs, renames into incoming/ and fsyncs the directory: a reader sees either no
 * file or the whole store. Returns the handed-over path, or undefined when the run recorded nothing.
 */
export function handOver(privateDb: string, mainDbPath: string, host = os.hostname()): string | undefined {
  if (!fs.existsSync(privateDb)) return undefined;
  const fold = lazyChildProcess().spawnSync('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("PRAGMA wal_checkpoint(TRUNCATE)")\nc.execute("PRAGMA journal_mode=DELETE")\nc.close()', privateDb], { encoding: 'utf8' });
  if (fold.status !== 0) throw new ClewError('io', `cannot close the private store ${privateDb}: ${fold.stderr || fold.error?.message}`);
  const sessions = sessionIdsOf(privateDb);
  if (sessions.length === 0) return undefined;
  const incoming = incomingDirOf(mainDbPath);
  fs.mkdirSync(incoming, { recursive: true });
  const finalPath = path.join(incoming, spoolFileName(host, process.pid, sessions[0] ?? 'none'));
  const tempPath = path.join(incoming, `${TEMP_PREFIX}${path.basename(finalPath)}.${process.pid}`);
  fs.copyFileSync(privateDb, tempPath);
  const fd = fs.openSync(tempPath, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tempPath, finalPath);
  fsyncDir(incoming);
  return finalPath;
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on a directory; the rename itself is still atomic
  }
}

/** Handed-over stores waiting in incoming/ (complete files only). */
export function pendingSpoolFiles(mainDbPath: string): string[] {
  const dir = incomingDirOf(mainDbPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(SPOOL_SUFFIX) && !n.startsWith(TEMP_PREFIX))
    .sort()
    .map((n) => path.join(dir, n));
}

export function removePrivateStore(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
