/** `clew status`: git-status-like overview of the newest runs. */
import { locateStore } from '../../engine/store/locate';
import { verifyStatus } from '../../engine/verify';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { renderStatusJson, renderStatusText, statusExitCode } from '../render/statusReport';
import type { CliCommand } from '../types';
import { beginWarmRecording, tryWarmStatus } from './statusWarm';

const USAGE = `Usage: clew status [--rehash] [--limit N] [--json]

Verifies the newest runs (default 1000) and lists runs whose files changed or went missing.
Hashes come from Clew's stat cache for files whose size, mtime, ctime and inode are unchanged;
--rehash re-reads every byte. Exit: 0 all verified, 12 a mismatch, 11 missing files, 10 other.`;

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show which recorded files changed or went missing',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { rehash: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' } }, USAGE);
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    const asJson = Boolean(globals.json || values.json);
    // Warm path (statusWarm.ts): same answer without reading the store when nothing changed.
    const warm = { dbPath: locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env }).dbPath, limit };
    if (!values.rehash) {
      const code = await tryWarmStatus(warm, asJson, io);
      if (code !== undefined) return code;
    }
    const recording = beginWarmRecording(warm);
    return withStore(globals, io, { useCache: !values.rehash }, async ({ view, hasher, cached, pathMapped }) => {
      const { status, runs } = await verifyStatus({ view, hasher: recording.wrap(hasher), cwd: io.cwd }, limit);
      if (!pathMapped) recording.save(runs);
      const report = { status, runs, dbPath: view.dbPath, cached };
      io.out(asJson ? renderStatusJson(report) : renderStatusText(report, io.color));
      return statusExitCode(runs);
    });
  },
};
