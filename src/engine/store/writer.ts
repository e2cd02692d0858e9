/**
 * The out-of-process writer (storage note §2): every write runs in a real SQLite with real file
 * locking, never in sql.js. Order of preference: a persistent python3 helper (clew_writer.py,
 * JSON lines, one BEGIN IMMEDIATE … COMMIT per request), then the sqlite3 command-line shell
 * spawned per write. Requests are serialised; a reply always matches the oldest request.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import { ClewError, type ClewErrorCode } from '../errors';
import { assetPath } from '../util/assets';
import type { SqlValue, WriteOp, WriteOpResult } from './types';

interface Reply {
  ok: boolean;
  results?: WriteOpResult[];
  error?: string;
  kind?: 'busy' | 'readonly' | 'corrupt' | 'error';
}

const CODE_OF_KIND: Record<string, ClewErrorCode> = { busy: 'store-busy', readonly: 'store-readonly', corrupt: 'store-corrupt', error: 'io' };

export interface Writer {
  write(ops: readonly WriteOp[]): Promise<WriteOpResult[]>;
  backup(dest: string): Promise<void>;
  /** `wait: false`: end its input and return (see Store.close). */
  close(wait?: boolean): Promise<void>;
}

/** The python3 writer could not start (no interpreter, no sqlite3 module): it ran no request. */
class WriterNeverStarted extends ClewError {}

class PythonWriter implements Writer {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting: { resolve(r: Reply): void; reject(e: Error): void }[] = [];
  private buffered = '';
  /** The helper said it is ready (its first line): from then on a failure may follow a commit. */
  private ready = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dbPath: string, private readonly busyTimeoutMs: number) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    // Each helper says ready once; a restarted one has not yet.
    this.ready = false;
    const child = spawn(writerPython(), [assetPath('clew_writer.py'), this.dbPath, String(this.busyTimeoutMs)], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        if (!this.ready) {
          this.ready = true;
          continue;
        }
        this.waiting.shift()?.resolve(JSON.parse(line) as Reply);
      }
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A helper that died cannot take a request: the write fails with EPIPE, and 'exit' says why.
    child.stdin.on('error', () => undefined);
    const fail = (message: string) => {
      this.child = undefined;
      const err = this.ready ? new ClewError('writer-unavailable', message) : new WriterNeverStarted('writer-unavailable', message);
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    child.on('error', (err) => fail(`cannot start python3 writer: ${err.message}`));
    child.on('exit', (code) => fail(`python3 writer exited (${code}): ${stderr.trim().split('\n').pop() ?? ''}`));
    this.child = child;
    return child;
  }

  private request(body: object): Promise<Reply> {
    const run = () =>
      new Promise<Reply>((resolve, reject) => {
        const child = this.start();
        this.waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify(body)}\n`);
      });
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async write(ops: readonly WriteOp[]): Promise<WriteOpResult[]> {
    const reply = await this.request({ op: 'write', ops });
    if (!reply.ok) throw new ClewError(CODE_OF_KIND[reply.kind ?? 'error'] ?? 'io', `write to ${this.dbPath} failed: ${reply.error ?? 'unknown error'}`);
    return reply.results ?? [];
  }

  async backup(dest: string): Promise<void> {
    const reply = await this.request({ op: 'backup', dest });
    if (!reply.ok) throw new ClewError(CODE_OF_KIND[reply.kind ?? 'error'] ?? 'io', `cannot read ${this.dbPath}: ${reply.error ?? 'unknown error'}`);
  }

  async close(wait = true): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (!wait) {
      child.stdin.end();
      child.unref();
      return;
    }
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end();
    });
  }
}

function sqlLiteral(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

/** Inlines `?` parameters as SQL literals (only for the sqlite3-shell fallback). */
export function inlineParams(sql: string, params: readonly SqlValue[] = []): string {
  let i = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') out += sqlLiteral(params[i++]);
    else out += ch;
  }
  return out;
}

class ShellWriter implements Writer {
  constructor(private readonly dbPath: string, private readonly busyTimeoutMs: number) {}

  private run(script: string): { status: number | null; stderr: string } {
    const r = spawnSync('sqlite3', ['-bail', this.dbPath], { input: script, encoding: 'utf8' });
    if (r.error) throw new ClewError('writer-unavailable', `no SQLite writer available (python3 and sqlite3 both missing): ${r.error.message}`);
    return { status: r.status, stderr: r.stderr };
  }

  async write(ops: readonly WriteOp[]): Promise<WriteOpResult[]> {
    const statements = ops.filter((op) => !op.ignoreError).map((op) => (op.each ? op.each.map((row) => `${inlineParams(op.sql, row)};`).join('\n') : `${inlineParams(op.sql, op.params)};`));
    for (const op of ops.filter((o) => o.ignoreError)) this.run(`.timeout ${this.busyTimeoutMs}\n${inlineParams(op.sql, op.params)};\n`);
    const r = this.run(`.timeout ${this.busyTimeoutMs}\nPRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nBEGIN IMMEDIATE;\n${statements.join('\n')}\nCOMMIT;\n`);
    if (r.status !== 0) throw new ClewError(/locked|busy/i.test(r.stderr) ? 'store-busy' : /readonly/i.test(r.stderr) ? 'store-readonly' : 'io', `write to ${this.dbPath} failed: ${r.stderr.trim()}`);
    return ops.map(() => ({ changes: 0, lastInsertRowid: null, rows: [] }));
  }

  async backup(dest: string): Promise<void> {
    const r = this.run(`.timeout ${this.busyTimeoutMs}\n.backup '${dest.replace(/'/g, "''")}'\n`);
    if (r.status !== 0) throw new ClewError('io', `cannot read ${this.dbPath}: ${r.stderr.trim()}`);
  }

  async close(): Promise<void> {}
}

/**
 * The interpreter for the writer: it needs nothing but the standard library's sqlite3, so a
 * system python3 is preferred over whatever `python3` on PATH is — version managers' shims
 * (pyenv, asdf) cost ~0.7 s per start, paid by every command that writes. CLEW_WRITER_PYTHON
 * overrides.
 */
let chosenPython: string | undefined;
function writerPython(): string {
  chosenPython ??= [process.env.CLEW_WRITER_PYTHON, '/usr/bin/python3', '/usr/local/bin/python3'].find((p): p is string => Boolean(p) && fs.existsSync(p as string)) ?? 'python3';
  return chosenPython;
}

/**
 * python3's writer, or the sqlite3 shell when python3 cannot start one. Nothing is probed
 * beforehand (a probe was a second python3 start, ~0.1 s, in every writing command): a writer
 * that exits before saying it is ready ran no request, so that request, and every later one, goes
 * to the shell instead. A failure after ready is reported, never retried elsewhere (it may follow
 * a commit).
 */
class FallbackWriter implements Writer {
  private current: Writer;
  private fellBack = false;

  constructor(private readonly dbPath: string, private readonly busyTimeoutMs: number) {
    this.current = new PythonWriter(dbPath, busyTimeoutMs);
  }

  private async attempt<T>(fn: (w: Writer) => Promise<T>): Promise<T> {
    try {
      return await fn(this.current);
    } catch (err) {
      if (!(err instanceof WriterNeverStarted) || this.fellBack) throw err;
      this.fellBack = true;
      this.current = new ShellWriter(this.dbPath, this.busyTimeoutMs);
      return fn(this.current);
    }
  }

  write(ops: readonly WriteOp[]): Promise<WriteOpResult[]> {
    return this.attempt((w) => w.write(ops));
  }

  backup(dest: string): Promise<void> {
    return this.attempt((w) => w.backup(dest));
  }

  close(wait = true): Promise<void> {
    return this.current.close(wait);
  }
}

export function createWriter(dbPath: string, busyTimeoutMs: number): Writer {
  if (process.env.CLEW_WRITER === 'sqlite3') return new ShellWriter(dbPath, busyTimeoutMs);
  return new FallbackWriter(dbPath, busyTimeoutMs);
}
