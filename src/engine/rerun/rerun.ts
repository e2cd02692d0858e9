/**
 * rerun / rerun-dag / rerun-claims (spec §4), sandboxed. Each executed rerun appends one
 * `verification_results` row (the original session, level 'rerun', lower-case status) through the
 * out-of-process writer, so scitex-clew sees it; nothing else in the user's store changes.
 *
 * rerun-dag uses the same newest-producer DAG as `clew dag` (not upstream's session_parents,
 * spec §13.3). By default every run is replayed on its ORIGINAL recorded inputs, so runs are
 * independent and run in parallel (`jobs`); with `chain`, each run is fed its ancestors'
 * re-generated outputs and starts when its parents are done (a full rebuild from the roots).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listClaims } from '../claims/claims';
import type { FileHasher } from '../hash/types';
import type { Store, StoreView } from '../store/types';
import { resolvePath } from '../util/paths';
import { buildGraph, edgesOf, rootsFirstOrder } from '../verify/graph';
import { filesOfSessions, getRun, newestProducer, type RunRow } from '../verify/rows';
import { resolveTarget } from '../verify/verify';
import { aggregateStatus } from '../verify/verdicts';
import { rerunOne, rerunResult, type RerunEnvironment, type RunPlan } from './rerunRun';
import type { Sandbox } from './sandbox';
import { outputsDirOf, rerunOnSlurm, saveRerunOutputs, stagedFromManifest, type SlurmJobRequest } from './slurm';
import type { RerunDagResult, RerunDagRun, RerunOptions, RerunVerification } from './types';

export interface RerunContext {
  /** Opened writable: verification_results rows are appended to it. */
  store: Store;
  view: StoreView;
  hasher: FileHasher;
  /** Directory relative targets are resolved against. */
  cwd?: string;
  /** Project root (sandbox anchor, base of equivalence globs). */
  projectRoot: string;
}

type RunWithMetadata = RunRow & { metadata: string | null };

function runWithMetadata(view: StoreView, sessionId: string): RunWithMetadata | undefined {
  const run = getRun(view, sessionId);
  if (!run) return undefined;
  const row = view.hasColumn('runs', 'metadata') ? view.get<{ metadata: string | null }>('SELECT metadata FROM runs WHERE session_id = ?', [sessionId]) : undefined;
  return { ...run, metadata: row?.metadata ?? null };
}

function environment(ctx: RerunContext, options: RerunOptions): RerunEnvironment {
  return { store: ctx.store, view: ctx.view, hasher: ctx.hasher, projectRoot: ctx.projectRoot, options, workDir: fs.mkdtempSync(path.join(os.tmpdir(), 'clew-rerun-op-')) };
}

/** This operation's folder for SLURM jobs: beside the store, on the filesystem the nodes share. */
function jobsDirOf(ctx: RerunContext, env: RerunEnvironment): string {
  return path.join(path.dirname(ctx.store.dbPath), 'jobs', path.basename(env.workDir));
}

/** Runs one plan where the options say: here in a sandbox, or as a SLURM job (no sandbox handle comes back). */
async function execute(ctx: RerunContext, env: RerunEnvironment, plan: RunPlan, job?: SlurmJobRequest): Promise<{ result: RerunVerification; sandbox?: Sandbox }> {
  const slurm = env.options.slurm;
  if (!slurm) return rerunOne(env, plan);
  const result = await rerunOnSlurm(plan, ctx.store.dbPath, jobsDirOf(ctx, env), env.options, slurm, (jobId, state, node) => env.options.onEvent?.({ type: 'job', session_id: plan.run.session_id, job_id: jobId, state, node }), job);
  return { result };
}

function planFor(view: StoreView, run: RunWithMetadata): RunPlan {
  const rows = filesOfSessions(view, [run.session_id]).get(run.session_id) ?? [];
  return { run, inputs: rows.filter((r) => r.role === 'input'), outputs: rows.filter((r) => r.role === 'output') };
}

async function record(ctx: RerunContext, env: RerunEnvironment, result: RerunVerification): Promise<void> {
  // Only reruns that ran to an end leave a row: a refused, skipped, timed-out or cancelled run
  // proves nothing about the run (all of those are 'unknown'), so it must not hide an older verdict.
  if (env.options.record === false || result.rerun.sandbox === null || result.level !== 'rerun' || result.status === 'unknown') return;
  await ctx.store.write([{ sql: "INSERT INTO verification_results (session_id, level, status) VALUES (?, 'rerun', ?)", params: [result.session_id, result.status] }]);
  result.rerun.recorded = true;
}

function finish(ctx: RerunContext, env: RerunEnvironment, sandboxes: readonly (Sandbox | undefined)[]): void {
  if (!env.options.keep) for (const s of sandboxes) s?.remove();
  if (env.options.slurm && !env.options.keep) fs.rmSync(path.join(path.dirname(ctx.store.dbPath), 'jobs', path.basename(env.workDir)), { recursive: true, force: true });
  fs.rmSync(env.workDir, { recursive: true, force: true });
}

/** Spec §4.1 for each target (session id, script path or output file, resolved as §3.3). */
export async function rerun(ctx: RerunContext, targets: readonly string[], options: RerunOptions = {}): Promise<RerunVerification[]> {
  const env = environment(ctx, options);
  const sandboxes: (Sandbox | undefined)[] = [];
  try {
    const results: RerunVerification[] = [];
    for (const [index, target] of targets.entries()) {
      const resolved = resolveTarget(ctx.view, target, ctx.cwd);
      const run = resolved ? runWithMetadata(ctx.view, resolved.session_id) : undefined;
      if (!run) {
        results.push(rerunResult({ session_id: target, script_path: null, combined_hash: null, provenance: 'tracked', exception_reason: null }, 'unknown', [], { reason: `no recorded run found for '${target}'` }));
        continue;
      }
      options.onEvent?.({ type: 'start', session_id: run.session_id, script_path: run.script_path, index, total: targets.length });
      const plan = planFor(ctx.view, run);
      if (options.chainManifest) {
        // Inside a chained SLURM job: the ancestors' jobs left their re-generated outputs on the shared filesystem.
        const { fed, staged } = stagedFromManifest(options.chainManifest);
        Object.assign(plan, { fedInputs: fed, staged });
      }
      const { result, sandbox } = await execute(ctx, env, plan);
      if (options.saveOutputs && sandbox) saveRerunOutputs(options.saveOutputs, run.session_id, sandbox, plan.outputs.map((o) => o.file_path));
      sandboxes.push(sandbox);
      await record(ctx, env, result);
      options.onEvent?.({ type: 'done', result });
      results.push(result);
    }
    return results;
  } finally {
    finish(ctx, env, sandboxes);
  }
}

export interface RerunDagRequest {
  /** Output files whose DAG to rerun; none: every run in the store, as upstream. */
  targets?: readonly string[];
}

function emptyDag(targetFiles: string[], reason: string): RerunDagResult {
  return { target_files: targetFiles, status: 'unknown', is_verified: false, num_runs: 0, num_edges: 0, topological_order: [], runs: [], edges: [], root_causes: [], reason };
}

function allOutputPaths(view: StoreView): string[] {
  return view
    .all<{ file_path: string }>("SELECT DISTINCT file_path FROM file_hashes WHERE +role = 'output' AND session_id IN (SELECT session_id FROM runs ORDER BY started_at DESC LIMIT 10000) ORDER BY file_path")
    .map((r) => r.file_path);
}

/** Spec §4.2, sandboxed, deterministic order, with failure attribution. */
export async function rerunDag(ctx: RerunContext, request: RerunDagRequest = {}, options: RerunOptions = {}): Promise<RerunDagResult> {
  const targetFiles = request.targets && request.targets.length > 0 ? request.targets.map((t) => resolvePath(t, ctx.cwd)) : allOutputPaths(ctx.view);
  const leaves: string[] = [];
  for (const t of targetFiles) {
    const producer = newestProducer(ctx.view, t);
    if (producer !== undefined && !leaves.includes(producer)) leaves.push(producer);
  }
  if (leaves.length === 0) return emptyDag(targetFiles, targetFiles.length === 0 ? 'the store has no recorded outputs' : 'no recorded run produced the target files');
  const graph = buildGraph(ctx.view, leaves);
  const { order } = rootsFirstOrder(graph);
  const edges = edgesOf(graph);
  const parents = graph.adjacency;
  const env = environment(ctx, options);
  const results = new Map<string, { result: RerunVerification; sandbox?: Sandbox }>();
  const plans = new Map<string, RunPlan>();
  for (const id of order) {
    const run = runWithMetadata(ctx.view, id);
    if (run) plans.set(id, planFor(ctx.view, run));
  }
  const ancestorsOf = (id: string): string[] => {
    const seen = new Set<string>();
    const stack = [...(parents.get(id) ?? [])];
    while (stack.length > 0) {
      const p = stack.pop() as string;
      if (seen.has(p)) continue;
      seen.add(p);
      stack.push(...(parents.get(p) ?? []));
    }
    return order.filter((o) => seen.has(o));
  };
  // On SLURM every independent run goes to the queue at once: the scheduler decides what runs when.
  const jobs = options.slurm ? Math.max(1, order.length) : Math.max(1, options.jobs ?? os.availableParallelism());
  let started = 0;
  // --chain on SLURM: every job goes to the queue at once, each after its parents' jobs (afterok),
  // fed the outputs they leave in the jobs folder; a child waits here only for its parents' job ids.
  const slurmChain = Boolean(options.chain && options.slurm);
  const submitted = new Map<string, { id: Promise<string | null>; set(jobId: string | null): void }>();
  for (const id of order) {
    let set: (jobId: string | null) => void = () => undefined;
    const promise = new Promise<string | null>((resolve) => (set = resolve));
    submitted.set(id, { id: promise, set });
  }
  const scriptName = (id: string) => {
    const script = plans.get(id)?.run.script_path;
    return script ? ` (${path.basename(script)})` : '';
  };
  // Only parents earlier in the order: on a cycle (which the order breaks) two jobs must not wait for each other.
  const jobParents = (id: string) => (parents.get(id) ?? []).filter((p) => order.includes(p) && order.indexOf(p) < order.indexOf(id));
  /** Why a child can never run: a parent's job did not complete (or was never submitted). */
  const failedParent = (id: string): string | undefined => {
    for (const p of jobParents(id)) {
      const done = results.get(p)?.result.rerun;
      if (done && (done.job_id === null || done.slurm_state !== 'COMPLETED')) {
        return `its parent run ${p}${scriptName(p)} failed on SLURM (${done.job_id === null ? 'no job was submitted' : `job ${done.job_id} ended as ${done.slurm_state ?? 'unknown'}`}): ${done.reason ?? ''}`.replace(/: $/, '');
      }
    }
    return undefined;
  };
  const slurmJob = async (id: string): Promise<SlurmJobRequest | { blocked: string }> => {
    const jobsDir = jobsDirOf(ctx, env);
    const ancestors = ancestorsOf(id);
    const dependsOn: string[] = [];
    for (const p of jobParents(id)) {
      const jobId = await (submitted.get(p) as { id: Promise<string | null> }).id;
      if (jobId === null) return { blocked: failedParent(id) ?? `its parent run ${p}${scriptName(p)} was not submitted` };
      dependsOn.push(jobId);
    }
    return {
      dependsOn,
      chain: { fed: ancestors.flatMap((a) => (plans.get(a)?.outputs ?? []).map((o) => o.file_path)), from: ancestors.map((a) => outputsDirOf(jobsDir, a)) },
      saveOutputs: outputsDirOf(jobsDir, id),
      onSubmitted: (jobId) => submitted.get(id)?.set(jobId),
      blockedBy: () => failedParent(id),
    };
  };
  const runOne = async (id: string): Promise<void> => {
    const plan = plans.get(id);
    const index = started++;
    const placeholder = { session_id: id, script_path: plan?.run.script_path ?? null, combined_hash: null, provenance: 'tracked', exception_reason: null };
    if (!plan || options.signal?.aborted) {
      submitted.get(id)?.set(null);
      results.set(id, { result: rerunResult(placeholder, 'unknown', [], { reason: plan ? 'cancelled before it started' : 'the run is not in the store' }) });
      return;
    }
    if (slurmChain) {
      options.onEvent?.({ type: 'start', session_id: id, script_path: plan.run.script_path, index, total: order.length });
      let done: { result: RerunVerification };
      try {
        const job = await slurmJob(id);
        if (options.signal?.aborted) done = { result: rerunResult(placeholder, 'unknown', [], { reason: 'cancelled before it was submitted', chained: true, executor: 'slurm', job_id: null, node: null, slurm_state: null }) };
        else if ('blocked' in job) done = { result: rerunResult(placeholder, 'unknown', [], { reason: `not run because ${job.blocked}`, chained: true, executor: 'slurm', job_id: null, node: null, slurm_state: null }) };
        else done = await execute(ctx, env, plan, job);
      } finally {
        // Its children wait for its job id: they must never wait for ever (a later call is ignored).
        submitted.get(id)?.set(null);
      }
      await record(ctx, env, done.result);
      results.set(id, done);
      options.onEvent?.({ type: 'done', result: done.result });
      return;
    }
    if (options.chain) {
      const ancestors = ancestorsOf(id);
      const fed = new Set<string>();
      const chainedFiles = new Map<string, string>();
      for (const a of ancestors) {
        const done = results.get(a);
        for (const out of plans.get(a)?.outputs ?? []) {
          fed.add(out.file_path);
          const produced = done?.sandbox?.resultOf(out.file_path);
          if (produced) chainedFiles.set(out.file_path, produced);
        }
      }
      const underlays = ancestors.flatMap((a) => (results.get(a)?.sandbox ? [results.get(a)?.sandbox as Sandbox] : []));
      Object.assign(plan, { underlays, fedInputs: fed, chainedFiles });
    }
    options.onEvent?.({ type: 'start', session_id: id, script_path: plan.run.script_path, index, total: order.length });
    const done = await execute(ctx, env, plan);
    await record(ctx, env, done.result);
    results.set(id, done);
    options.onEvent?.({ type: 'done', result: done.result });
  };
  try {
    await schedule(order, options.chain && !slurmChain ? parents : new Map(), jobs, runOne, options.signal);
  } finally {
    finish(ctx, env, [...results.values()].map((r) => r.sandbox));
  }
  const failed = new Set(order.filter((id) => results.get(id)?.result.status !== 'verified'));
  const runs: RerunDagRun[] = order.map((id) => {
    const r = (results.get(id) as { result: RerunVerification }).result;
    return { session_id: id, script_path: r.script_path, status: r.status, is_verified: r.is_verified, upstream_failures: ancestorsOf(id).filter((a) => failed.has(a)), files: r.files, rerun: r.rerun };
  });
  const status = aggregateStatus(runs);
  return {
    target_files: targetFiles,
    status,
    is_verified: status === 'verified',
    num_runs: runs.length,
    num_edges: edges.length,
    topological_order: order,
    runs,
    edges: edges.map(([parent, child]) => ({ parent, child })),
    root_causes: runs.filter((r) => !r.is_verified && r.upstream_failures.length === 0).map((r) => r.session_id),
    executor: options.slurm ? 'slurm' : 'local',
  };
}

/**
 * Runs `task` for every id with at most `jobs` at once; an id starts only after all its
 * `waitFor` parents finished. Stops starting new ones once `signal` is aborted.
 */
async function schedule(order: readonly string[], waitFor: ReadonlyMap<string, readonly string[]>, jobs: number, task: (id: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const done = new Set<string>();
  const pending = [...order];
  const running = new Map<string, Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    const readyIndex = signal?.aborted ? -1 : pending.findIndex((id) => (waitFor.get(id) ?? []).every((p) => done.has(p) || !order.includes(p)));
    if (readyIndex >= 0 && running.size < jobs) {
      const [id] = pending.splice(readyIndex, 1);
      running.set(id, task(id).finally(() => {
        done.add(id);
        running.delete(id);
      }));
      continue;
    }
    if (running.size === 0) {
      // Aborted (the task reports those as cancelled) or a cycle (run them in order regardless).
      for (const id of pending.splice(0)) await task(id);
      break;
    }
    await Promise.race(running.values());
  }
}

export interface RerunClaimsRequest {
  filePath?: string;
  claimType?: string;
}

/**
 * Spec §4.3: the DAG behind the claims' source files. Unlike upstream (§13.6), claims without
 * sources do not turn into a rerun of the whole store, and every claim counts (no 100 limit).
 */
export async function rerunClaims(ctx: RerunContext, request: RerunClaimsRequest = {}, options: RerunOptions = {}): Promise<RerunDagResult> {
  const claims = listClaims(ctx.view, { filePath: request.filePath ? resolvePath(request.filePath, ctx.cwd) : undefined, claimType: request.claimType, limit: 1_000_000 });
  const sources = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
  if (sources.length === 0) return emptyDag([], claims.length === 0 ? 'no claims match' : 'none of the matching claims names a source file');
  return rerunDag(ctx, { targets: sources }, options);
}

/** Each run of a rerun-dag result as the RunVerification `rerun` gives for one run (for reports). */
export function dagRunsAsVerifications(d: RerunDagResult): RerunVerification[] {
  return d.runs.map((r) => ({
    session_id: r.session_id,
    script_path: r.script_path,
    status: r.status,
    files: r.files,
    combined_hash_expected: null,
    combined_hash_current: null,
    level: r.rerun.sandbox ? 'rerun' : 'cache',
    provenance: null,
    exception_reason: null,
    is_verified: r.is_verified,
    is_verified_from_scratch: r.is_verified && r.rerun.sandbox !== null,
    rerun: r.rerun,
  }));
}
