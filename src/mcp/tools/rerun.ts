/**
 * clew_rerun_dag and clew_rerun_claims: the CLI's rerun-dag / rerun-claims (same engine calls,
 * same sandbox, same settings from the project's config). Each run start is a progress
 * notification; the client's cancellation aborts the engine, which kills the run's whole
 * process tree before the call returns.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { rerunClaims, rerunDag, type RerunContext } from '../../engine/rerun/rerun';
import { rerunSettings } from '../../engine/rerun/settings';
import type { RerunDagResult, RerunOptions } from '../../engine/rerun/types';
import { projectRootOf } from '../../engine/store/locate';
import { withToolStore } from '../storeAccess';
import { commaList, defineTool, type ClewTool, type ToolCall } from '../tool';

const timeout = () => z.number().positive().default(300).describe('per-run limit in seconds; the whole process tree is killed');

function withRerun(call: ToolCall, timeoutSeconds: number, fn: (ctx: RerunContext, options: RerunOptions) => Promise<RerunDagResult>): Promise<RerunDagResult> {
  return withToolStore(call, { useCache: true, writable: true }, async ({ store, view, hasher }) => {
    const projectRoot = projectRootOf(store.dbPath, call.cwd);
    const settings = rerunSettings(projectRoot, call.cwd);
    const options: RerunOptions = {
      timeoutMs: timeoutSeconds * 1000,
      python: settings.python,
      judge: settings.judge,
      signal: call.signal,
      onEvent(event) {
        if (event.type === 'warning') call.log(`clew: ${event.message}`);
        else if (event.type === 'start') call.progress(event.index, event.total, `rerunning ${event.script_path ? path.basename(event.script_path) : event.session_id} (${event.session_id})`);
      },
    };
    const result = await fn({ store, view, hasher, cwd: call.cwd, projectRoot }, options);
    call.progress(result.num_runs, result.num_runs, `done: ${result.status}`);
    if (call.signal.aborted) throw new Error('cancelled by the client: every process of the rerun was stopped');
    return result;
  });
}

export const RERUN_TOOLS: readonly ClewTool[] = [
  defineTool({
    name: 'clew_rerun_dag',
    description:
      'Re-execute every run behind the given output files (target_files, comma-separated; none: every run in the store) in a sandbox, in topological order, and compare each output with its recorded hash. Executes the project\'s scripts; the user\'s files and store are never changed (a verification row is appended). Sends progress; honours cancellation. As `clew rerun-dag --json`.',
    inputSchema: { target_files: z.string().nullish().describe('comma-separated paths'), timeout: timeout() },
    needsStore: true,
    run: (args, call) => withRerun(call, args.timeout, (ctx, options) => rerunDag(ctx, { targets: commaList(args.target_files) }, options)),
  }),
  defineTool({
    name: 'clew_rerun_claims',
    description:
      'Re-execute, in a sandbox, the DAG behind the claims\' source files (all claims, or those of one manuscript file_path / one claim_type) and compare outputs. Executes the project\'s scripts. Sends progress; honours cancellation. As `clew rerun-claims --json`.',
    inputSchema: { file_path: z.string().nullish(), claim_type: z.string().nullish(), timeout: timeout() },
    needsStore: true,
    run: (args, call) => withRerun(call, args.timeout, (ctx, options) => rerunClaims(ctx, { filePath: args.file_path ?? undefined, claimType: args.claim_type ?? undefined }, options)),
  }),
];
