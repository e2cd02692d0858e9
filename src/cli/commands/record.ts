/** `clew record [--input F]… [--output F]… [--script F] [--session-id ID] -- CMD ARGS…` */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { runRecorded } from '../../engine/record/runRecorded';
import { locateStore } from '../../engine/store/locate';
import { openStore } from '../../engine/store/open';
import { describePathMap, mappingsOf, recordedFormsOf, type PathMapping } from '../../engine/store/pathMap';
import { parseCommandArgs } from '../args';
import { finishSpool, recordSpoolTarget } from './recordSpool';
import { pathMapOptions } from '../context';
import { json } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew record [--input F]… [--output F]… [--script F] [--session-id ID] [--auto] [--timeout SECONDS] [--json] [--spool] -- CMD ARGS…

Runs CMD as one recorded session in the store (created if missing). Declared --input files are
hashed before the command runs, --output files after it. With nothing declared (or --auto),
the files CMD reads and writes inside the project are captured automatically by an LD_PRELOAD
interposer (strace when it cannot see CMD or CLEW_CAPTURE=strace; "files that changed" as
outputs when strace cannot run either; docs/recording.md).
--spool (default when the store is on a network filesystem; CLEW_SPOOL=0/1 overrides) records
into a private node-local store handed over for 'clew ingest'.
The session is closed as success (exit 0) or failed. Exit: the command's own exit status.`;

export const recordCommand: CliCommand = {
  name: 'record',
  summary: 'run a command and record its inputs, script and outputs',
  usage: USAGE,
  async run(argv, globals, io) {
    const separator = argv.indexOf('--');
    const own = separator === -1 ? argv : argv.slice(0, separator);
    const command = separator === -1 ? [] : argv.slice(separator + 1);
    const { values, positionals } = parseCommandArgs(
      own,
      {
        input: { type: 'string', multiple: true, short: 'i' },
        output: { type: 'string', multiple: true, short: 'o' },
        script: { type: 'string' },
        'session-id': { type: 'string' },
        auto: { type: 'boolean' },
        timeout: { type: 'string' },
        json: { type: 'boolean' },
        spool: { type: 'boolean' },
      },
      USAGE,
    );
    const cmd = [...positionals, ...command];
    if (cmd.length === 0) throw new ClewError('usage', `no command to run\n${USAGE}`);
    const timeout = values.timeout === undefined ? 0 : Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout < 0) throw new ClewError('usage', `--timeout must be a number of seconds, got '${values.timeout}'`);
    const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
    // Spool (docs/cluster.md): record into a private node-local store, hand it over afterwards.
    const spool = recordSpoolTarget(located.dbPath, Boolean(values.spool), io);
    const storePath = spool?.dbPath ?? located.dbPath;
    fs.mkdirSync(path.dirname(storePath), { recursive: true });
    // A store that moved is read through its path map (as every command reads it) only to learn
    // the old forms of the paths this run reads, so they still link the runs that wrote them.
    let mappings: PathMapping[] = [];
    const store = await openStore(storePath, {
      create: true,
      pathMap: pathMapOptions(located.dbPath, globals, io),
      onPathMap: (report) => {
        mappings = mappingsOf(report);
        if (report) io.err(`clew: ${describePathMap(report)}; this run records the paths it sees`);
      },
    });
    try {
      const result = await runRecorded({
        store,
        command: cmd,
        cwd: io.cwd,
        projectRoot: located.projectRoot,
        inputs: values.input,
        outputs: values.output,
        script: values.script,
        sessionId: values['session-id'],
        autoCapture: values.auto ? true : undefined,
        timeoutMs: timeout * 1000,
        recordedForms: (p) => recordedFormsOf(p, mappings),
        onNotice: (m) => io.err(`clew: ${m}`),
      });
      if (globals.json || values.json) io.out(json(result));
      else
        io.err(
          `clew: recorded ${result.sessionId} (${result.status}, exit ${result.exitCode}): ${result.inputs.length} inputs, ${result.outputs.length} outputs` +
            `${result.script ? `, script ${path.relative(io.cwd, result.script) || result.script}` : ''} [${result.capture}]`,
        );
      return result.exitCode;
    } finally {
      await store.close();
      if (spool) finishSpool(spool, located.dbPath, io);
    }
  },
};
