/**
 * dist/cli.js, the `clew` executable. A warm `clew status` (nothing changed since the last one)
 * is answered here from the snapshot beside the store; everything else loads the full CLI
 * (dist/cliMain.js, with sql.js and every command) only then, because parsing that 1.6 MB bundle
 * alone costs more than the whole warm answer.
 */
import * as path from 'node:path';
import { launchRecorded, type LaunchedCommand } from '../engine/record/launch';
import { captureFor, isRunnable } from '../engine/record/runRecorded';
import { locateStore } from '../engine/store/locate';
import { resolvePath } from '../engine/util/paths';
import { parseRecordArgv } from './commands/recordArgs';
import { extractGlobals } from './globals';
import { answerRehash, startRehash } from './commands/statusRehash';
import { tryWarmStatus } from './commands/statusWarm';
import { processIo } from './io';
import type { CliHandoff, CliIo } from './types';

interface WarmArgs {
  db?: string;
  json: boolean;
  limit: number;
  rehash: boolean;
}

/** Only the plain forms of `clew [--db P] [--json] status [--json] [--limit N] [--rehash]`; anything else goes the full way. */
export function warmArgs(argv: readonly string[]): WarmArgs | undefined {
  const args: WarmArgs = { json: false, limit: 1000, rehash: false };
  let command = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--db' && i + 1 < argv.length) args.db = argv[++i];
    else if (a.startsWith('--db=')) args.db = a.slice(5);
    else if (a === 'status' && !command) command = true;
    else if (command && a === '--rehash') args.rehash = true;
    else if (command && (a === '--limit' || a.startsWith('--limit='))) {
      const value = a === '--limit' ? argv[++i] : a.slice(8);
      if (value === undefined || !/^[0-9]+$/.test(value)) return undefined;
      args.limit = Number(value);
    } else return undefined;
  }
  return command ? args : undefined;
}

/**
 * `clew record` without declared inputs: its command is started here, before the full CLI (1.8 MB
 * to parse), the store and the writer load, which then overlap it (docs/recording.md). Anything
 * unusual (a usage error, a command that cannot run, a store that cannot be located) starts
 * nothing: the full CLI then reports it exactly as without this shortcut.
 */
export function launchEarly(argv: readonly string[], io: CliIo): LaunchedCommand | undefined {
  try {
    const { globals, rest } = extractGlobals([...argv]);
    const [name, ...commandArgv] = rest;
    if (name !== 'record') return undefined;
    const own = commandArgv.includes('--') ? commandArgv.slice(0, commandArgv.indexOf('--')) : commandArgv;
    if (own.includes('--help') || own.includes('-h')) return undefined;
    const { values, cmd, timeoutMs } = parseRecordArgv(commandArgv);
    if ((values.input?.length ?? 0) > 0) return undefined;
    if (!isRunnable(cmd[0], io.cwd, io.env.PATH ?? '')) return undefined;
    const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
    const choice = captureFor({ command: cmd, cwd: io.cwd, env: io.env, autoCapture: values.auto ? true : undefined, outputs: values.output });
    return launchRecorded({ command: cmd, cwd: io.cwd, root: resolvePath(located.projectRoot), choice, timeoutMs, yieldCpu: true, onNotice: (m) => io.err(`clew: ${m}`) });
  } catch {
    return undefined;
  }
}

/** `clew … record …`: the first word that is not a global option. */
function recordsAStep(argv: readonly string[]): boolean {
  try {
    return extractGlobals([...argv]).rest[0] === 'record';
  } catch {
    return false;
  }
}

/** What `clew` runs, exported for callers that require dist/cli.js (tests) without a process start. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const warm = warmArgs(argv);
  const handoff: CliHandoff = {};
  if (warm) {
    let code: number | undefined;
    try {
      const req = { dbPath: locateStore({ explicit: warm.db, cwd: io.cwd, env: io.env }).dbPath, limit: warm.limit };
      if (!warm.rehash) code = await tryWarmStatus(req, warm.json, io);
      else {
        // Hashing starts now, before the full CLI and sql.js load (statusRehash.ts).
        handoff.rehash = startRehash(req);
        if (handoff.rehash) code = await answerRehash(req, handoff.rehash, warm.json, io);
        if (code !== undefined) await handoff.rehash?.dispose();
      }
    } catch {
      code = undefined;
    }
    if (code !== undefined) return code;
  }
  const launched = warm ? undefined : launchEarly(argv, io);
  if (launched) handoff.record = launched;
  // A runtime path, so esbuild keeps the full CLI in its own bundle; `record` loads only itself
  // (recordMain.js), a third of the full CLI (docs/recording.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const full = require(path.join(__dirname, recordsAStep(argv) ? 'recordMain.js' : 'cliMain.js')) as { runCli(argv: string[], io: CliIo, handoff?: CliHandoff): Promise<number> };
  try {
    return await full.runCli(argv, io, handoff);
  } finally {
    await handoff.rehash?.dispose();
  }
}

/** bin/clew moves NODE_EXTRA_CA_CERTS aside for `status` (why: see there); whatever clew starts gets it back. */
export function restoreMovedEnv(env: NodeJS.ProcessEnv): void {
  const moved = env.CLEW_MOVED_NODE_EXTRA_CA_CERTS;
  if (moved === undefined) return;
  env.NODE_EXTRA_CA_CERTS ??= moved;
  delete env.CLEW_MOVED_NODE_EXTRA_CA_CERTS;
}

if (require.main === module) {
  restoreMovedEnv(process.env);
  const argv = process.argv.slice(2);
  void runCli(argv, processIo()).then((code) => {
    process.exitCode = code;
    // A recorded step returns as soon as it is recorded: tearing down the loaded CLI and SQLite
    // costs 20-50 ms more than exiting (docs/recording.md). Output is already written: stdout and
    // stderr are synchronous for files, pipes and terminals on POSIX.
    if (process.platform !== 'win32' && recordsAStep(argv)) process.exit(code);
  });
}
