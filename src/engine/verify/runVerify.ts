/**
 * Hash-level ("cache") verification of runs, spec §3.2 and §3.4.
 * Contract: every file needed by a call is hashed in ONE FileHasher.hashMany batch (paths
 * deduplicated), so a chain or DAG hashes each file once and the pool can use every core.
 */
import type { FileHasher, HashOutcome, HashRequestOptions } from '../hash/types';
import type { StoreView } from '../store/types';
import { filesOfSessions, type FileRow, type RunRow } from './rows';
import type { FileVerification, RunVerification } from './types';
import { decideRunStatus, fileVerdict } from './verdicts';

export interface PlannedFile {
  path: string;
  role: string;
  expected: string;
  frozen: boolean;
}

function plannedFiles(run: RunRow, rows: readonly FileRow[]): PlannedFile[] {
  const files: PlannedFile[] = rows.map((r) => ({ path: r.file_path, role: r.role, expected: r.hash, frozen: Boolean(r.frozen) }));
  if (run.script_path && run.script_hash) files.push({ path: run.script_path, role: 'script', expected: run.script_hash, frozen: false });
  return files;
}

export function checkFile(file: PlannedFile, outcome: HashOutcome | undefined): FileVerification {
  const base = { path: file.path, role: file.role, expected_hash: file.expected, frozen: file.frozen };
  const status = fileVerdict(file.expected, file.frozen, outcome);
  if (status === 'missing') {
    // Upstream would crash on an unreadable file; we report it as missing (it cannot be read) and
    // say why — also when an archive that might hold it could not be read.
    const error = outcome && (outcome.kind === 'unreadable' || outcome.kind === 'missing') ? outcome.error : undefined;
    return { ...base, current_hash: null, status, is_verified: false, ...(error ? { error } : {}) };
  }
  const current = !file.frozen && outcome && 'hash' in outcome ? outcome.hash : file.expected;
  const archive = outcome?.kind === 'hash' ? outcome.archive : undefined;
  return { ...base, current_hash: current, status, is_verified: status === 'verified', ...(archive ? { archive } : {}) };
}

export function unresolvedRun(target: string): RunVerification {
  return {
    session_id: target,
    script_path: null,
    status: 'unknown',
    files: [],
    combined_hash_expected: null,
    combined_hash_current: null,
    level: 'cache',
    provenance: 'tracked',
    exception_reason: null,
    is_verified: false,
    is_verified_from_scratch: false,
  };
}

export interface VerifyRunsOptions extends HashRequestOptions {
  propagate: boolean;
}

/**
 * Verifies many runs with one hashing batch. Outcomes from `shared` (if given) are reused and
 * new ones added to it, so callers can share hashes across several calls of one operation.
 */
export async function verifyRuns(
  view: StoreView,
  hasher: FileHasher,
  runs: readonly RunRow[],
  options: VerifyRunsOptions,
  shared: Map<string, HashOutcome> = new Map(),
): Promise<RunVerification[]> {
  const rowsBySession = filesOfSessions(view, runs.map((r) => r.session_id));
  const plans = runs.map((run) => plannedFiles(run, rowsBySession.get(run.session_id) ?? []));
  const wanted = new Set<string>();
  for (const plan of plans) for (const f of plan) if (!shared.has(f.path)) wanted.add(f.path);
  if (wanted.size > 0) {
    const hashed = await hasher.hashMany([...wanted], { signal: options.signal, onProgress: options.onProgress });
    for (const [p, outcome] of hashed) shared.set(p, outcome);
  }
  return runs.map((run, i) => {
    const files = plans[i].map((f) => checkFile(f, shared.get(f.path)));
    const status = decideRunStatus(files, options.propagate);
    return {
      session_id: run.session_id,
      script_path: run.script_path,
      status,
      files,
      combined_hash_expected: run.combined_hash,
      combined_hash_current: null,
      level: 'cache',
      provenance: run.provenance ?? 'tracked',
      exception_reason: run.exception_reason ?? null,
      is_verified: status === 'verified',
      is_verified_from_scratch: false,
    };
  });
}

/**
 * Already verified runs with the verdict rules re-applied to the files whose outcome is new
 * (`outcomeOf` answers for those only): runs holding none of them are returned as they were.
 * For callers that keep verified runs and learn of single files changing (the editor's model, the
 * warm status), so a run's status follows its files without reading the store again.
 */
export function rejudgeRuns(runs: readonly RunVerification[], outcomeOf: (path: string) => HashOutcome | undefined, propagate = true): RunVerification[] {
  return runs.map((run) => {
    if (!run.files.some((f) => outcomeOf(f.path) !== undefined)) return run;
    const files = run.files.map((f) => {
      const outcome = outcomeOf(f.path);
      return outcome ? checkFile({ path: f.path, role: f.role, expected: f.expected_hash, frozen: f.frozen }, outcome) : f;
    });
    const status = decideRunStatus(files, propagate);
    return { ...run, files, status, is_verified: status === 'verified' };
  });
}

