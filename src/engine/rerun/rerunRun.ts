/**
 * Re-executes ONE recorded run in a sandbox and compares each recorded output with the rerun's,
 * by full recorded path (upstream compares basenames: spec §13.5).
 *
 * Order of checks (each first failure decides):
 *   nothing to run → unknown; script gone → missing (as upstream); no recorded outputs → unknown;
 *   recorded inputs or script changed since → unknown, refused (unless currentInputs: a what-if);
 *   skipUnchanged and fresh → verified at level cache, not executed;
 *   then run: could not start / timed out / cancelled → unknown; non-zero exit → mismatch (as
 *   upstream), with the outputs compared anyway so the report shows what it did produce.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashesMatch } from '../hash/sha256';
import type { FileHasher, HashOutcome } from '../hash/types';
import { replayInfoOf, resolveExecutable } from '../record/replayInfo';
import type { Store, StoreView } from '../store/types';
import type { FileRow, RunRow } from '../verify/rows';
import type { VerificationStatus } from '../verify/types';
import { execute } from './execute';
import { forgetSandboxProbe, prepareSandbox, type Sandbox } from './sandbox';
import type { DifferenceJudge, RerunFileResult, RerunInfo, RerunOptions, RerunVerification } from './types';
import { decideRunStatus } from '../verify/verdicts';

export const DEFAULT_RERUN_TIMEOUT_MS = 300_000;

/** What one rerun operation shares across its runs. */
export interface RerunEnvironment {
  store: Store;
  view: StoreView;
  hasher: FileHasher;
  /** Project root: sandbox anchor and base of equivalence globs. */
  projectRoot: string;
  options: RerunOptions;
  /** Lazily made copy of the store the children record into (SCITEX_CLEW_DB_PATH). */
  scratchStore?: Promise<string>;
  /** Folder holding scratch things for this operation (removed by the caller). */
  workDir: string;
}

export interface RunPlan {
  run: RunRow & { metadata?: string | null };
  inputs: FileRow[];
  outputs: FileRow[];
  /** chain mode: sandboxes of every ancestor, oldest first (their outputs replace the recorded ones). */
  underlays?: Sandbox[];
  /** chain mode: inputs the ancestors re-generate (not checked against the recorded hashes). */
  fedInputs?: ReadonlySet<string>;
  /** chain mode, copy sandbox: where each fed input's bytes are. */
  chainedFiles?: ReadonlyMap<string, string>;
  /** chain mode on SLURM: the ancestors' re-generated outputs their jobs left on the shared filesystem (null: not written). */
  staged?: ReadonlyMap<string, string | null>;
}

function emptyInfo(): RerunInfo {
  return { sandbox: null, command: null, cwd: null, exit_code: null, signal: null, timed_out: false, duration_ms: 0, reason: null, what_if: false, chained: false, recorded: false, kept: null, stdout_tail: '', stderr_tail: '', network: null, side_effects: [], side_effects_deleted: [] };
}

export function rerunResult(run: Pick<RunRow, 'session_id' | 'script_path' | 'combined_hash' | 'provenance' | 'exception_reason'>, status: VerificationStatus, files: RerunFileResult[], info: Partial<RerunInfo>, level: 'rerun' | 'cache' = 'rerun'): RerunVerification {
  return {
    session_id: run.session_id,
    script_path: run.script_path,
    status,
    files,
    combined_hash_expected: run.combined_hash,
    combined_hash_current: null,
    level,
    provenance: run.provenance ?? 'tracked',
    exception_reason: run.exception_reason ?? null,
    is_verified: status === 'verified',
    is_verified_from_scratch: status === 'verified' && level === 'rerun',
    rerun: { ...emptyInfo(), ...info },
  };
}

/** The interpreter for a run recorded by Python: --python, then rerun.python in the config, then python3, python. */
export function resolvePython(explicit: string | undefined, cwd: string): { path: string } | { problem: string } {
  const candidates = explicit ? [explicit] : ['python3', 'python'];
  for (const c of candidates) {
    const found = resolveExecutable(c, cwd);
    if (found) return { path: found };
  }
  return { problem: explicit ? `the Python interpreter '${explicit}' was not found or is not executable` : 'no Python interpreter found (tried python3 and python); pass --python PATH or set rerun.python in .scitex/clew/config.yaml' };
}

interface Command {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

function commandFor(plan: RunPlan, options: RerunOptions): Command | { status: VerificationStatus; reason: string } {
  const replay = replayInfoOf(plan.run.metadata);
  if (replay) {
    const program = replay.executable && fs.existsSync(replay.executable) ? replay.executable : replay.argv[0];
    return { argv: [program, ...replay.argv.slice(1)], cwd: replay.cwd, env: replay.env };
  }
  const script = plan.run.script_path;
  if (!script) return { status: 'unknown', reason: 'nothing to replay: no command was recorded and the run has no script path' };
  if (!fs.existsSync(script)) return { status: 'missing', reason: `the script ${script} no longer exists` };
  // Recorded by Python (@stx.session): replay as upstream does, `python <script>` in its folder.
  const python = resolvePython(options.python, path.dirname(script));
  if ('problem' in python) return { status: 'unknown', reason: python.problem };
  return { argv: [python.path, script], cwd: path.dirname(script), env: {} };
}

function changed(outcome: HashOutcome | undefined, expected: string): string | undefined {
  if (!outcome || outcome.kind === 'missing') return 'missing';
  if (outcome.kind === 'unreadable') return `unreadable (${outcome.error})`;
  return hashesMatch(expected, outcome.hash) ? undefined : 'changed';
}

function fileResult(row: { file_path: string; role: string; hash: string; frozen?: number }, current: string | null, status: VerificationStatus, extra: Partial<RerunFileResult> = {}): RerunFileResult {
  return { path: row.file_path, role: row.role, expected_hash: row.hash, current_hash: current, status, frozen: Boolean(row.frozen), is_verified: status === 'verified', ...extra };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Where kept rerun outputs go: outside the project, one folder per store and session. */
export function keptOutputsDir(dbPath: string, sessionId: string): string {
  const storeKey = createHash('sha256').update(dbPath).digest('hex').slice(0, 12);
  // One folder per user: a folder another user made first in a shared /tmp cannot be written.
  const owner = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return path.join(os.tmpdir(), `clew-rerun-outputs${owner}`, storeKey, sessionId.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

const EXPLAIN_LIMIT = 64 * 1024 * 1024;

async function compareOutput(env: RerunEnvironment, row: FileRow, rerunFile: string | undefined, current: HashOutcome | undefined, keepDir: string, judge: DifferenceJudge | undefined): Promise<RerunFileResult> {
  if (!rerunFile) return fileResult(row, null, 'missing', { explanation: { kind: 'missing', summary: 'the rerun did not write this file' } });
  const rerunHash = await sha256Of(rerunFile);
  if (hashesMatch(row.hash, rerunHash)) return fileResult(row, rerunHash, 'verified');
  // Keep the rerun's version for Show Difference (the sandbox itself is removed).
  fs.mkdirSync(keepDir, { recursive: true });
  const kept = path.join(keepDir, `${createHash('sha256').update(row.file_path).digest('hex').slice(0, 8)}-${path.basename(row.file_path)}`);
  fs.copyFileSync(rerunFile, kept);
  // The recorded bytes are only available while the user's file still hashes as recorded (and
  // is on disk: a member of an archive can't be read for a detailed comparison here).
  const recordedOnDisk = current?.kind === 'hash' && !current.archive && hashesMatch(row.hash, current.hash);
  if (!recordedOnDisk || !judge) {
    const why = recordedOnDisk ? '' : '; the recorded content is no longer on disk (the file changed since it was recorded), so only hashes can be compared';
    return fileResult(row, rerunHash, 'mismatch', { rerun_output: kept, explanation: { kind: 'hash', summary: `content differs (recorded ${row.hash.slice(0, 12)}…, rerun ${rerunHash.slice(0, 12)}…)${why}` } });
  }
  const sizes = [fs.statSync(row.file_path).size, fs.statSync(rerunFile).size];
  if (Math.max(...sizes) > EXPLAIN_LIMIT) {
    return fileResult(row, rerunHash, 'mismatch', { rerun_output: kept, explanation: { kind: 'binary', summary: `content differs (${sizes[0]} bytes recorded, ${sizes[1]} bytes rerun; too large to compare in detail)` } });
  }
  const recorded = fs.readFileSync(row.file_path);
  const rerun = fs.readFileSync(rerunFile);
  const relPath = path.relative(env.projectRoot, row.file_path).split(path.sep).join('/');
  const rule = judge.equivalent(relPath, recorded, rerun);
  if (rule) return fileResult(row, rerunHash, 'verified', { rerun_output: kept, equivalent_by: rule.rule, explanation: { kind: 'equivalent', summary: rule.note } });
  return fileResult(row, rerunHash, 'mismatch', { rerun_output: kept, explanation: judge.explain(row.file_path, recorded, rerun) });
}

function scratchStore(env: RerunEnvironment): Promise<string> {
  env.scratchStore ??= (async () => {
    const dest = path.join(env.workDir, 'store-template.db');
    if (fs.existsSync(env.store.dbPath)) await env.store.backup(dest);
    return dest;
  })();
  return env.scratchStore;
}

/** Re-executes one run. Never throws for a problem of the run itself: that is its verdict. */
export async function rerunOne(env: RerunEnvironment, plan: RunPlan): Promise<{ result: RerunVerification; sandbox?: Sandbox }> {
  const { run, inputs, outputs } = plan;
  const options = env.options;
  const chained = Boolean(plan.underlays ?? plan.staged);
  const command = commandFor(plan, options);
  if ('reason' in command) return { result: rerunResult(run, command.status, [], { reason: command.reason, chained }) };
  if (outputs.length === 0) return { result: rerunResult(run, 'unknown', [], { reason: 'the run recorded no outputs, so there is nothing to compare', chained }) };

  // The run must be replayed on its ORIGINAL inputs: check them (and the script) first.
  const checked = [...inputs.filter((f) => !plan.fedInputs?.has(f.file_path)), ...outputs];
  const scriptRow = run.script_path && run.script_hash ? { file_path: run.script_path, role: 'script', hash: run.script_hash, frozen: 0 } : undefined;
  const outcomes = await env.hasher.hashMany([...checked.map((f) => f.file_path), ...(scriptRow ? [scriptRow.file_path] : [])], { signal: options.signal });
  const stale = [...inputs.filter((f) => !plan.fedInputs?.has(f.file_path)), ...(scriptRow ? [scriptRow] : [])]
    .map((f) => ({ f, why: Boolean(f.frozen) ? undefined : changed(outcomes.get(f.file_path), f.hash) }))
    .filter((x) => x.why !== undefined);
  const whatIf = stale.length > 0 && Boolean(options.currentInputs);
  if (stale.length > 0 && !options.currentInputs) {
    const files = stale.map(({ f, why }) => fileResult(f, null, why === 'changed' ? 'mismatch' : 'missing'));
    const list = stale.map(({ f, why }) => `${f.role} ${f.file_path} ${why}`).join('; ');
    return { result: rerunResult(run, 'unknown', files, { reason: `not re-executed: its recorded ${stale.length === 1 ? 'input has' : 'inputs have'} changed since it was recorded (${list}); use --current-inputs for a what-if rerun on the current files`, chained }) };
  }
  if (options.skipUnchanged && stale.length === 0 && run.script_hash) {
    return { result: rerunResult(run, 'verified', [], { reason: 'skipped: script and inputs unchanged since recording (--skip-unchanged)', chained }, 'cache') };
  }

  const protect = [env.projectRoot, command.cwd, path.dirname(env.store.dbPath), ...(run.script_path ? [path.dirname(run.script_path)] : []), ...inputs.map((f) => path.dirname(f.file_path)), ...outputs.map((f) => path.dirname(f.file_path))];
  if (process.env.HOME) protect.push(process.env.HOME);
  // What the command needs to start must stay visible even when it lives in the private /tmp: the
  // program's folder, module paths, an activated virtualenv or conda environment.
  const childVars = { ...process.env, ...command.env };
  if (path.isAbsolute(command.argv[0])) protect.push(path.dirname(command.argv[0]));
  for (const p of (childVars.PYTHONPATH ?? '').split(path.delimiter)) if (path.isAbsolute(p)) protect.push(p);
  for (const v of ['VIRTUAL_ENV', 'CONDA_PREFIX']) if (childVars[v] && path.isAbsolute(childVars[v] as string)) protect.push(childVars[v] as string);
  const { sandbox, warning } = prepareSandbox(
    {
      protect,
      bring: [...(run.script_path ? [run.script_path] : []), ...inputs.map((f) => f.file_path)],
      bringFolder: run.script_path ? path.dirname(run.script_path) : undefined,
      outputs: outputs.map((f) => f.file_path),
      underlays: plan.underlays,
      chainedFiles: plan.chainedFiles,
      staged: plan.staged,
      network: options.network,
      argv: command.argv,
      cwd: command.cwd,
    },
    env.projectRoot,
  );
  if (warning) options.onEvent?.({ type: 'warning', message: warning });
  const template = await scratchStore(env);
  if (fs.existsSync(template)) fs.copyFileSync(template, sandbox.store.host);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...command.env, SCITEX_CLEW_DB_PATH: sandbox.store.inside, TMPDIR: sandbox.tmpInside };
  const executed = await execute({
    argv: sandbox.spawnArgv,
    cwd: sandbox.spawnCwd,
    env: childEnv,
    timeoutMs: options.timeoutMs ?? DEFAULT_RERUN_TIMEOUT_MS,
    signal: options.signal,
    onOutput: (chunk, stream) => options.onEvent?.({ type: 'output', session_id: run.session_id, stream, chunk }),
  });
  const info: Partial<RerunInfo> = {
    sandbox: sandbox.kind,
    command: command.argv,
    cwd: command.cwd,
    exit_code: executed.exitCode,
    signal: executed.signal,
    timed_out: executed.timedOut,
    duration_ms: executed.durationMs,
    what_if: whatIf,
    chained,
    stdout_tail: executed.stdoutTail,
    stderr_tail: executed.stderrTail,
    kept: options.keep ? sandbox.dir : null,
    network: sandbox.network,
    executor: 'local',
  };
  if (whatIf) info.reason = `what-if: re-executed on current inputs that differ from the recorded ones (${stale.map(({ f }) => f.file_path).join(', ')})`;
  const seconds = ((options.timeoutMs ?? DEFAULT_RERUN_TIMEOUT_MS) / 1000).toString();
  let early: { status: VerificationStatus; reason: string } | undefined;
  const sandboxFailure = executed.exitCode === 125 ? /clew-sandbox: (.*)/.exec(executed.stderrTail) : null;
  if (sandboxFailure) {
    // The cached probe said this machine can build the sandbox; it could not: probe again next time.
    forgetSandboxProbe();
    early = { status: 'unknown', reason: `the sandbox could not be built (${sandboxFailure[1].trim()}); nothing was executed` };
  } else if (executed.startError) early = { status: 'unknown', reason: `could not start ${command.argv[0]}: ${executed.startError}` };
  else if (executed.cancelled) early = { status: 'unknown', reason: 'cancelled' };
  else if (executed.timedOut) early = { status: 'unknown', reason: `timed out after ${seconds} s; every process of the run was killed` };
  else if (/Value too large for defined data type|EOVERFLOW/.test(executed.stderrTail) && sandbox.kind === 'userns-overlay') {
    early = { status: 'unknown', reason: 'the unprivileged sandbox could not copy up a file owned by another user (EOVERFLOW); run as root or with files you own' };
  }
  if (early) return { result: rerunResult(run, early.status, [], { ...info, reason: early.reason }), sandbox };

  const keepDir = keptOutputsDir(env.store.dbPath, run.session_id);
  fs.rmSync(keepDir, { recursive: true, force: true });
  const files: RerunFileResult[] = [];
  for (const row of outputs) files.push(await compareOutput(env, row, sandbox.resultOf(row.file_path), outcomes.get(row.file_path), keepDir, options.judge));
  const effects = sandbox.sideEffects(outputs.map((f) => f.file_path));
  info.side_effects = effects.written;
  info.side_effects_deleted = effects.deleted;
  if (executed.exitCode !== 0) {
    const how = executed.signal ? `was killed by ${executed.signal}` : `exited with code ${executed.exitCode}`;
    const offline = sandbox.network ? '' : '; the network was off in the sandbox (--network lets a rerun reach it)';
    return { result: rerunResult(run, 'mismatch', files, { ...info, reason: `the script failed: it ${how}${executed.stderrTail ? ` — ${lastLine(executed.stderrTail)}` : ''}${offline}` }), sandbox };
  }
  return { result: rerunResult(run, decideRunStatus(files, false), files, info), sandbox };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1].slice(0, 300);
}
