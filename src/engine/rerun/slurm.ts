/**
 * The SLURM executor: each run becomes one batch job (one job per run rather than a job array, so
 * each run keeps its own time limit, state, node and `scancel`, and a failed run does not hold an
 * array's bookkeeping). The job executes `clew rerun SESSION --json --no-record` on the compute
 * node — the same sandbox, verdicts and explanations as a local rerun — and leaves its answer in
 * a result file beside the store (on the shared filesystem). Only the submitting process writes the
 * store: it reads each result and appends the verification row exactly as a local rerun does.
 *
 * Job states come from `scontrol show job -o` (accounting is often off); a job SLURM ended other
 * than COMPLETED is reported with SLURM's state and reason, never as verified.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lazyChildProcess } from '../util/lazyBuiltins';
import { ClewError } from '../errors';
import { rerunResult, type RunPlan } from './rerunRun';
import type { Sandbox } from './sandbox';
import type { ChainManifest, RerunInfo, RerunOptions, RerunVerification } from './types';

export interface SlurmSettings {
  /** The clew entry point the job runs (`node <cliPath> …`). */
  cliPath: string;
  /** Extra sbatch options (partition, account, memory, qos). */
  sbatchArgs: readonly string[];
  /** How often job states are polled. */
  pollMs?: number;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT']);

function run(cmd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const r = lazyChildProcess().spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** A clear error (exit 2) when this machine cannot submit jobs. */
export function requireSbatch(): void {
  const r = run('sbatch', ['--version']);
  if (r.error || r.status !== 0) throw new ClewError('usage', `--executor slurm needs SLURM's sbatch on PATH (${r.error ? r.error.message : r.stderr.trim() || `sbatch --version exited ${r.status}`}); run on a login node, or use --executor local`);
}

/** SLURM's time limit in minutes from seconds, rounded up to a whole minute (SLURM's granularity). */
export function slurmTime(seconds: number): string {
  return String(Math.max(1, Math.ceil(seconds / 60)));
}

/**
 * The node-side rerun's own limit: past SLURM's (a minute more), so that SLURM's time limit is
 * the one that ends an overlong run (state TIMEOUT); it only acts where a cluster lets jobs overrun.
 */
export function nodeTimeoutSeconds(seconds: number): number {
  return Number(slurmTime(seconds)) * 60 + 60;
}

/** The folder of one run's job (script, result, logs) in an operation's jobs folder. */
export function jobDirOf(jobsDir: string, sessionId: string): string {
  return path.join(jobsDir, sessionId.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

/** Where a chained job leaves its re-generated outputs for the jobs that depend on it. */
export function outputsDirOf(jobsDir: string, sessionId: string): string {
  return path.join(jobDirOf(jobsDir, sessionId), 'outputs');
}

interface SavedOutputs {
  session_id: string;
  /** Recorded output path → the copy of the rerun's version (null: the rerun did not write it). */
  outputs: Record<string, string | null>;
}

/**
 * Inside a job (`clew rerun --save-outputs DIR`): copies the rerun's version of every recorded
 * output out of the sandbox into DIR (on the shared filesystem) and lists them in DIR/outputs.json,
 * written last and atomically, so a dependent job sees all of them or none.
 */
export function saveRerunOutputs(dir: string, sessionId: string, sandbox: Sandbox, outputs: readonly string[]): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  const saved: SavedOutputs = { session_id: sessionId, outputs: {} };
  outputs.forEach((file, i) => {
    const produced = sandbox.resultOf(file);
    if (!produced) {
      saved.outputs[file] = null;
      return;
    }
    const copy = path.join(dir, 'files', `${i}-${path.basename(file)}`);
    fs.copyFileSync(produced, copy);
    saved.outputs[file] = copy;
  });
  fs.writeFileSync(path.join(dir, 'outputs.json.part'), JSON.stringify(saved));
  fs.renameSync(path.join(dir, 'outputs.json.part'), path.join(dir, 'outputs.json'));
}

/**
 * Inside a chained job (`clew rerun --chain-manifest FILE`): the files to stage in the sandbox,
 * as a local --chain stacks its ancestors' sandboxes: each ancestor's re-generated outputs (a later
 * ancestor's over an earlier one's), a file its rerun did not write absent. An ancestor that was not
 * re-executed left no outputs.json, and its recorded outputs stay as they are on disk.
 */
export function stagedFromManifest(manifest: ChainManifest): { fed: Set<string>; staged: Map<string, string | null> } {
  const staged = new Map<string, string | null>();
  for (const dir of manifest.from) {
    let saved: SavedOutputs;
    try {
      saved = JSON.parse(fs.readFileSync(path.join(dir, 'outputs.json'), 'utf8')) as SavedOutputs;
    } catch {
      continue;
    }
    for (const [file, copy] of Object.entries(saved.outputs)) staged.set(file, copy !== null && fs.existsSync(copy) ? copy : null);
  }
  return { fed: new Set(manifest.fed), staged };
}

/** What the submitter knows about one job of a chained rerun-dag. */
export interface SlurmJobRequest {
  /** The parents' job ids: the job starts only after all of them succeeded (`--dependency=afterok:…`). */
  dependsOn?: readonly string[];
  /** chain mode: what the job is fed (written beside the job, passed as --chain-manifest). */
  chain?: ChainManifest;
  /** chain mode: where the job leaves its re-generated outputs (--save-outputs). */
  saveOutputs?: string;
  /** Called once, when the job was submitted (its id) or could not be (null). */
  onSubmitted?(jobId: string | null): void;
  /** chain mode, while the job waits: why it can never start (a parent's job failed), if so. */
  blockedBy?(): string | undefined;
}

export interface JobInfo {
  state: string;
  node: string | null;
  reason: string | null;
  exitCode: string | null;
}

/** Parses one line of `scontrol show job -o`. */
export function parseJobLine(line: string): JobInfo | undefined {
  const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1];
  const state = field('JobState');
  if (!state) return undefined;
  const node = field('BatchHost') ?? field('NodeList');
  const reason = field('Reason');
  return { state, node: node && node !== '(null)' ? node : null, reason: reason && reason !== 'None' ? reason : null, exitCode: field('ExitCode') ?? null };
}

function jobInfo(jobId: string): JobInfo | undefined {
  const r = run('scontrol', ['show', 'job', '-o', jobId]);
  if (r.status !== 0) return undefined;
  return parseJobLine(r.stdout.trim());
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Submits one run as a batch job, waits for it, and returns the node's verdict with SLURM's facts. */
export async function rerunOnSlurm(plan: RunPlan, dbPath: string, jobsDir: string, options: RerunOptions, slurm: SlurmSettings, onJob: (jobId: string, state: string, node: string | null) => void, request: SlurmJobRequest = {}): Promise<RerunVerification> {
  const { run: recorded } = plan;
  const dir = jobDirOf(jobsDir, recorded.session_id);
  fs.mkdirSync(dir, { recursive: true });
  const resultFile = path.join(dir, 'result.json');
  fs.rmSync(resultFile, { force: true });
  const timeoutS = Math.ceil((options.timeoutMs ?? 300_000) / 1000);
  const args = ['--db', dbPath, 'rerun', recorded.session_id, '--json', '--no-record', '--timeout', String(nodeTimeoutSeconds(timeoutS))];
  if (options.network) args.push('--network');
  if (options.currentInputs) args.push('--current-inputs');
  if (options.skipUnchanged) args.push('--skip-unchanged');
  if (options.python) args.push('--python', options.python);
  if (request.chain) {
    const manifest = path.join(dir, 'chain.json');
    fs.writeFileSync(manifest, JSON.stringify(request.chain));
    args.push('--chain-manifest', manifest);
  }
  if (request.saveOutputs) args.push('--save-outputs', request.saveOutputs);
  // A verdict (exit 0, 10, 11, 12) is the job's success: a mismatch is a verdict, not a job failure.
  // Anything else (clew itself failed, or SLURM killed it) fails the job, so jobs chained after it
  // with afterok never start. ELECTRON_RUN_AS_NODE: when the editor submits, its runtime is
  // Electron's, which then acts as Node.
  const part = shellQuote(`${resultFile}.part`);
  const script = [
    '#!/bin/sh',
    `ELECTRON_RUN_AS_NODE=1 ${[process.execPath, slurm.cliPath, ...args].map(shellQuote).join(' ')} > ${part} 2> ${shellQuote(path.join(dir, 'stderr.txt'))}`,
    'code=$?',
    `case $code in 0|10|11|12) mv ${part} ${shellQuote(resultFile)}; exit 0 ;; esac`,
    'exit $code',
    '',
  ].join('\n');
  const scriptFile = path.join(dir, 'job.sh');
  fs.writeFileSync(scriptFile, script, { mode: 0o755 });
  const placeholder = { session_id: recorded.session_id, script_path: recorded.script_path, combined_hash: recorded.combined_hash, provenance: recorded.provenance, exception_reason: recorded.exception_reason };
  const dependsOn = [...(request.dependsOn ?? [])];
  const chainFacts: Partial<RerunInfo> = request.chain ? { chained: true, depends_on: dependsOn } : {};
  const dependency = dependsOn.length > 0 ? [`--dependency=afterok:${dependsOn.join(':')}`] : [];
  // --timeout S is the job's time limit (SLURM counts whole minutes).
  const sbatch = run('sbatch', ['--parsable', `--job-name=clew-rerun-${recorded.session_id.slice(-12)}`, `--output=${path.join(dir, 'slurm.out')}`, `--time=${slurmTime(timeoutS)}`, `--chdir=${dir}`, ...dependency, ...slurm.sbatchArgs, scriptFile]);
  if (sbatch.status !== 0) {
    request.onSubmitted?.(null);
    return rerunResult(placeholder, 'unknown', [], { ...chainFacts, reason: `sbatch refused the job: ${(sbatch.stderr || sbatch.error?.message || '').trim()}`, executor: 'slurm', job_id: null, node: null, slurm_state: null });
  }
  const jobId = sbatch.stdout.trim().split(';')[0];
  request.onSubmitted?.(jobId);
  let info: JobInfo | undefined;
  let last = '';
  for (;;) {
    if (options.signal?.aborted) {
      run('scancel', [jobId]);
      return rerunResult(placeholder, 'unknown', [], { ...chainFacts, reason: `cancelled (job ${jobId} was cancelled with scancel)`, executor: 'slurm', job_id: jobId, node: info?.node ?? null, slurm_state: 'CANCELLED' });
    }
    info = jobInfo(jobId) ?? info;
    const state = info?.state ?? 'PENDING';
    if (state !== last) {
      last = state;
      onJob(jobId, state, info?.node ?? null);
    }
    if (FINISHED.has(state) || (!info && fs.existsSync(resultFile))) break;
    // afterok can never be met once a parent's job failed: SLURM would keep the job pending for ever.
    const blocked = state === 'PENDING' ? request.blockedBy?.() ?? (info?.reason === 'DependencyNeverSatisfied' ? 'a job it depends on did not succeed (DependencyNeverSatisfied)' : undefined) : undefined;
    if (blocked) {
      run('scancel', [jobId]);
      onJob(jobId, 'CANCELLED', null);
      return rerunResult(placeholder, 'unknown', [], { ...chainFacts, reason: `not run because ${blocked}; job ${jobId} was cancelled with scancel`, executor: 'slurm', job_id: jobId, node: null, slurm_state: 'CANCELLED' });
    }
    await sleep(slurm.pollMs ?? 1000, options.signal);
  }
  const state = info?.state ?? 'COMPLETED';
  const facts = { ...chainFacts, executor: 'slurm' as const, job_id: jobId, node: info?.node ?? null, slurm_state: state };
  if (state !== 'COMPLETED' || !fs.existsSync(resultFile)) {
    const why = state === 'COMPLETED' ? 'the job left no result' : `SLURM ended job ${jobId} as ${state}${info?.reason ? ` (${info.reason})` : ''}${state === 'TIMEOUT' ? ` after its time limit of ${slurmTime(timeoutS)} min (--timeout ${timeoutS})` : ''}`;
    const stderr = readTail(path.join(dir, 'stderr.txt'));
    return rerunResult(placeholder, 'unknown', [], { ...facts, reason: `${why}; the run was not verified${stderr ? ` — ${stderr}` : ''}` });
  }
  let parsed: RerunVerification | RerunVerification[];
  try {
    parsed = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as RerunVerification | RerunVerification[];
  } catch (err) {
    return rerunResult(placeholder, 'unknown', [], { ...facts, reason: `job ${jobId} wrote an unreadable result (${err instanceof Error ? err.message : String(err)})` });
  }
  const result = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!result || result.session_id !== recorded.session_id) return rerunResult(placeholder, 'unknown', [], { ...facts, reason: `job ${jobId} answered for another run` });
  result.rerun = { ...result.rerun, ...facts, recorded: false };
  return result;
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-1)[0]?.slice(0, 300) ?? '';
  } catch {
    return '';
  }
}
