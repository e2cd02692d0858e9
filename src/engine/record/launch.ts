/**
 * Starting the command of a `clew record`, with its capture, apart from recording it: the CLI's
 * small entry (src/cli/bin.ts) starts the command before it loads the rest of Clew, so loading the
 * full CLI, opening the store and starting the writer overlap the command instead of delaying it
 * (docs/recording.md). runRecorded uses the same function when it starts the command itself.
 *
 * Contracts: the command runs with inherited stdio; SIGINT/SIGTERM/SIGHUP are forwarded to it
 * while it runs; `finish()` waits for it and returns what the capture saw, and always removes the
 * capture's temporary log.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClewError } from '../errors';
import { lazyChildProcess } from '../util/lazyBuiltins';
import { localIsoNow } from '../util/time';
import { changedFiles, filterProjectFiles, parseStraceLog, snapshotTree, straceArgs } from './capture';
import type { CaptureChoice } from './captureChoice';
import { InputPrehasher } from './prehash';

export interface LaunchRequest {
  command: readonly string[];
  cwd: string;
  /** The project root (resolved): captured files are kept only below it. */
  root: string;
  /** The automatic capture to use, or undefined for none (declared files only). */
  choice: CaptureChoice | undefined;
  /** Kill the command after this many ms (0 = never). */
  timeoutMs: number;
  /** Environment the command runs with (default: this process's). */
  env?: NodeJS.ProcessEnv;
  onNotice?(message: string): void;
  /**
   * Lower this process's CPU priority once the command runs (a CLI that exits afterwards): the
   * hashing and writing done meanwhile then take only CPU the command leaves idle, so on a small or
   * busy machine the step itself is not slowed by its own recording. Never for a long-lived host.
   */
  yieldCpu?: boolean;
}

export interface LaunchOutcome {
  exitCode: number;
  /** Files read and written below the root, resolved (empty without a capture). */
  captured: { inputs: string[]; outputs: string[] };
  /** The pre-hashes of inputs (preload capture only), checked before use (prehash.ts). */
  prehasher: InputPrehasher | undefined;
}

export interface LaunchedCommand {
  /** When the command was started, as upstream writes started_at. */
  readonly startedAt: string;
  readonly choice: CaptureChoice | undefined;
  /** Waits for the command; `exclude` are files never recorded (the script, the store). Called once; later calls answer the first's outcome. */
  finish(exclude: ReadonlySet<string>): Promise<LaunchOutcome>;
  /** finish() was called (its caller owns any failure that follows). */
  readonly finishing: boolean;
  /** The interposer's pre-hasher while the command runs (preload capture only): inputs seen so far. */
  readonly live: InputPrehasher | undefined;
}

/** finish() once: the log is read and removed by the first call only. */
function once(startedAt: string, choice: CaptureChoice | undefined, finish: (exclude: ReadonlySet<string>) => Promise<LaunchOutcome>, live?: InputPrehasher): LaunchedCommand {
  let outcome: Promise<LaunchOutcome> | undefined;
  return {
    startedAt,
    choice,
    live,
    finish: (exclude) => (outcome ??= finish(exclude)),
    get finishing() {
      return outcome !== undefined;
    },
  };
}

function runChild(argv: readonly string[], cwd: string, timeoutMs: number, env: NodeJS.ProcessEnv | undefined, yieldCpu: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = lazyChildProcess().spawn(argv[0], argv.slice(1), { cwd, stdio: 'inherit', ...(env ? { env } : {}) });
    // After the spawn, so the command keeps the priority it was started with; threads and the
    // writer started from here on inherit the lower one.
    if (yieldCpu) {
      try {
        os.setPriority(Math.min(19, os.getPriority() + 10));
      } catch {
        // not allowed here: recording just competes as before
      }
    }
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const timer = timeoutMs > 0 ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    const done = () => {
      if (timer) clearTimeout(timer);
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.on('error', (err) => {
      done();
      reject(new ClewError('not-found', `cannot run '${argv[0]}': ${err.message}`));
    });
    child.on('close', (code, signal) => {
      done();
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

/** Starts the command now, under its capture; the caller records it after `finish()`. */
export function launchRecorded(request: LaunchRequest): LaunchedCommand {
  const { command, cwd, root, choice, timeoutMs } = request;
  const env = request.env ?? process.env;
  const startedAt = localIsoNow();
  const none = { inputs: [], outputs: [] };
  if (choice?.kind === 'preload' || choice?.kind === 'strace') {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `clew-${choice.kind}-`));
    const logFile = path.join(logDir, 'capture.log');
    let prehasher: InputPrehasher | undefined;
    let exit: Promise<number>;
    if (choice.kind === 'preload') {
      const preload = env.LD_PRELOAD ? `${choice.library}:${env.LD_PRELOAD}` : choice.library;
      prehasher = new InputPrehasher(logFile, root);
      exit = runChild(command, cwd, timeoutMs, { ...env, LD_PRELOAD: preload, CLEW_PRELOAD_LOG: logFile }, request.yieldCpu === true);
    } else {
      if (env.CLEW_CAPTURE?.trim().toLowerCase() !== 'strace') request.onNotice?.(`capturing with strace: ${choice.reason}`);
      exit = runChild(['strace', ...straceArgs(logFile), ...command], cwd, timeoutMs, request.env, request.yieldCpu === true);
    }
    // Nothing may stay unhandled before finish() is awaited; its failure is thrown there.
    exit.catch(() => undefined);
    return once(startedAt, choice, async (exclude) => {
      try {
        let exitCode: number;
        try {
          exitCode = await exit;
        } finally {
          prehasher?.stop();
        }
        // The interposer's log was parsed while it grew; strace's is parsed now.
        const parsed = prehasher ? prehasher.finish() : parseStraceLog(fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '', cwd);
        return { exitCode, captured: { inputs: filterProjectFiles(parsed.inputs, root, exclude), outputs: filterProjectFiles(parsed.outputs, root, exclude) }, prehasher };
      } finally {
        fs.rmSync(logDir, { recursive: true, force: true });
      }
    }, prehasher);
  }
  if (choice?.kind === 'tree-diff') {
    request.onNotice?.(`${choice.reason}: recording changed files as outputs only (declare inputs with --input)`);
    const before = snapshotTree(root);
    const exit = runChild(command, cwd, timeoutMs, request.env, request.yieldCpu === true);
    exit.catch(() => undefined);
    return once(startedAt, choice, async (exclude) => {
      const exitCode = await exit;
      return { exitCode, captured: { inputs: [], outputs: filterProjectFiles(changedFiles(before, snapshotTree(root)), root, exclude) }, prehasher: undefined };
    });
  }
  const exit = runChild(command, cwd, timeoutMs, request.env, request.yieldCpu === true);
  exit.catch(() => undefined);
  return once(startedAt, choice, async () => ({ exitCode: await exit, captured: none, prehasher: undefined }));
}
