/**
 * Upstream's `_mcp/tools/verification` read-only tools: status, stats, list_runs, run, chain,
 * dag, mermaid. Each answers with the object `clew <command> --json` prints (the same engine
 * calls), plus the keys upstream's tool adds where the CLI has none (list_runs' verification
 * columns, run's mismatched/missing counts).
 */
import { z } from 'zod';
import { chainJson, dagJson } from '../../cli/commands/upstream/shapes';
import { findGrouperConfig } from '../../engine/mermaid/grouperConfig';
import { provenanceDiagram, type DiagramRequest } from '../../engine/mermaid/provenanceDiagram';
import { resolvePath } from '../../engine/util/paths';
import { listRuns, stats, verifyChain, verifyDag, verifyDagStrict, verifyRun, verifyStatus } from '../../engine/verify';
import type { RunVerification } from '../../engine/verify/types';
import { withToolStore } from '../storeAccess';
import { commaList, defineTool, type ClewTool } from '../tool';

const optionalString = () => z.string().nullish();

/** `clew run --json` plus upstream's tool counts. */
export function runAnswer(r: RunVerification): Record<string, unknown> {
  return {
    ...r,
    mismatched_count: r.files.filter((f) => f.status === 'mismatch').length,
    missing_count: r.files.filter((f) => f.status === 'missing').length,
  };
}

export const VERIFICATION_TOOLS: readonly ClewTool[] = [
  defineTool({
    name: 'clew_list_runs',
    description: 'List recorded runs, newest first, each with its stored status (db_status) and its verification verdict now (verification_status, is_verified). As `clew list --json`.',
    inputSchema: { limit: z.number().int().min(0).default(50), status_filter: optionalString().describe('success, failed, running or error') },
    needsStore: true,
    run: (args, call) =>
      withToolStore(call, { useCache: true }, async ({ view, hasher }) => {
        const rows = listRuns(view, { limit: args.limit, status: args.status_filter ?? undefined });
        const runs = [];
        for (const row of rows) {
          const verdict = await verifyRun({ view, hasher, cwd: call.cwd }, String(row.session_id));
          runs.push({ ...row, db_status: row.status, verification_status: verdict.status, is_verified: verdict.is_verified });
        }
        return { count: runs.length, runs };
      }),
  }),
  defineTool({
    name: 'clew_run',
    description: 'Verify one run, given its session id, its script or one of its output files: every input, output and script hash against the store (a run whose inputs changed upstream is "suspect"). As `clew run --json`.',
    inputSchema: { session_or_path: z.string().min(1) },
    needsStore: true,
    run: (args, call) => withToolStore(call, { useCache: false }, async ({ view, hasher }) => runAnswer(await verifyRun({ view, hasher, cwd: call.cwd }, args.session_or_path))),
  }),
  defineTool({
    name: 'clew_chain',
    description: 'Is this file still backed by the data? Traces the file back through the runs that produced it (roots first) and verifies each. As `clew chain FILE --json`.',
    inputSchema: { target_file: z.string().min(1) },
    needsStore: true,
    run: (args, call) => withToolStore(call, { useCache: false }, async ({ view, hasher }) => chainJson(await verifyChain({ view, hasher, cwd: call.cwd }, resolvePath(args.target_file, call.cwd)))),
  }),
  defineTool({
    name: 'clew_status',
    description: 'Which recorded files changed or went missing? Verifies the 1000 newest runs (stat cache for unchanged files). As `clew status --json`.',
    inputSchema: {},
    needsStore: true,
    run: (_args, call) =>
      withToolStore(call, { useCache: true }, async ({ view, hasher }) => {
        const { status } = await verifyStatus({ view, hasher, cwd: call.cwd }, 1000);
        return { ...status, hashes_from_cache: true };
      }),
  }),
  defineTool({
    name: 'clew_stats',
    description: 'Counts of runs and file records in the store, and where the store is. As `clew stats --json`.',
    inputSchema: {},
    needsStore: true,
    run: (_args, call) => withToolStore(call, { useCache: true }, async ({ view }) => stats(view)),
  }),
  defineTool({
    name: 'clew_mermaid',
    description:
      'The provenance diagram as Mermaid text ({"mermaid": …}): of one run and its parents (session_id), of the chain behind one file (target_file), of the DAG behind several files (target_files, comma-separated) or behind every claim (claims); nothing given: every run. As `clew mermaid`.',
    inputSchema: { session_id: optionalString(), target_file: optionalString(), target_files: optionalString().describe('comma-separated paths'), claims: z.boolean().default(false) },
    needsStore: true,
    run: (args, call) =>
      withToolStore(call, { useCache: false }, async ({ view, hasher }) => {
        const request: DiagramRequest = {};
        const targets = commaList(args.target_files);
        if (args.claims) request.claims = true;
        else if (targets.length > 0) request.targetFiles = targets;
        else if (args.target_file) request.targetFile = args.target_file;
        else if (args.session_id) request.sessionId = args.session_id;
        // As the CLI: the project's config may name a grouper.
        const grouper = findGrouperConfig(call.cwd)?.grouper;
        if (grouper) request.grouper = grouper;
        const diagram = await provenanceDiagram({ view, hasher, cwd: call.cwd }, request);
        return { mermaid: diagram.text, mode: diagram.mode, nodes: diagram.nodes, edges: diagram.edges };
      }),
  }),
  defineTool({
    name: 'clew_dag',
    description:
      'Verify the provenance DAG behind files (target_files, comma-separated) or behind every claim\'s source (claims). strict: name the root cause, the failed node and the claims it invalidates ("which claims does this broken file take down?"). As `clew dag --json`.',
    inputSchema: { target_files: optionalString().describe('comma-separated paths'), claims: z.boolean().default(false), strict: z.boolean().default(false) },
    needsStore: true,
    run: (args, call) =>
      withToolStore(call, { useCache: false }, async ({ view, hasher }) => {
        const targets = commaList(args.target_files);
        if (targets.length === 0 && !args.claims) throw new Error('clew_dag needs target_files (comma-separated paths) or claims=true');
        const ctx = { view, hasher, cwd: call.cwd };
        const request = args.claims ? { claims: true } : { targets };
        return args.strict ? verifyDagStrict(ctx, request) : dagJson(await verifyDag(ctx, request));
      }),
  }),
];
