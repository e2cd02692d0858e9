/** `clew status`: git-status-like overview of the newest runs. */
import { pendingNotice } from '../../engine/cluster/ingest';
import { checkMultiHost } from '../../engine/cluster/multiHost';
import { storeNetworkFsType } from '../../engine/cluster/networkFs';
import { prefetchedHasher } from '../../engine/hash/prefetchedHasher';
import { locateStore } from '../../engine/store/locate';
import { openStore } from '../../engine/store/open';
import type { StoreView } from '../../engine/store/types';
import { verifyStatus } from '../../engine/verify';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { renderStatusJson, renderStatusText, statusExitCode } from '../render/statusReport';
import type { CliCommand } from '../types';
import { beginWarmRecording, tryWarmStatus } from './statusWarm';

/** One stderr line when several hosts wrote a network-filesystem store directly (multiHost.ts). */
function warnMultiHost(view: StoreView, io: { err(line: string): void }): void {
  const warning = checkMultiHost(view);
  if (warning) io.err(`clew: warning: ${warning.message}`);
}

/**
 * The warm path reads no store; only on a network filesystem (where the warning can apply) is one
 * snapshot taken for the hosts, so a local store keeps its fast answer.
 */
async function warnMultiHostWarm(dbPath: string, io: { err(line: string): void }): Promise<void> {
  if (!storeNetworkFsType(dbPath)) return;
  try {
    const store = await openStore(dbPath, { readOnly: true });
    try {
      warnMultiHost(await store.snapshot(), io);
    } finally {
      await store.close();
    }
  } catch {
    // a store that cannot be read here is reported by the commands that need it
  }
}

const USAGE = `Usage: clew status [--rehash] [--limit N] [--json]

Verifies the newest runs (default 1000) and lists runs whose files changed or went missing.
Hashes come from Clew's stat cache for files whose size, mtime, ctime and inode are unchanged;
--rehash re-reads every byte. Exit: 0 all verified, 12 a mismatch, 11 missing files, 10 other.`;

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show which recorded files changed or went missing',
  usage: USAGE,
  async run(argv, globals, io, handoff) {
    const { values } = parseCommandArgs(argv, { rehash: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' } }, USAGE);
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    const asJson = Boolean(globals.json || values.json);
    // Warm path (statusWarm.ts): same answer without reading the store when nothing changed.
    const warm = { dbPath: locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env }).dbPath, limit };
    if (!values.rehash) {
      const code = await tryWarmStatus(warm, asJson, io);
      if (code !== undefined) {
        // The warm path skips withStore, which otherwise gives this note.
        const waiting = pendingNotice(warm.dbPath);
        if (waiting) io.err(`clew: ${waiting}`);
        await warnMultiHostWarm(warm.dbPath, io);
        return code;
      }
    }
    const recording = beginWarmRecording(warm);
    // dist/cli.js may have set threads hashing the last status's files already (statusRehash.ts).
    const prefetch = values.rehash && globals.map === undefined ? handoff?.rehash : undefined;
    // A rehash leaves its results in the warm snapshot; it does not rewrite the stat cache.
    const options = { useCache: !values.rehash, refreshCache: false, prestart: prefetch ? false : undefined };
    return withStore(globals, io, options, async ({ view, hasher, cached, pathMapped }) => {
      warnMultiHost(view, io);
      const inner = prefetch ? prefetchedHasher(hasher, prefetch) : hasher;
      const { status, runs } = await verifyStatus({ view, hasher: recording.wrap(inner, prefetch?.takenAtNs), cwd: io.cwd }, limit);
      await prefetch?.dispose();
      if (!pathMapped) recording.save(runs);
      const report = { status, runs, dbPath: view.dbPath, cached };
      io.out(asJson ? renderStatusJson(report) : renderStatusText(report, io.color));
      return statusExitCode(runs);
    });
  },
};
