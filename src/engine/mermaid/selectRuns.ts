/**
 * Which runs a diagram shows, in upstream's list order (spec §7.1), verified through the context:
 * all runs (500 newest), a session's primary-parent chain, a file's chain, or the DAG behind
 * several files or every claim's source.
 */
import type { RunVerification } from '../verify/types';
import { verifyChain, verifyDag, type VerifyContext } from '../verify/verify';
import { verifyRuns } from '../verify/runVerify';
import { getRun, recentRuns, type RunRow } from '../verify/rows';
import { parentsOf } from '../verify/graph';
import type { DiagramMode, DiagramRequest, SelectedRuns } from './types';
import { verifiedFromScratch } from '../rerun/log';

const ALL_RUNS_LIMIT = 500;

/**
 * Spec §3.11: [S, parent(S), parent(parent(S)), …] along runs.parent_session. Upstream has no
 * cycle guard and would loop forever; we stop at the first repeat (in quirk mode too: reproducing
 * a hang is not useful).
 */
function primaryParentChain(ctx: VerifyContext, sessionId: string): RunRow[] {
  const chain: RunRow[] = [];
  const seen = new Set<string>();
  let current = getRun(ctx.view, sessionId);
  while (current && !seen.has(current.session_id)) {
    chain.push(current);
    seen.add(current.session_id);
    current = current.parent_session ? getRun(ctx.view, current.parent_session) : undefined;
  }
  return chain;
}

export async function selectRuns(ctx: VerifyContext, request: DiagramRequest): Promise<SelectedRuns> {
  if ((request.targetFiles && request.targetFiles.length > 0) || request.claims) {
    const dag = await verifyDag(ctx, request.claims ? { claims: true } : { targets: request.targetFiles });
    return { mode: request.claims ? 'claims' : 'targets', runs: dag.runs, scratch: new Set(), edges: dag.edges };
  }
  let mode: DiagramMode;
  let runs: RunVerification[];
  if (request.targetFile !== undefined) {
    mode = 'target';
    runs = (await verifyChain(ctx, request.targetFile)).runs;
  } else if (request.sessionId !== undefined) {
    mode = 'session';
    runs = await verifyRuns(ctx.view, ctx.hasher, primaryParentChain(ctx, request.sessionId), { ...ctx, propagate: true });
  } else {
    mode = 'all';
    runs = await verifyRuns(ctx.view, ctx.hasher, recentRuns(ctx.view, ALL_RUNS_LIMIT), { ...ctx, propagate: true });
  }
  const scratch = verifiedFromScratch(ctx.view, runs.map((r) => r.session_id));
  // Run-to-run edges are drawn only by the no-files form (and a display that may collapse to it).
  if (request.showFiles !== false && request.maxNodes === undefined) return { mode, runs, scratch };
  const listed = new Set(runs.map((r) => r.session_id));
  const edges: [string, string][] = [];
  for (const run of runs) for (const parent of parentsOf(ctx.view, run.session_id)) if (listed.has(parent)) edges.push([parent, run.session_id]);
  return { mode, runs, scratch, edges };
}

