/** `clew spool -- CMD…` and `clew ingest [--json]`: record from many nodes without sharing a WAL. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { ingestIncoming } from '../../engine/cluster/ingest';
import { createPrivateStore, handOver, removePrivateStore } from '../../engine/cluster/spool';
import { locateStore } from '../../engine/store/locate';
import { lazyChildProcess } from '../../engine/util/lazyBuiltins';
import { parseCommandArgs } from '../args';
import { json } from '../render/style';
import type { CliCommand } from '../types';

const SPOOL_USAGE = `Usage: clew spool -- CMD ARGS…

Runs CMD with SCITEX_CLEW_DB_PATH pointing at a private store in node-local temp, then hands that
store over, complete and atomically, under .scitex/clew/runtime/incoming/ for 'clew ingest'.
For scitex-clew scripts in SLURM jobs on a shared filesystem. Exit: CMD's own exit status.`;

export const spoolCommand: CliCommand = {
  name: 'spool',
  summary: 'run a scitex-clew command into a private store handed over for ingest',
  usage: SPOOL_USAGE,
  async run(argv, globals, io) {
    const separator = argv.indexOf('--');
    const cmd = separator === -1 ? argv : argv.slice(separator + 1);
    if (cmd.length === 0) throw new ClewError('usage', `no command to run\n${SPOOL_USAGE}`);
    const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
    const priv = createPrivateStore();
    try {
      const [file, ...args] = cmd;
      const r = lazyChildProcess().spawnSync(file ?? '', args, { cwd: io.cwd, stdio: 'inherit', env: { ...io.env, SCITEX_CLEW_DB_PATH: priv.dbPath } });
      if (r.error) throw new ClewError('usage', `cannot run ${file}: ${r.error.message}`);
      // Handed over even when CMD failed: its failed session is part of the record.
      const handed = handOver(priv.dbPath, located.dbPath);
      io.err(handed ? `clew: spooled into ${handed}` : 'clew: the command recorded nothing; nothing spooled');
      return r.status ?? 1;
    } finally {
      removePrivateStore(priv.dir);
    }
  },
};

const INGEST_USAGE = `Usage: clew ingest [--json]

Merges every store waiting in .scitex/clew/runtime/incoming/ into the main store, one transaction
per store; sessions already present are not added again; a file is removed only after its rows
are committed. A corrupt or foreign file is moved to incoming/rejected/ and reported.
Exit: 0, or 1 when any file was rejected.`;

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'merge handed-over (spooled) stores into the main store',
  usage: INGEST_USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' } }, INGEST_USAGE);
    const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
    fs.mkdirSync(path.dirname(located.dbPath), { recursive: true });
    const summary = ingestIncoming(located.dbPath);
    if (globals.json || values.json) io.out(json(summary));
    else {
      for (const f of summary.files.filter((x) => !x.ok)) io.err(`clew: ingest: ${f.file}: ${f.error ?? 'failed'}`);
      io.out(`ingested ${summary.ingested} store${summary.ingested === 1 ? '' : 's'}: ${summary.sessionsAdded} sessions added, ${summary.sessionsAlreadyPresent} already present, ${summary.rejected} rejected`);
    }
    return summary.rejected > 0 ? 1 : 0;
  },
};
