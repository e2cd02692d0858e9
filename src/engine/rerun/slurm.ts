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
import type { RerunOptions, RerunVerification } from './types';

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

/** SLURM's time limit from seconds: minutes:seconds, rounded up to a whole minute (SLURM's granularity). */
export function slurmTime(seconds: number): string {
  return String(Math.max(1, Math.ceil(seconds / 60)));
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
export async function rerunOnSlurm(plan: RunPlan, dbPath: string, jobsDir: string, options: RerunOptions, slurm: SlurmSettings, onJob: (jobId: string, state: string, node: string | null) => void): Promise<RerunVerification> {
  const { run: recorded } = plan;
  const dir = path.join(jobsDir, recorded.session_id.replace(/[^A-Za-z0-9_.-]/g, '_'));
  fs.mkdirSync(dir, { recursive: true });
  const resultFile = path.join(dir, 'result.json');
  fs.rmSync(resultFile, { force: true });
  const timeoutS = Math.ceil((options.timeoutMs ?? 300_000) / 1000);
  const args = ['--db', dbPath, 'rerun', recorded.session_id, '--json', '--no-record', '--timeout', String(timeoutS)];
  if (options.network) args.push('--network');
  if (options.currentInputs) args.push('--current-inputs');
  if (options.skipUnchanged) args.push('--skip-unchanged');
  if (options.python) args.push('--python', options.python);
  // The job always exits 0 once it has written its answer: a mismatch is a verdict, not a job failure.
  // ELECTRON_RUN_AS_NODE: when the editor submits, its runtime is Electron's, which then acts as Node.
  const script = ['#!/bin/sh', `ELECTRON_RUN_AS_NODE=1 ${[process.execPath, slurm.cliPath, ...args].map(shellQuote).join(' ')} > ${shellQuote(resultFile)}.part 2> ${shellQuote(path.join(dir, 'stderr.txt'))}`, `mv ${shellQuote(resultFile)}.part ${shellQuote(resultFile)}`, 'exit 0', ''].join('\n');
  const scriptFile = path.join(dir, 'job.sh');
  fs.writeFileSync(scriptFile, script, { mode: 0o755 });
  const placeholder = { session_id: recorded.session_id, script_path: recorded.script_path, combined_hash: recorded.combined_hash, provenance: recorded.provenance, exception_reason: recorded.exception_reason };
  // The node-side rerun has its own timeout; SLURM's limit is the same, rounded up to minutes, plus one for start-up.
  const sbatch = run('sbatch', ['--parsable', `--job-name=clew-rerun-${recorded.session_id.slice(-12)}`, `--output=${path.join(dir, 'slurm.out')}`, `--time=${slurmTime(timeoutS + 60)}`, `--chdir=${dir}`, ...slurm.sbatchArgs, scriptFile]);
  if (sbatch.status !== 0) return rerunResult(placeholder, 'unknown', [], { reason: `sbatch refused the job: ${(sbatch.stderr || sbatch.error?.message || '').trim()}`, executor: 'slurm', job_id: null, node: null, slurm_state: null });
  const jobId = sbatch.stdout.trim().split(';')[0];
  let info: JobInfo | undefined;
  let last = '';
  for (;;) {
    if (options.signal?.aborted) {
      run('scancel', [jobId]);
      return rerunResult(placeholder, 'unknown', [], { reason: `cancelled (job ${jobId} was cancelled with scancel)`, executor: 'slurm', job_id: jobId, node: info?.node ?? null, slurm_state: 'CANCELLED' });
    }
    info = jobInfo(jobId) ?? info;
    const state = info?.state ?? 'PENDING';
    if (state !== last) {
      last = state;
      onJob(jobId, state, info?.node ?? null);
    }
    if (FINISHED.has(state) || (!info && fs.existsSync(resultFile))) break;
    await sleep(slurm.pollMs ?? 1000, options.signal);
  }
  const state = info?.state ?? 'COMPLETED';
  const facts = { executor: 'slurm' as const, job_id: jobId, node: info?.node ?? null, slurm_state: state };
  if (state !== 'COMPLETED' || !fs.existsSync(resultFile)) {
    const why = state === 'COMPLETED' ? 'the job left no result' : `SLURM ended job ${jobId} as ${state}${info?.reason ? ` (${info.reason})` : ''}`;
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
