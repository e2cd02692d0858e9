/**
 * The verification operations of spec §3: run, status, chain, dag (+ strict), list_runs, stats.
 * Every function takes a consistent StoreView and a FileHasher (stat-cached or not — the caller
 * decides), never writes to the store, and returns upstream-shaped results.
 */
import type { FileHasher, HashOutcome, HashRequestOptions } from '../hash/types';
import type { Row, StoreView } from '../store/types';
import { resolvePath } from '../util/paths';
import { buildGraph, edgesOf, rootsFirstOrder, type ProvenanceGraph } from './graph';
import { getRun, newestProducer, recentRuns, type RunRow } from './rows';
import { unresolvedRun, verifyRuns } from './runVerify';
import { aggregateStatus } from './verdicts';
import type {
  ChainVerification,
  DagVerification,
  RunVerification,
  StatsResult,
  StatusResult,
  StrictDagResult,
  StrictNode,
} from './types';

export interface VerifyContext extends HashRequestOptions {
  view: StoreView;
  hasher: FileHasher;
  /** Directory relative target paths are resolved against. */
  cwd?: string;
}

/** Spec §3.3: session id, else latest run of that script (100 newest), else newest producer. */
export function resolveTarget(view: StoreView, target: string, cwd?: string): RunRow | undefined {
  const direct = getRun(view, target);
  if (direct) return direct;
  const resolved = resolvePath(target, cwd);
  const byScript = recentRuns(view, 100).find((r) => r.script_path === resolved);
  if (byScript) return byScript;
  const producer = newestProducer(view, resolved);
  return producer === undefined ? undefined : getRun(view, producer);
}

export async function verifyRun(ctx: VerifyContext, target: string, options: { propagate?: boolean } = {}): Promise<RunVerification> {
  const run = resolveTarget(ctx.view, target, ctx.cwd);
  if (!run) return unresolvedRun(target);
  const [result] = await verifyRuns(ctx.view, ctx.hasher, [run], { ...ctx, propagate: options.propagate ?? true });
  return result;
}

/**
 * Spec §3.5 over the `limit` newest runs. Fix of §13.10: runs that are neither verified nor have
 * a mismatched/missing file (e.g. unknown) are listed in `other`, so the counts add up.
 */
export async function verifyStatus(ctx: VerifyContext, limit = 1000, shared?: Map<string, HashOutcome>): Promise<{ status: StatusResult; runs: RunVerification[] }> {
  const runs = recentRuns(ctx.view, limit);
  // `shared`: outcomes the caller already has (the editor's model hashed every recorded file).
  const results = await verifyRuns(ctx.view, ctx.hasher, runs, { ...ctx, propagate: true }, shared);
  return { status: summarizeStatus(results), runs: results };
}

/** The StatusResult of verified runs (also used by the warm path, which re-verifies without a store). */
export function summarizeStatus(results: readonly RunVerification[]): StatusResult {
  const status: StatusResult = {
    verified_count: 0,
    mismatch_count: 0,
    missing_count: 0,
    mismatched: [],
    missing: [],
    other_count: 0,
    other: [],
  };
  for (const r of results) {
    const mismatched = r.files.filter((f) => f.status === 'mismatch').map((f) => f.path);
    const missing = r.files.filter((f) => f.status === 'missing').map((f) => f.path);
    if (r.is_verified) status.verified_count++;
    else if (mismatched.length > 0) status.mismatched.push({ session_id: r.session_id, files: mismatched });
    else if (missing.length > 0) status.missing.push({ session_id: r.session_id, files: missing });
    else status.other.push({ session_id: r.session_id, status: r.status });
  }
  status.mismatch_count = status.mismatched.length;
  status.missing_count = status.missing.length;
  status.other_count = status.other.length;
  return status;
}

async function verifyInOrder(ctx: VerifyContext, order: readonly string[], propagate: boolean): Promise<RunVerification[]> {
  const rows = order.map((id) => getRun(ctx.view, id) ?? ({ session_id: id, script_path: null, script_hash: null } as RunRow));
  const shared = new Map<string, HashOutcome>();
  return verifyRuns(ctx.view, ctx.hasher, rows, { ...ctx, propagate }, shared);
}

/** Spec §3.7. */
export async function verifyChain(ctx: VerifyContext, target: string): Promise<ChainVerification> {
  const targetFile = resolvePath(target, ctx.cwd);
  const leaf = newestProducer(ctx.view, targetFile);
  if (leaf === undefined) return { target_file: targetFile, runs: [], status: 'unknown', is_verified: false };
  const { order } = rootsFirstOrder(buildGraph(ctx.view, [leaf]));
  const runs = await verifyInOrder(ctx, order, true);
  const status = aggregateStatus(runs, runs.some((r) => !r.is_verified));
  return { target_file: targetFile, runs, status, is_verified: status === 'verified' };
}

export interface DagRequest {
  targets?: readonly string[];
  /** Use the distinct source files of the first 100 non-superseded claims as targets. */
  claims?: boolean;
}

interface DagComputation {
  result: DagVerification;
  graph: ProvenanceGraph;
}

interface ClaimRef extends Row {
  claim_id: string;
  source_file: string | null;
  source_session: string | null;
}

function claimsForDag(view: StoreView, limit: number): ClaimRef[] {
  if (!view.hasTable('claims')) return [];
  return view.all<ClaimRef>(
    `SELECT claim_id, source_file, source_session FROM claims WHERE status IS NOT 'superseded'
     ORDER BY file_path, line_number LIMIT ?`,
    [limit],
  );
}

async function computeDag(ctx: VerifyContext, request: DagRequest): Promise<DagComputation> {
  let targetFiles: string[];
  if (request.claims) {
    targetFiles = [];
    for (const c of claimsForDag(ctx.view, 100)) if (c.source_file && !targetFiles.includes(c.source_file)) targetFiles.push(c.source_file);
  } else {
    targetFiles = (request.targets ?? []).map((t) => resolvePath(t, ctx.cwd));
  }
  const leaves: string[] = [];
  for (const t of targetFiles) {
    const producer = newestProducer(ctx.view, t);
    if (producer !== undefined && !leaves.includes(producer)) leaves.push(producer);
  }
  const graph = buildGraph(ctx.view, leaves);
  if (leaves.length === 0) {
    return { graph, result: { target_files: targetFiles, runs: [], edges: [], status: 'unknown', topological_order: [], is_verified: false } };
  }
  const { order } = rootsFirstOrder(graph);
  const runs = await verifyInOrder(ctx, order, false);
  const verified = new Map(runs.map((r) => [r.session_id, r.is_verified]));
  const failed = new Set<string>();
  for (const id of order) {
    if (!verified.get(id) || (graph.adjacency.get(id) ?? []).some((p) => failed.has(p))) failed.add(id);
  }
  const status = aggregateStatus(runs, failed.size > 0);
  return {
    graph,
    result: { target_files: targetFiles, runs, edges: edgesOf(graph), status, topological_order: order, is_verified: status === 'verified' },
  };
}

/** Spec §3.8 (deterministic order: fix of §13.1). A cycle is reported by placing its members last, sorted. */
export async function verifyDag(ctx: VerifyContext, request: DagRequest): Promise<DagVerification> {
  return (await computeDag(ctx, request)).result;
}

function strictNode(run: RunVerification, preferRole: 'input' | 'output'): StrictNode | null {
  const failed = run.files.filter((f) => f.status === 'mismatch' || f.status === 'missing');
  const pick = failed.find((f) => f.role === preferRole) ?? failed[0];
  if (!pick) return null;
  return { session_id: run.session_id, path: pick.path, role: pick.role, expected_hash: pick.expected_hash, got_hash: pick.current_hash, status: pick.status };
}

/** Spec §3.9: failure attribution and claim invalidation. */
export async function verifyDagStrict(ctx: VerifyContext, request: DagRequest): Promise<StrictDagResult> {
  const { result, graph } = await computeDag(ctx, request);
  const claims = claimsForDag(ctx.view, 10000);
  const base = { target_files: result.target_files, topological_order: result.topological_order };
  if (result.is_verified) {
    return { status: 'OK', is_verified: true, ...base, failed_node: null, root_cause: null, invalidated_claims: [], still_valid_claims: claims.map((c) => c.claim_id) };
  }
  const withOwnFailures = result.runs.filter((r) => r.files.some((f) => f.status === 'mismatch' || f.status === 'missing'));
  const rootRun = withOwnFailures[0];
  const lastRun = withOwnFailures[withOwnFailures.length - 1];
  const invalidated = new Set(withOwnFailures.map((r) => r.session_id));
  const children = new Map<string, string[]>();
  for (const [parent, child] of edgesOf(graph)) children.set(parent, [...(children.get(parent) ?? []), child]);
  const stack = [...invalidated];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop() as string) ?? []) {
      if (!invalidated.has(child)) {
        invalidated.add(child);
        stack.push(child);
      }
    }
  }
  const invalidatedClaims: string[] = [];
  const stillValid: string[] = [];
  for (const claim of claims) {
    const session = claim.source_session ?? (claim.source_file ? newestProducer(ctx.view, claim.source_file) : undefined);
    (session !== undefined && primaryChainHits(ctx.view, session, invalidated) ? invalidatedClaims : stillValid).push(claim.claim_id);
  }
  return {
    status: 'FAIL',
    is_verified: false,
    ...base,
    failed_node: lastRun ? strictNode(lastRun, 'output') : null,
    root_cause: rootRun ? strictNode(rootRun, 'input') : null,
    invalidated_claims: invalidatedClaims,
    still_valid_claims: stillValid,
  };
}

/** Walks runs.parent_session from `session`; unlike upstream, stops on a cycle. */
function primaryChainHits(view: StoreView, session: string, invalidated: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  let current: string | null | undefined = session;
  while (current && !seen.has(current)) {
    if (invalidated.has(current)) return true;
    seen.add(current);
    current = getRun(view, current)?.parent_session;
  }
  return false;
}

/** Spec §3.10 list_runs: every column of runs, newest first. */
export function listRuns(view: StoreView, options: { limit?: number; status?: string } = {}): Row[] {
  const limit = options.limit ?? 100;
  // Columns added by upstream migrations read as their defaults on stores that predate them.
  const extra = ['provenance', 'exception_reason']
    .filter((c) => !view.hasColumn('runs', c))
    .map((c) => (c === 'provenance' ? ", 'tracked' AS provenance" : ', NULL AS exception_reason'))
    .join('');
  return options.status
    ? view.all(`SELECT *${extra} FROM runs WHERE status = ? ORDER BY started_at DESC LIMIT ? OFFSET 0`, [options.status, limit])
    : view.all(`SELECT *${extra} FROM runs ORDER BY started_at DESC LIMIT ? OFFSET 0`, [limit]);
}

export function stats(view: StoreView): StatsResult {
  const runs = view.get<{ total: number; success: number; failed: number }>(
    "SELECT COUNT(*) AS total, COALESCE(SUM(status = 'success'), 0) AS success, COALESCE(SUM(status = 'failed'), 0) AS failed FROM runs",
  );
  const files = view.get<{ total: number; uniq: number }>('SELECT COUNT(*) AS total, COUNT(DISTINCT file_path) AS uniq FROM file_hashes');
  return {
    total_runs: runs?.total ?? 0,
    success_runs: runs?.success ?? 0,
    failed_runs: runs?.failed ?? 0,
    total_file_records: files?.total ?? 0,
    unique_files: files?.uniq ?? 0,
    db_path: view.dbPath,
  };
}
