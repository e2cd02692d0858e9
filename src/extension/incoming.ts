/**
 * The editor's view of handed-over stores waiting in incoming/ (runs recorded through the spool on
 * other nodes, not in the store until `clew ingest`), without `vscode` (unit-tested under node --test):
 * what waits for which store, the words the status bar, the Runs view and the notification use,
 * what to watch, and how an ingest's counts read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IngestSummary } from '../engine/cluster/ingest';
import { incomingDirOf, pendingSpoolFiles, SPOOL_SUFFIX } from '../engine/cluster/spool';

export const INGEST_COMMAND_TITLE = 'Clew: Ingest Handed-over Stores';

export interface PendingStore {
  folder: string;
  dbPath: string;
  count: number;
}

/** Stores with handed-over files waiting, one entry per store (folders sharing a store count once). */
export function pendingStores(models: readonly { folder: string; dbPath: string | undefined }[], list: (dbPath: string) => readonly string[] = pendingSpoolFiles): PendingStore[] {
  const seen = new Set<string>();
  const out: PendingStore[] = [];
  for (const m of models) {
    if (!m.dbPath || seen.has(m.dbPath)) continue;
    seen.add(m.dbPath);
    const count = list(m.dbPath).length;
    if (count > 0) out.push({ folder: m.folder, dbPath: m.dbPath, count });
  }
  return out;
}

/** The folder-relative path when inside the folder (the usual layout), else the absolute one. */
function relativeTo(folder: string, p: string): string {
  const rel = path.relative(folder, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}

const stores = (n: number) => `${n} handed-over store${n === 1 ? '' : 's'}`;

export interface PendingTexts {
  /** Status bar text (codicon + count). */
  status: string;
  tooltip: string;
  /** The Runs view message and the notification. */
  message: string;
}

/** What the editor says about waiting stores; undefined when nothing waits. */
export function pendingTexts(pending: readonly PendingStore[]): PendingTexts | undefined {
  const total = pending.reduce((n, p) => n + p.count, 0);
  if (total === 0) return undefined;
  const verb = total === 1 ? 'waits' : 'wait';
  const first = pending[0];
  const where = pending.length === 1 && first ? ` in ${relativeTo(first.folder, incomingDirOf(first.dbPath))}/` : ` for ${pending.length} stores`;
  const message = `Clew: ${stores(total)} ${verb}${where}; their runs are not in the store until ingested (${INGEST_COMMAND_TITLE}).`;
  const tooltip = [`${stores(total)} ${verb} to be merged — click to ingest`, ...pending.map((p) => `${p.count} in ${incomingDirOf(p.dbPath)}`)].join('\n');
  return { status: `$(inbox) ${total}`, tooltip, message };
}

/** One line for the counts of one or more ingests (the CLI's words). */
export function ingestResultText(summaries: readonly IngestSummary[]): { text: string; failed: boolean } {
  const sum = (k: 'ingested' | 'sessionsAdded' | 'sessionsAlreadyPresent' | 'rejected') => summaries.reduce((n, s) => n + s[k], 0);
  const ingested = sum('ingested');
  const rejected = sum('rejected');
  if (ingested + rejected === 0) return { text: 'Clew: no handed-over stores to ingest.', failed: false };
  const errors = summaries.flatMap((s) => s.files.filter((f) => !f.ok).map((f) => `${f.file}: ${f.error ?? 'failed'}`));
  const text = `Clew: ingested ${ingested} store${ingested === 1 ? '' : 's'}: ${sum('sessionsAdded')} sessions added, ${sum('sessionsAlreadyPresent')} already present, ${rejected} rejected${errors.length > 0 ? ` (${errors.slice(0, 3).join('; ')})` : ''}.`;
  return { text, failed: rejected > 0 };
}

/** Glob-escapes a path segment for a RelativePattern. */
function literal(name: string): string {
  return name.replace(/[[\]{}*?!,]/g, (c) => `[${c}]`);
}

/**
 * What to watch for a store's incoming/: a watcher on a folder that does not exist yet never fires,
 * so the base is the nearest existing ancestor and the glob walks down to `incoming/*.clew.db`.
 */
export function incomingWatchPattern(dbPath: string, exists: (p: string) => boolean = fs.existsSync): { base: string; glob: string } {
  const incoming = incomingDirOf(dbPath);
  let base = incoming;
  while (!exists(base) && path.dirname(base) !== base) base = path.dirname(base);
  const rel = path.relative(base, incoming).split(path.sep).filter(Boolean).map(literal);
  return { base, glob: [...rel, `*${literal(SPOOL_SUFFIX)}`].join('/') };
}

/** Whether a changed path is a handed-over store (or the incoming/ folder) of one of these stores. */
export function isIncomingPath(dbPaths: readonly (string | undefined)[], fsPath: string): boolean {
  return dbPaths.some((db) => db !== undefined && (fsPath === incomingDirOf(db) || path.dirname(fsPath) === incomingDirOf(db)));
}

/** The poll's fingerprint of a store's waiting files (files written from other hosts raise no local file events). */
export function incomingStamp(dbPath: string): string {
  return pendingSpoolFiles(dbPath).map((f) => path.basename(f)).join('\0');
}
