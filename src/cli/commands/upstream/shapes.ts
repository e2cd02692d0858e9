/**
 * The JSON `clew chain` / `clew dag` print: upstream's CLI keys (chain_length, failed_runs_count,
 * num_runs, num_edges, per-run mismatched_files/missing_files, edges as {parent, child}) merged
 * with the API keys Clew printed before (each run's files, hashes, level…), so a script written
 * for either upstream's `clew` or its Python API reads the same object. The only key the two
 * disagree on is `edges`; the CLI form wins there because command lines are what call the CLI.
 */
import type { ChainVerification, DagVerification, RunVerification } from '../../../engine/verify/types';

export type CliRun = Pick<RunVerification, 'session_id' | 'script_path' | 'status' | 'is_verified'> & {
  mismatched_files: string[];
  missing_files: string[];
} & Omit<RunVerification, 'session_id' | 'script_path' | 'status' | 'is_verified'>;

/** Upstream's CLI keys first (its order), then the API's. */
export function cliRun(r: RunVerification): CliRun {
  const { session_id, script_path, status, is_verified, ...api } = r;
  return {
    session_id,
    script_path,
    status,
    is_verified,
    mismatched_files: r.files.filter((f) => f.status === 'mismatch').map((f) => f.path),
    missing_files: r.files.filter((f) => f.status === 'missing').map((f) => f.path),
    ...api,
  };
}

export function chainJson(c: ChainVerification): Record<string, unknown> {
  return {
    target_file: c.target_file,
    status: c.status,
    is_verified: c.is_verified,
    chain_length: c.runs.length,
    failed_runs_count: c.runs.filter((r) => !r.is_verified).length,
    runs: c.runs.map(cliRun),
  };
}

export function dagJson(d: DagVerification): Record<string, unknown> {
  return {
    target_files: d.target_files,
    status: d.status,
    is_verified: d.is_verified,
    num_runs: d.runs.length,
    num_edges: d.edges.length,
    topological_order: d.topological_order,
    // Upstream's dag lists runs without the per-run file lists its chain has.
    runs: d.runs.map((r) => {
      const { mismatched_files: _m, missing_files: _x, ...run } = cliRun(r);
      return run;
    }),
    edges: d.edges.map(([parent, child]) => ({ parent, child })),
  };
}
