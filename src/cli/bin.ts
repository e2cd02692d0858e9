/**
 * dist/cli.js, the `clew` executable. A warm `clew status` (nothing changed since the last one)
 * is answered here from the snapshot beside the store; everything else loads the full CLI
 * (dist/cliMain.js, with sql.js and every command) only then, because parsing that 1.6 MB bundle
 * alone costs more than the whole warm answer.
 */
import * as path from 'node:path';
import { locateStore } from '../engine/store/locate';
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
  // A runtime path, so esbuild keeps the full CLI in its own bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const full = require(path.join(__dirname, 'cliMain.js')) as { runCli(argv: string[], io: CliIo, handoff?: CliHandoff): Promise<number> };
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
  void runCli(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
