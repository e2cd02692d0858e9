/** `clew record [--input F]… [--output F]… [--script F] [--session-id ID] -- CMD ARGS…` */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import type { LaunchedCommand } from '../../engine/record/launch';
import { runRecorded } from '../../engine/record/runRecorded';
import { locateStore } from '../../engine/store/locate';
import { openStore } from '../../engine/store/open';
import { schemaThroughWriter } from '../../engine/store/schemaFacts';
import { describePathMap, mappingsOf, recordedFormsOf, type PathMapping } from '../../engine/store/pathMap';
import { parseRecordArgv, RECORD_USAGE } from './recordArgs';
import { finishSpool, recordSpoolTarget } from './recordSpool';
import { pathMapOptions } from '../context';
import { json } from '../render/style';
import type { CliCommand, CliIo, GlobalOptions } from '../types';

export const recordCommand: CliCommand = {
  name: 'record',
  summary: 'run a command and record its inputs, script and outputs',
  usage: RECORD_USAGE,
  async run(argv, globals, io, handoff) {
    // The small entry (bin.ts) may have started the command already; then whatever fails here
    // fails after it ran, and says so.
    const launched = handoff?.record;
    try {
      return await recordRun(argv, globals, io, launched);
    } catch (err) {
      if (!launched || launched.finishing) throw err;
      const { exitCode } = await launched.finish(new Set());
      if (!(err instanceof ClewError)) throw err;
      throw new ClewError(err.code, `${err.message} (the command ran and exited ${exitCode}; nothing was recorded)`, { cause: err });
    }
  },
};

async function recordRun(argv: string[], globals: GlobalOptions, io: CliIo, launched: LaunchedCommand | undefined): Promise<number> {
  const { values, cmd, timeoutMs } = parseRecordArgv(argv);
  const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
  // Spool (docs/cluster.md): record into a private node-local store, hand it over afterwards.
  const spool = recordSpoolTarget(located.dbPath, Boolean(values.spool), io);
  const storePath = spool?.dbPath ?? located.dbPath;
  fs.mkdirSync(path.dirname(storePath), { recursive: true });
  // A store that moved is read through its path map (as every command reads it) only to learn
  // the old forms of the paths this run reads, so they still link the runs that wrote them.
  let mappings: PathMapping[] = [];
  const pathMap = pathMapOptions(located.dbPath, globals, io);
  const store = await openStore(storePath, {
    create: true,
    pathMap,
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
      timeoutMs,
      recordedForms: (p) => recordedFormsOf(p, mappings),
      onNotice: (m) => io.err(`clew: ${m}`),
      // No snapshot of the whole store unless a path map may apply (store/schemaFacts.ts).
      ...((pathMap.explicit?.length ?? 0) === 0 ? { schema: schemaThroughWriter(store, pathMap.currentRoot) } : {}),
      ...(launched ? { launched } : {}),
    });
    if (globals.json || values.json) io.out(json(result));
    else
      io.err(
        `clew: recorded ${result.sessionId} (${result.status}, exit ${result.exitCode}): ${result.inputs.length} inputs, ${result.outputs.length} outputs` +
          `${result.script ? `, script ${path.relative(io.cwd, result.script) || result.script}` : ''} [${result.capture}]`,
      );
    return result.exitCode;
  } finally {
    // Every write was answered: the writer finishes by itself while this process exits.
    await store.close({ waitForWriter: Boolean(spool) });
    if (spool) finishSpool(spool, located.dbPath, io);
  }
}
