/**
 * Recording a session exactly as upstream's tracker does (spec §2.5), so a Python reader cannot
 * tell our rows from its own: runs row at start ('running'), file_hashes with INSERT OR REPLACE,
 * parent auto-linking on inputs, combined hash and status at close.
 *
 * Contracts: every call is one short write transaction; files are hashed BEFORE the transaction
 * starts (never hashing under the write lock). Deliberate fix of spec §13.4: a session is never
 * linked as its own parent (upstream writes a self-loop when a session reads a file it wrote).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import { ClewError, errorMessage } from '../errors';
import { hashFile } from '../hash/sha256';
import { hashDescriptor, openForHashing } from '../hash/syncHash';
import type { SchemaFacts } from '../store/schemaFacts';
import { coreSchemaOps } from '../store/schema';
import type { SqlValue, Store, WriteOp } from '../store/types';
import { resolvePath } from '../util/paths';
import { localIsoNow } from '../util/time';

export interface SessionStartOptions {
  sessionId?: string;
  scriptPath?: string;
  parentSession?: string;
  metadata?: Record<string, unknown>;
  cwd?: string;
  /** started_at as upstream writes it (default: now); a recorder that writes the row while the command already runs passes the moment it started it. */
  startedAt?: string;
  /**
   * Other paths a file may be recorded under (a store that moved: its old absolute paths), so an
   * input still links the runs that wrote it before the move. New rows always hold real paths.
   */
  recordedForms?(absPath: string): string[];
  /** The store's tables and columns when the caller already knows them (schemaFacts.ts): no snapshot is read. */
  schema?: SchemaFacts;
}

export type CloseStatus = 'success' | 'failed' | 'error';

/** scitex-session's id format: `2026Y-11M-24D-11h31m57s_ZG8A` (local time + 4 random chars). */
export function newSessionId(date: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(4)].map((b) => alphabet[b % alphabet.length]).join('');
  return `${date.getFullYear()}Y-${p(date.getMonth() + 1)}M-${p(date.getDate())}D-${p(date.getHours())}h${p(date.getMinutes())}m${p(date.getSeconds())}s_${suffix}`;
}

/** Recording host: $SCITEX_CLEW_HOST > $SAC_HOST > hostname (spec §2.3). */
export function recordingHost(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.SCITEX_CLEW_HOST || env.SAC_HOST || os.hostname() || null;
}

/** Spec §2.6: sorted "input:<path>", "script", "output:<path>" keys, `key:value` concatenated. */
export function combinedHash(inputs: ReadonlyMap<string, string>, scriptHash: string | null, outputs: ReadonlyMap<string, string>): string {
  const entries = new Map<string, string>();
  for (const [p, h] of inputs) entries.set(`input:${p}`, h);
  if (scriptHash) entries.set('script', scriptHash);
  for (const [p, h] of outputs) entries.set(`output:${p}`, h);
  const keys = [...entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const k of keys) hash.update(`${k}:${entries.get(k) as string}`);
  return hash.digest('hex');
}

async function hashIfFile(p: string): Promise<{ hash: string; size: number } | undefined> {
  try {
    const stat = await fsp.stat(p);
    if (!stat.isFile()) return undefined;
    return { hash: await hashFile(p), size: stat.size };
  } catch {
    return undefined;
  }
}

/**
 * Synchronous hash of a small or large file with its size: one open, one fstat, reads into a
 * reused buffer, one close. For the many small files a capture finds, the async path's event-loop
 * round trips per file cost more than the reading (see hash/syncHash.ts).
 */
function hashIfFileSync(p: string, buffer: Buffer): { hash: string; size: number } | undefined {
  const fd = openForHashing(p);
  if (typeof fd !== 'number') return undefined;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const hash = hashDescriptor(fd, buffer, true);
    return hash ? { hash: hash.digest('hex'), size: stat.size } : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Files per write transaction in the batch methods: each transaction stays short for other writers. */
const BATCH = 500;

const INPUT_SQL = `INSERT OR REPLACE INTO file_hashes (session_id, file_path, hash, role, size_bytes, frozen, host) VALUES (?, ?, ?, 'input', ?, 0, ?)`;
const OUTPUT_SQL = `INSERT OR REPLACE INTO file_hashes (session_id, file_path, hash, role, size_bytes, frozen, host) VALUES (?, ?, ?, 'output', ?, 0, ?)`;

export class RecordingSession {
  private readonly inputs = new Map<string, string>();
  private readonly outputs = new Map<string, string>();
  private closed = false;

  private constructor(
    private readonly store: Store,
    readonly sessionId: string,
    readonly scriptHash: string | null,
    private readonly cwd: string,
    private readonly host: string | null,
    private readonly recordedForms: (absPath: string) => string[],
  ) {}

  /** on_session_start: creates/updates the schema, then writes the runs row as 'running'. */
  static async start(store: Store, options: SessionStartOptions = {}): Promise<RecordingSession> {
    const cwd = options.cwd ?? process.cwd();
    const sessionId = options.sessionId ?? newSessionId();
    if (sessionId.trim() === '') throw new ClewError('usage', 'session id must not be empty');
    const scriptPath = options.scriptPath ? resolvePath(options.scriptPath, cwd) : '';
    const script = scriptPath ? await hashIfFile(scriptPath) : undefined;
    const metadata = options.metadata && Object.keys(options.metadata).length > 0 ? JSON.stringify(options.metadata) : null;
    const view = options.schema ?? (await store.snapshot());
    await store.write([
      ...coreSchemaOps(view),
      {
        sql: `INSERT OR REPLACE INTO runs (session_id, script_path, script_hash, started_at, status, parent_session, metadata, provenance, exception_reason)
              VALUES (?, ?, ?, ?, 'running', ?, ?, 'tracked', NULL)`,
        params: [sessionId, scriptPath, script?.hash ?? null, options.startedAt ?? localIsoNow(), options.parentSession ?? null, metadata],
      },
    ]);
    return new RecordingSession(store, sessionId, script?.hash ?? null, cwd, recordingHost(), options.recordedForms ?? (() => []));
  }

  /** record_input: first hash per path wins; links every earlier producer as a parent. */
  async recordInput(filePath: string): Promise<boolean> {
    if (this.closed) return false;
    const resolved = resolvePath(filePath, this.cwd);
    if (this.inputs.has(resolved)) return true;
    const file = await hashIfFile(resolved);
    if (!file) return false;
    this.inputs.set(resolved, file.hash);
    await this.store.write(this.inputOps(resolved, file.hash, file.size));
    return true;
  }

  /**
   * record_input for many files (a capture's): the same rows and parent links as one
   * recordInput per file, hashed first, then written BATCH files per transaction as three
   * statements run once per file (executemany) instead of three round trips per file. Grouping
   * the statements changes nothing: the producer queries read only other sessions' outputs,
   * never the input rows this batch inserts, and the runs-row update keeps the first input's
   * producer as before. Returns the files recorded (missing ones are skipped). `known` answers a
   * file's hash when the caller has one it vouches for (prehash.ts), sparing the re-read.
   * `pathsAreReal`: the caller already resolved every path (a capture's, filterProjectFiles).
   */
  async recordInputs(filePaths: readonly string[], known?: (resolved: string) => { hash: string; size: number } | undefined, pathsAreReal = false): Promise<string[]> {
    if (this.closed) return [];
    const buffer = Buffer.allocUnsafe(1 << 20);
    const recorded: string[] = [];
    let batch: { resolved: string; hash: string; size: number }[] = [];
    for (const filePath of filePaths) {
      const resolved = pathsAreReal ? filePath : resolvePath(filePath, this.cwd);
      if (this.inputs.has(resolved)) {
        recorded.push(resolved);
        continue;
      }
      const file = known?.(resolved) ?? hashIfFileSync(resolved, buffer);
      if (!file) continue;
      this.inputs.set(resolved, file.hash);
      recorded.push(resolved);
      batch.push({ resolved, ...file });
      if (batch.length >= BATCH) {
        await this.store.write(this.inputBatchOps(batch));
        batch = [];
      }
    }
    if (batch.length > 0) await this.store.write(this.inputBatchOps(batch));
    return recorded;
  }

  /**
   * Forgets inputs recorded earlier (their pre-hash no longer holds): the next recordInputs hashes
   * them again and replaces their rows.
   */
  forgetInputs(filePaths: readonly string[]): void {
    for (const p of filePaths) this.inputs.delete(p);
  }

  /**
   * Withdraws input rows written while the command ran (liveInputs.ts) for files that turned out
   * not to be inputs (written later, or gone), then links the parents again from the inputs that
   * remain, in recording order: the rows and links are those that recording only the remaining
   * inputs would have written.
   */
  async retractInputs(filePaths: readonly string[]): Promise<void> {
    const [first] = filePaths;
    if (this.closed || first === undefined) return;
    for (const p of filePaths) this.inputs.delete(p);
    const ops: WriteOp[] = [
      { sql: `DELETE FROM file_hashes WHERE session_id = ? AND role = 'input' AND file_path = ?`, params: [this.sessionId, first], each: filePaths.map((p) => [this.sessionId, p]) },
      { sql: 'DELETE FROM session_parents WHERE session_id = ?', params: [this.sessionId] },
      { sql: 'UPDATE runs SET parent_session = NULL WHERE session_id = ?', params: [this.sessionId] },
    ];
    // The links of every remaining input, in order (their rows are already written).
    for (const [resolved, hash] of this.inputs) ops.push(...this.inputOps(resolved, hash, 0).slice(1));
    await this.store.write(ops);
  }

  /**
   * record_output for many files, BATCH per transaction, one statement run per file (see
   * recordInputs). `closeWith`: on_session_close in the same transaction as the last outputs
   * (one round trip less after the command, when the user waits), exactly as close() writes it.
   */
  async recordOutputs(filePaths: readonly string[], pathsAreReal = false, closeWith?: { status: CloseStatus; exitCode: number }): Promise<string[]> {
    if (this.closed) return [];
    const buffer = Buffer.allocUnsafe(1 << 20);
    const recorded: string[] = [];
    let rows: SqlValue[][] = [];
    const flush = async (last = false) => {
      const [first] = rows;
      const ops: WriteOp[] = first === undefined ? [] : [{ sql: OUTPUT_SQL, params: first, each: rows }];
      rows = [];
      if (last && closeWith) {
        ops.push(this.closeOp(closeWith.status, closeWith.exitCode));
        try {
          await this.store.write(ops);
        } catch (err) {
          throw new ClewError('io', `could not close session ${this.sessionId}: ${errorMessage(err)}`, { cause: err });
        }
      } else if (ops.length > 0) await this.store.write(ops);
    };
    for (const filePath of filePaths) {
      const resolved = pathsAreReal ? filePath : resolvePath(filePath, this.cwd);
      const file = hashIfFileSync(resolved, buffer);
      if (!file) continue;
      this.outputs.set(resolved, file.hash);
      recorded.push(resolved);
      rows.push([this.sessionId, resolved, file.hash, file.size, this.host]);
      if (rows.length >= BATCH) await flush();
    }
    await flush(true);
    return recorded;
  }

  /** inputOps for many files, as three statements each run once per file, in file order. */
  private inputBatchOps(files: readonly { resolved: string; hash: string; size: number }[]): WriteOp[] {
    const perFile = files.map((f) => this.inputOps(f.resolved, f.hash, f.size));
    // A moved store (files with other recorded forms): one op each, as recordInput writes them.
    const noOtherForms = files.every((f) => this.recordedForms(f.resolved).length === 0);
    if (!noOtherForms) return perFile.flat();
    const [insert, link] = perFile[0].map((op, i) => ({ sql: op.sql, params: op.params, each: perFile.map((ops) => ops[i].params ?? []) }));
    // The primary parent in one statement instead of one per file, with the same answer: the
    // latest producer of the first input (in recording order: ascending id) that has one.
    const primary: WriteOp = {
      sql: `UPDATE runs SET parent_session = (
              SELECT p.session_id FROM file_hashes i JOIN file_hashes p ON p.file_path = i.file_path
              WHERE i.session_id = ? AND i.role = 'input' AND +p.role = 'output' AND p.session_id != ?
              ORDER BY i.id, p.recorded_at DESC, p.id DESC LIMIT 1)
            WHERE session_id = ? AND parent_session IS NULL`,
      params: [this.sessionId, this.sessionId, this.sessionId],
    };
    return [insert, link, primary];
  }

  private inputOps(resolved: string, hash: string, size: number): WriteOp[] {
    const forms = [resolved, ...this.recordedForms(resolved)];
    const producers = `SELECT session_id FROM file_hashes WHERE file_path IN (${forms.map(() => '?').join(', ')}) AND +role = 'output' AND session_id != ?`;
    return [
      {
        sql: INPUT_SQL,
        params: [this.sessionId, resolved, hash, size, this.host],
      },
      {
        sql: `INSERT OR IGNORE INTO session_parents (session_id, parent_session)
              SELECT ?, session_id FROM (${producers} GROUP BY session_id ORDER BY MAX(recorded_at) DESC, MAX(id) DESC)`,
        params: [this.sessionId, ...forms, this.sessionId],
      },
      {
        sql: `UPDATE runs SET parent_session = (${producers} ORDER BY recorded_at DESC, id DESC LIMIT 1)
              WHERE session_id = ? AND parent_session IS NULL`,
        params: [...forms, this.sessionId, this.sessionId],
      },
    ];
  }

  private outputOp(resolved: string, hash: string, size: number): WriteOp {
    return {
      sql: OUTPUT_SQL,
      params: [this.sessionId, resolved, hash, size, this.host],
    };
  }

  /** record_output: every call re-hashes; no parent linking. */
  async recordOutput(filePath: string): Promise<boolean> {
    if (this.closed) return false;
    const resolved = resolvePath(filePath, this.cwd);
    const file = await hashIfFile(resolved);
    if (!file) return false;
    this.outputs.set(resolved, file.hash);
    await this.store.write([this.outputOp(resolved, file.hash, file.size)]);
    return true;
  }

  /** on_session_close: combined hash of what THIS process recorded, status and exit code. */
  async close(status: CloseStatus = 'success', exitCode = 0): Promise<string> {
    if (this.closed) throw new ClewError('usage', `session ${this.sessionId} is already closed`);
    const op = this.closeOp(status, exitCode);
    try {
      await this.store.write([op]);
    } catch (err) {
      throw new ClewError('io', `could not close session ${this.sessionId}: ${errorMessage(err)}`, { cause: err });
    }
    return this.combined;
  }

  /** The close row (combined hash of what THIS process recorded); the session takes no more files. */
  private closeOp(status: CloseStatus, exitCode: number): WriteOp {
    this.closed = true;
    this.combined = combinedHash(this.inputs, this.scriptHash, this.outputs);
    return { sql: 'UPDATE runs SET finished_at = ?, status = ?, exit_code = ?, combined_hash = ? WHERE session_id = ?', params: [localIsoNow(), status, exitCode, this.combined, this.sessionId] };
  }

  /** The combined hash written at close ('' before). */
  private combined = '';

  get recordedInputs(): ReadonlyMap<string, string> {
    return this.inputs;
  }
  get recordedOutputs(): ReadonlyMap<string, string> {
    return this.outputs;
  }
}
