/** `clew ingest`: merge every handed-over store in incoming/ into the main store, as one writer. */
import * as path from 'node:path';
import { lazyChildProcess } from '../util/lazyBuiltins';
import { ClewError } from '../errors';
import { coreSchemaOps } from '../store/schema';
import { INGEST_PY } from './ingestScript';
import { incomingDirOf, pendingSpoolFiles } from './spool';

export interface IngestedFile {
  file: string;
  ok: boolean;
  sessions?: number;
  already?: number;
  rows?: number;
  error?: string;
}

export interface IngestSummary {
  files: IngestedFile[];
  ingested: number;
  sessionsAdded: number;
  sessionsAlreadyPresent: number;
  rejected: number;
}

function isIngestedFile(v: unknown): v is IngestedFile {
  return typeof v === 'object' && v !== null && typeof (v as { file?: unknown }).file === 'string' && typeof (v as { ok?: unknown }).ok === 'boolean';
}

/** The python side's JSON lines, one per file (anything else on stdout is not ours). */
function parseResults(stdout: string): IngestedFile[] {
  const results: IngestedFile[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isIngestedFile(parsed)) results.push(parsed);
    } catch {
      // not one of ours; stderr explains
    }
  }
  return results;
}

function summarize(results: IngestedFile[]): IngestSummary {
  const ok = results.filter((f) => f.ok);
  return {
    files: results,
    ingested: ok.length,
    sessionsAdded: ok.reduce((n, f) => n + (f.sessions ?? 0), 0),
    sessionsAlreadyPresent: ok.reduce((n, f) => n + (f.already ?? 0), 0),
    rejected: results.length - ok.length,
  };
}

function ingestArgs(mainDbPath: string, busyTimeoutMs: number, files: readonly string[]): string[] {
  const incoming = incomingDirOf(mainDbPath);
  return ['-c', INGEST_PY, mainDbPath, path.join(incoming, 'rejected'), String(busyTimeoutMs), path.join(incoming, '.ingest.lock'), String(process.pid), ...files];
}

/**
 * The main store gets Clew's (upstream's) full schema before anything is merged, as every writer
 * does (store/schema.ts): otherwise a new main store would take the columns of whichever
 * handed-over store came first, and later stores' extra columns would be dropped.
 */
function ingestEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CLEW_INGEST_SCHEMA: JSON.stringify(coreSchemaOps().map((op) => ({ sql: op.sql, ignoreError: op.ignoreError ?? null }))) };
}

function finish(r: { stdout: string; stderr: string; status: number | null }, files: readonly string[]): IngestSummary {
  const results = parseResults(r.stdout);
  if (r.status !== 0) throw new ClewError('io', `ingest stopped after ${results.length} of ${files.length} stores: ${r.stderr.trim()}`);
  return summarize(results);
}

export function ingestIncoming(mainDbPath: string, busyTimeoutMs = 300_000): IngestSummary {
  const files = pendingSpoolFiles(mainDbPath);
  if (files.length === 0) return summarize([]);
  const r = lazyChildProcess().spawnSync('python3', ingestArgs(mainDbPath, busyTimeoutMs, files), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: ingestEnv() });
  if (r.error) throw new ClewError('writer-unavailable', `clew ingest needs python3: ${r.error.message}`);
  return finish({ stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status }, files);
}

/**
 * The same ingest without blocking the caller's thread (the editor's extension host): python3 runs
 * as a child the event loop waits on, as the store's writer process does.
 */
export function ingestIncomingAsync(mainDbPath: string, busyTimeoutMs = 300_000): Promise<IngestSummary> {
  const files = pendingSpoolFiles(mainDbPath);
  if (files.length === 0) return Promise.resolve(summarize([]));
  return new Promise((resolve, reject) => {
    const child = lazyChildProcess().spawn('python3', ingestArgs(mainDbPath, busyTimeoutMs, files), { stdio: ['ignore', 'pipe', 'pipe'], env: ingestEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', (err) => reject(new ClewError('writer-unavailable', `clew ingest needs python3: ${err.message}`)));
    child.on('close', (status) => {
      try {
        resolve(finish({ stdout, stderr, status }, files));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** One line for commands that read the store. */
export function pendingNotice(mainDbPath: string): string | undefined {
  const n = pendingSpoolFiles(mainDbPath).length;
  return n === 0 ? undefined : `${n} handed-over store${n === 1 ? '' : 's'} wait${n === 1 ? 's' : ''} in ${path.relative(process.cwd(), incomingDirOf(mainDbPath)) || incomingDirOf(mainDbPath)}; run 'clew ingest' to merge ${n === 1 ? 'it' : 'them'}`;
}
