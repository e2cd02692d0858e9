/**
 * Runs a command as one recorded session (`clew record`): start the session, run the command with
 * inherited stdio (signals forwarded), then record declared and captured files and close the
 * session as success (exit 0) or failed (anything else, including death by signal).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../errors';
import type { SchemaFacts } from '../store/schemaFacts';
import type { Store } from '../store/types';
import { resolvePath } from '../util/paths';
import { localIsoNow } from '../util/time';
import { chooseCapture, type CaptureChoice } from './captureChoice';
import { launchRecorded, type LaunchedCommand } from './launch';
import { LiveInputWriter } from './liveInputs';
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
  /** The store's schema when the caller asked the writer for it (store/schemaFacts.ts); undefined: read a snapshot. */
  schema?: Promise<SchemaFacts | undefined>;
  /** The command already started by the caller (launch.ts) under `captureFor(request)`; only without declared inputs. */
  launched?: LaunchedCommand;
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

/** True when `program` names an executable file (directly, or found on PATH). */
export function isRunnable(program: string, cwd: string, envPath = process.env.PATH ?? ''): boolean {
  return resolveExecutable(program, cwd, envPath) !== null;
}

export async function runRecorded(request: RecordRequest): Promise<RecordResult> {
  if (request.command.length === 0) throw new ClewError('usage', 'no command given (usage: clew record [options] -- CMD ARGS…)');
  const hasInputs = (request.inputs?.length ?? 0) > 0;
  if (request.launched && hasInputs) throw new ClewError('usage', 'declared inputs are hashed before the command starts: it must not be started already');
  if (!request.launched && !isRunnable(request.command[0], request.cwd)) {
    throw new ClewError('not-found', `cannot run '${request.command[0]}': not an executable file or not on PATH (nothing recorded)`);
  }
  const script = request.script ? resolvePath(request.script, request.cwd) : detectScript(request.command, request.cwd);
  const env = request.env ?? process.env;
  // What a rerun needs to replay this exact command (argv, cwd, interpreter, selected env).
  const metadata = { clew: replayInfoFor(request.command, request.cwd, env) };
  const root = resolvePath(request.projectRoot);
  const exclude = new Set<string>([script ?? '', request.store.dbPath]);
  // The session row is written while the command runs: reading the store, loading SQLite and
  // starting the writer process overlap the command instead of delaying it (docs/recording.md).
  // Declared inputs are hashed before the command runs, so then the session comes first.
  const launch = () => request.launched ?? launchRecorded({ command: request.command, cwd: request.cwd, root, choice: captureFor(request), timeoutMs: request.timeoutMs ?? 0, ...(request.env ? { env: request.env } : {}), ...(request.onNotice ? { onNotice: request.onNotice } : {}) });
  let launched = hasInputs ? undefined : launch();
  const startedAt = launched?.startedAt ?? localIsoNow();
  const startOptions = { sessionId: request.sessionId, scriptPath: script, cwd: request.cwd, metadata, startedAt, ...(request.recordedForms ? { recordedForms: request.recordedForms } : {}) };
  const sessionStart = (request.schema ?? Promise.resolve(undefined)).then((schema) => RecordingSession.start(request.store, { ...startOptions, ...(schema ? { schema } : {}) }));
  if (hasInputs) {
    const session = await sessionStart;
    for (const input of request.inputs ?? []) {
      if (!(await session.recordInput(input))) request.onNotice?.(`declared input not found, not recorded: ${input}`);
    }
    launched = launch();
  }
  // Nothing may stay unhandled while the command runs; the failure is reported after it.
  sessionStart.catch(() => undefined);
  // Inputs are written as the command reads them, once the session row exists (liveInputs.ts).
  const live = (launched as LaunchedCommand).live;
  const liveWriter = live ? sessionStart.then((s) => new LiveInputWriter(s, live, exclude), () => undefined) : Promise.resolve(undefined);
  const { exitCode, captured, prehasher } = await (launched as LaunchedCommand).finish(exclude);
  const ran = (err: unknown): unknown =>
    err instanceof ClewError ? new ClewError(err.code, `${err.message} (the command ran and exited ${exitCode}; nothing was recorded)`, { cause: err }) : err;
  let session: RecordingSession;
  try {
    session = await sessionStart;
  } catch (err) {
    throw ran(err);
  }
  const writer = await liveWriter;
  try {
    await writer?.stop();
  } catch (err) {
    if (!(err instanceof ClewError)) throw err;
    throw new ClewError(err.code, `${err.message} (the command ran and exited ${exitCode}; session ${session.sessionId} stays incomplete, 'running')`, { cause: err });
  }
  const known = prehasher ? (f: string) => prehasher.valid(f) : undefined;
  if (writer) {
    // What the final capture says, against what was written while it ran.
    const final = new Set(captured.inputs);
    const stale: string[] = [];
    const retract: string[] = [];
    for (const [real, opened] of writer.written) {
      if (!final.has(real)) retract.push(real);
      else if (!prehasher?.valid(opened)) stale.push(real);
    }
    session.forgetInputs(stale);
  await session.recordInputs(captured.inputs, known, true);
    await session.retractInputs(retract);
  } else await session.recordInputs(captured.inputs, known, true);
  for (const output of request.outputs ?? []) {
    if (!(await session.recordOutput(output))) request.onNotice?.(`declared output not found, not recorded: ${output}`);
  }
  const status = exitCode === 0 ? 'success' : 'failed';
  await session.recordOutputs(captured.outputs, true, { status, exitCode });
  const choice = (launched as LaunchedCommand).choice;
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

/** The automatic capture a request asks for: by default only when it declares no files. */
export function captureFor(request: Pick<RecordRequest, 'inputs' | 'outputs' | 'autoCapture' | 'command' | 'cwd' | 'env'>): CaptureChoice | undefined {
  const declared = (request.inputs?.length ?? 0) + (request.outputs?.length ?? 0) > 0;
  const auto = request.autoCapture ?? !declared;
  return auto ? chooseCapture(request.command, request.cwd, request.env ?? process.env) : undefined;
}
