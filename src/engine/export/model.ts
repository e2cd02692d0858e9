/**
 * Everything an export says, read once from a store snapshot: the selected runs (roots first) with
 * their files as recorded, the claims resting on them, the stamps over them and each run's latest
 * re-execution. RO-Crate, PROV, the report and `clew history` are all views of this one model, so
 * they cannot disagree about which runs or hashes there are. Pure: reads the view, never the disk.
 */
import { ClewError } from '../errors';
import { latestVerifications, type LatestVerification } from '../rerun/log';
import { replayInfoOf, type ReplayInfo } from '../record/replayInfo';
import { compareCodePoints } from '../stamps/format';
import { readStamps, stampedSessionIds } from '../stamps/table';
import type { StampRecord } from '../stamps/types';
import type { SqlValue, StoreView } from '../store/types';
import { resolvePath } from '../util/paths';
import { buildGraph, rootsFirstOrder } from '../verify/graph';
import { newestProducer } from '../verify/rows';

export interface RecordedFile {
  /** Absolute path as recorded. */
  path: string;
  sha256: string;
  /** Recorded size in bytes (file_hashes.size_bytes), when the writer recorded one. */
  size: number | null;
  host: string | null;
  recordedAt: string | null;
  /** file_hashes row id: the store's write order, which breaks ties within recorded_at's one second. */
  rowId: number;
}

export interface ExportRun {
  sessionId: string;
  scriptPath: string | null;
  scriptHash: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  status: string | null;
  exitCode: number | null;
  combinedHash: string | null;
  provenance: string | null;
  exceptionReason: string | null;
  /** The command line, working directory and environment `clew record` kept, when it did. */
  replay: ReplayInfo | undefined;
  inputs: RecordedFile[];
  outputs: RecordedFile[];
  /** Sessions that produced this run's inputs (the DAG's edges). */
  parents: string[];
  /** The newest verification_results row (a rerun's verdict when its level is `rerun`). */
  latestVerification: LatestVerification | undefined;
}

export interface ExportClaim {
  claimId: string;
  manuscript: string;
  lineNumber: number | null;
  claimType: string;
  claimValue: string | null;
  sourceSession: string | null;
  sourceFile: string | null;
  sourceHash: string | null;
  registeredAt: string | null;
  status: string;
}

export interface ExportModel {
  dbPath: string;
  /** Folder paths inside the crate are relative to (the project holding the store, else the cwd). */
  projectRoot: string;
  /** Roots first (spec §3.7 order). */
  runs: ExportRun[];
  claims: ExportClaim[];
  /** Stamps whose every stamped run is in `runs` (only those can be re-checked from the export). */
  stamps: StampRecord[];
  /** The targets asked for (absolute), empty for the whole store. */
  targets: string[];
  /** A path as recorded, from the path it is read as (identity unless the store was read through a path map). */
  recordedPathOf: (current: string) => string;
}

function optional(view: StoreView, table: string, column: string, fallback = 'NULL'): string {
  return view.hasColumn(table, column) ? column : `${fallback} AS ${column}`;
}

interface RunRowFull {
  session_id: string;
  script_path: string | null;
  script_hash: string | null;
  started_at: string | null;
  finished_at: string | null;
  status: string | null;
  exit_code: number | null;
  combined_hash: string | null;
  metadata: string | null;
  provenance: string | null;
  exception_reason: string | null;
  [key: string]: SqlValue;
}

function readRuns(view: StoreView, ids: readonly string[]): Map<string, RunRowFull> {
  const columns = [
    'session_id', 'script_path', 'script_hash', 'started_at', 'finished_at', 'status', 'exit_code', 'combined_hash', 'metadata',
    optional(view, 'runs', 'provenance', "'tracked'"), optional(view, 'runs', 'exception_reason'),
  ].join(', ');
  const found = new Map<string, RunRowFull>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    for (const r of view.all<RunRowFull>(`SELECT ${columns} FROM runs WHERE session_id IN (${chunk.map(() => '?').join(',')})`, chunk)) found.set(r.session_id, r);
  }
  return found;
}

interface FileRowFull {
  session_id: string;
  file_path: string;
  hash: string;
  role: string;
  size_bytes: number | null;
  host: string | null;
  recorded_at: string | null;
  id: number;
  [key: string]: SqlValue;
}

function readFiles(view: StoreView, ids: readonly string[]): Map<string, FileRowFull[]> {
  const by = new Map<string, FileRowFull[]>();
  const columns = ['session_id', 'file_path', 'hash', 'role', optional(view, 'file_hashes', 'size_bytes'), optional(view, 'file_hashes', 'host'), 'recorded_at', 'id'].join(', ');
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = view.all<FileRowFull>(
      `SELECT ${columns} FROM file_hashes WHERE session_id IN (${chunk.map(() => '?').join(',')}) AND +role IN ('input', 'output') ORDER BY id`,
      chunk,
    );
    for (const r of rows) by.set(r.session_id, [...(by.get(r.session_id) ?? []), r]);
  }
  return by;
}

const toFile = (r: FileRowFull): RecordedFile => ({ path: r.file_path, sha256: r.hash, size: typeof r.size_bytes === 'number' ? r.size_bytes : null, host: r.host, recordedAt: r.recorded_at, rowId: r.id });

/** The sessions to export: every run, or the DAG behind the targets (their newest producers and all ancestors). */
function selectSessions(view: StoreView, targets: readonly string[]): { ids: string[]; parents: Map<string, string[]> } {
  let leaves: string[];
  if (targets.length === 0) {
    leaves = view.hasTable('runs') ? view.all<{ session_id: string }>('SELECT session_id FROM runs ORDER BY started_at, session_id').map((r) => r.session_id) : [];
  } else {
    leaves = [];
    for (const t of targets) {
      const producer = newestProducer(view, t);
      if (producer === undefined) throw new ClewError('not-found', `no recorded run wrote ${t}`);
      if (!leaves.includes(producer)) leaves.push(producer);
    }
  }
  const graph = buildGraph(view, leaves);
  return { ids: rootsFirstOrder(graph).order, parents: graph.adjacency };
}

function readClaims(view: StoreView, runs: readonly ExportRun[], wholeStore: boolean): ExportClaim[] {
  if (!view.hasTable('claims')) return [];
  const sessions = new Set(runs.map((r) => r.sessionId));
  const outputs = new Set(runs.flatMap((r) => r.outputs.map((f) => f.path)));
  const rows = view.all<{
    claim_id: string; file_path: string; line_number: number | null; claim_type: string; claim_value: string | null;
    source_session: string | null; source_file: string | null; source_hash: string | null; registered_at: string | null; status: string | null;
  }>('SELECT claim_id, file_path, line_number, claim_type, claim_value, source_session, source_file, source_hash, registered_at, status FROM claims ORDER BY file_path, line_number, claim_id');
  return rows
    .filter((c) => wholeStore || (c.source_session !== null && sessions.has(c.source_session)) || (c.source_file !== null && outputs.has(c.source_file)))
    .map((c) => ({
      claimId: c.claim_id, manuscript: c.file_path, lineNumber: c.line_number, claimType: c.claim_type, claimValue: c.claim_value,
      sourceSession: c.source_session, sourceFile: c.source_file, sourceHash: c.source_hash, registeredAt: c.registered_at,
      // Upstream's `partial` reads as `suspect` everywhere in Clew.
      status: c.status === 'partial' ? 'suspect' : (c.status ?? 'registered'),
    }));
}

export interface ExportRequest {
  /** Files whose DAG to export (resolved against cwd); none: the whole store. */
  targets?: readonly string[];
  cwd: string;
  projectRoot: string;
  recordedPathOf?: (current: string) => string;
}

export function collectExport(view: StoreView, request: ExportRequest): ExportModel {
  const targets = (request.targets ?? []).map((t) => resolvePath(t, request.cwd));
  const { ids, parents } = selectSessions(view, targets);
  const rows = readRuns(view, ids);
  const files = readFiles(view, ids);
  const verifications = latestVerifications(view, ids);
  const runs: ExportRun[] = [];
  for (const id of ids) {
    const r = rows.get(id);
    if (!r) continue;
    const own = files.get(id) ?? [];
    runs.push({
      sessionId: id,
      scriptPath: r.script_path || null,
      scriptHash: r.script_hash || null,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      status: r.status,
      exitCode: typeof r.exit_code === 'number' ? r.exit_code : null,
      combinedHash: r.combined_hash,
      provenance: r.provenance,
      exceptionReason: r.exception_reason,
      replay: replayInfoOf(r.metadata),
      inputs: own.filter((f) => f.role === 'input').map(toFile),
      outputs: own.filter((f) => f.role === 'output').map(toFile),
      parents: parents.get(id) ?? [],
      latestVerification: verifications.get(id),
    });
  }
  const exported = new Set(runs.map((r) => r.sessionId));
  const stamps = readStamps(view, 1_000_000)
    .filter((s) => {
      const stamped = stampedSessionIds(s);
      return stamped !== undefined && stamped.length > 0 && stamped.every((sid) => exported.has(sid));
    })
    .sort((a, b) => compareCodePoints(a.timestamp, b.timestamp));
  return { dbPath: view.dbPath, projectRoot: request.projectRoot, runs, claims: readClaims(view, runs, targets.length === 0), stamps, targets, recordedPathOf: request.recordedPathOf ?? ((p) => p) };
}
