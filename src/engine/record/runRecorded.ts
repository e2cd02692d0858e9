/**
 * Runs a command as one recorded session (`clew record`): start the session, run the command with
 * inherited stdio (signals forwarded), then record declared and captured files and close the
 * session as success (exit 0) or failed (anything else, including death by signal).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ClewError } from '../errors';
import type { Store } from '../store/types';
import { resolvePath } from '../util/paths';
import { localIsoNow } from '../util/time';
import { changedFiles, filterProjectFiles, parseStraceLog, snapshotTree, straceArgs } from './capture';
import { chooseCapture } from './captureChoice';
import { InputPrehasher } from './prehash';
import { parsePreloadLog } from './preload';
import { replayInfoFor, resolveExecutable } from './replayInfo';
import { RecordingSession } from './session';

const INTERPRETERS = /^(python[0-9.]*|node|bash|sh|zsh|dash|Rscript|julia|perl|ruby|deno|bun)$/;

/** The script a command runs: `python3 x.py` → x.py, `./run.sh` → run.sh; undefined if none. */
export function detectScript(argv: readonly string[], cwd: string): string | undefined {
  const [program, ...args] = argv;
  if (program === undefined) return undefined;
  if (INTERPRETERS.test(path.basename(program))) {
    const candidate = args.find((a) => !a.startsWith('-'));
    if (candidate && args.indexOf(candidate) === args.findIndex((a) => !a.startsWith('-')) && isFile(path.resolve(cwd, candidate))) {
      return path.resolve(cwd, candidate);
    }
    return undefined;
  }
  return program.includes('/') && isFile(path.resolve(cwd, program)) ? path.resolve(cwd, program) : undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export interface RecordRequest {
  store: Store;
  command: readonly string[];
  cwd: string;
  projectRoot: string;
  inputs?: readonly string[];
  outputs?: readonly string[];
  script?: string;
  sessionId?: string;
  /** Capture files automatically (default: only when nothing is declared). */
  autoCapture?: boolean;
  /** Kill the command after this many ms (0 = never). */
  timeoutMs?: number;
  /** Environment the command runs with (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** A store that moved: the old forms of a current path (SessionStartOptions.recordedForms). */
  recordedForms?(absPath: string): string[];
  onNotice?(message: string): void;
}

export interface RecordResult {
  sessionId: string;
  exitCode: number;
  status: 'success' | 'failed';
  inputs: string[];
  outputs: string[];
  script: string | undefined;
  capture: 'preload' | 'strace' | 'tree-diff' | 'declared';
  /** Why this capture was used (a fallback says what ruled out the faster one). */
  captureReason?: string;
}

function runChild(argv: readonly string[], cwd: string, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: 'inherit', ...(env ? { env } : {}) });
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

/** True when `program` names an executable file (directly, or found on PATH). */
export function isRunnable(program: string, cwd: string, envPath = process.env.PATH ?? ''): boolean {
  return resolveExecutable(program, cwd, envPath) !== null;
}

export async function runRecorded(request: RecordRequest): Promise<RecordResult> {
  if (request.command.length === 0) throw new ClewError('usage', 'no command given (usage: clew record [options] -- CMD ARGS…)');
  if (!isRunnable(request.command[0], request.cwd)) {
    throw new ClewError('not-found', `cannot run '${request.command[0]}': not an executable file or not on PATH (nothing recorded)`);
  }
  const declared = (request.inputs?.length ?? 0) + (request.outputs?.length ?? 0) > 0;
  const auto = request.autoCapture ?? !declared;
  const script = request.script ? resolvePath(request.script, request.cwd) : detectScript(request.command, request.cwd);
  const env = request.env ?? process.env;
  // What a rerun needs to replay this exact command (argv, cwd, interpreter, selected env).
  const metadata = { clew: replayInfoFor(request.command, request.cwd, env) };
  const choice = auto ? chooseCapture(request.command, request.cwd, env) : undefined;
  const timeoutMs = request.timeoutMs ?? 0;
  const root = resolvePath(request.projectRoot);
  const exclude = new Set<string>([script ?? '', request.store.dbPath]);
  // The session row is written while the command runs: reading the store, loading SQLite and
  // starting the writer process overlap the command instead of delaying it (docs/recording.md).
  // Declared inputs are hashed before the command runs, so then the session comes first.
  const startedAt = localIsoNow();
  const sessionStart = RecordingSession.start(request.store, { sessionId: request.sessionId, scriptPath: script, cwd: request.cwd, metadata, startedAt, ...(request.recordedForms ? { recordedForms: request.recordedForms } : {}) });
  if ((request.inputs?.length ?? 0) > 0) {
    const session = await sessionStart;
    for (const input of request.inputs ?? []) {
      if (!(await session.recordInput(input))) request.onNotice?.(`declared input not found, not recorded: ${input}`);
    }
  }
  // Nothing may stay unhandled while the command runs; the failure is reported after it.
  sessionStart.catch(() => undefined);

  let exitCode: number;
  let captured: { inputs: string[]; outputs: string[] } = { inputs: [], outputs: [] };
  let prehasher: InputPrehasher | undefined;
  if (choice?.kind === 'preload' || choice?.kind === 'strace') {
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), `clew-${choice.kind}-`));
    const logFile = path.join(logDir, 'capture.log');
    try {
      if (choice.kind === 'preload') {
        const preload = env.LD_PRELOAD ? `${choice.library}:${env.LD_PRELOAD}` : choice.library;
        prehasher = new InputPrehasher(logFile, root);
        try {
          exitCode = await runChild(request.command, request.cwd, timeoutMs, { ...env, LD_PRELOAD: preload, CLEW_PRELOAD_LOG: logFile });
        } finally {
          prehasher.stop();
        }
      } else {
        if (env.CLEW_CAPTURE?.trim().toLowerCase() !== 'strace') request.onNotice?.(`capturing with strace: ${choice.reason}`);
        exitCode = await runChild(['strace', ...straceArgs(logFile), ...request.command], request.cwd, timeoutMs, request.env);
      }
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile) : Buffer.alloc(0);
      const parsed = choice.kind === 'preload' ? parsePreloadLog(log) : parseStraceLog(log.toString('utf8'), request.cwd);
      captured = { inputs: filterProjectFiles(parsed.inputs, root, exclude), outputs: filterProjectFiles(parsed.outputs, root, exclude) };
    } finally {
      fs.rmSync(logDir, { recursive: true, force: true });
    }
  } else if (choice?.kind === 'tree-diff') {
    request.onNotice?.(`${choice.reason}: recording changed files as outputs only (declare inputs with --input)`);
    const before = snapshotTree(root);
    exitCode = await runChild(request.command, request.cwd, timeoutMs, request.env);
    captured = { inputs: [], outputs: filterProjectFiles(changedFiles(before, snapshotTree(root)), root, exclude) };
  } else {
    exitCode = await runChild(request.command, request.cwd, timeoutMs, request.env);
  }
  let session: RecordingSession;
  try {
    session = await sessionStart;
  } catch (err) {
    if (err instanceof ClewError) throw new ClewError(err.code, `${err.message} (the command ran and exited ${exitCode}; nothing was recorded)`, { cause: err });
    throw err;
  }
  await session.recordInputs(captured.inputs, prehasher ? (f) => prehasher?.valid(f) : undefined);
  for (const output of request.outputs ?? []) {
    if (!(await session.recordOutput(output))) request.onNotice?.(`declared output not found, not recorded: ${output}`);
  }
  await session.recordOutputs(captured.outputs);
  const status = exitCode === 0 ? 'success' : 'failed';
  await session.close(status, exitCode);
  return {
    sessionId: session.sessionId,
    exitCode,
    status,
    inputs: [...session.recordedInputs.keys()],
    outputs: [...session.recordedOutputs.keys()],
    script,
    capture: choice?.kind ?? 'declared',
    ...(choice ? { captureReason: choice.reason } : {}),
  };
}
