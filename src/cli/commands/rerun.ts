/** `clew rerun`, `clew rerun-dag`, `clew rerun-claims`: re-execute runs in a sandbox and compare outputs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { dagRunsAsVerifications, rerun, rerunClaims, rerunDag, type RerunContext } from '../../engine/rerun/rerun';
import { rerunDagLines, rerunLines } from '../../engine/rerun/text';
import type { ChainManifest, RerunDagResult, RerunOptions, RerunVerification } from '../../engine/rerun/types';
import { rerunSettings } from '../../engine/rerun/settings';
import { requireSbatch, type SlurmSettings } from '../../engine/rerun/slurm';
import { locateStore, projectRootOf } from '../../engine/store/locate';
import { aggregateStatus } from '../../engine/verify/verdicts';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { exitCodeFor, json, styler } from '../render/style';
import type { CliCommand, CliIo, GlobalOptions } from '../types';

const COMMON_OPTIONS = {
  timeout: { type: 'string' },
  keep: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  'skip-unchanged': { type: 'boolean' },
  'current-inputs': { type: 'boolean' },
  python: { type: 'string' },
  network: { type: 'boolean' },
  executor: { type: 'string' },
  'sbatch-arg': { type: 'string', multiple: true },
  'no-record': { type: 'boolean' },
  'chain-manifest': { type: 'string' },
  'save-outputs': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
} as const;

const COMMON_HELP = `  --timeout S        per-run limit in seconds (default 300); the whole process tree is killed;
                     with --executor slurm it is the job's time limit, in whole minutes
  --keep             keep the sandboxes (their paths are printed)
  --jobs N           independent runs in parallel (default: number of cores)
  --skip-unchanged   do not re-execute runs whose script and inputs are unchanged
  --current-inputs   rerun even if recorded inputs changed (a what-if, reported as such)
  --python PATH      interpreter for runs recorded by Python (default: rerun.python in the
                     config file, then python3, then python)
  --network          let the runs reach the network (default: loopback only; also
                     rerun.network: true in the config file)
  --executor E       local (default) or slurm: each run a SLURM batch job (rerun.executor in
                     the config file); with --chain each job is submitted after its parents'
                     (--dependency=afterok) and fed the outputs they re-generated
  --sbatch-arg ARG   an option passed to sbatch (repeatable: --sbatch-arg=--partition=short);
                     rerun.slurm.sbatch_args in the config file
  --no-record        do not append verification rows (what the SLURM jobs themselves run)
  --chain-manifest F, --save-outputs DIR
                     what a chained SLURM job runs with (written by the submitter): the
                     ancestors' re-generated outputs to stage, and where to leave its own
  -v, --verbose      stream the runs' own output to stderr and list verified files too
  --json             upstream-shaped JSON

The script runs in a sandbox: no file outside it changes, anywhere on the machine; what it
wrote besides its outputs is listed ("also wrote … (discarded)"; see docs/sandbox.md).
Each executed rerun appends a verification_results row, which scitex-clew reads.
Exit: 0 verified, 12 mismatch or failed, 11 missing outputs, 10 unknown (refused, timed out).`;

const RERUN_USAGE = `Usage: clew rerun TARGET… [options]

Re-executes each target's run (TARGET: a session id, a script path or an output file) against its
original recorded inputs, and compares every recorded output with what the rerun wrote.
${COMMON_HELP}`;

const RERUN_DAG_USAGE = `Usage: clew rerun-dag [FILE…] [--target FILE]… [--chain] [options]

Re-executes every run behind the given output files (none: every run in the store), in
topological order, and compares outputs.
  --chain            feed each run its parents' re-generated outputs (a full rebuild from the roots);
                     on SLURM every job is queued at once, each after its parents' jobs
                     (afterok), which leave their outputs in the jobs folder beside the store; a
                     job whose parent's job failed is cancelled and reported as not run
${COMMON_HELP}`;

const RERUN_CLAIMS_USAGE = `Usage: clew rerun-claims [--file-path MANUSCRIPT] [--type TYPE] [--chain] [options]

Re-executes the DAG behind the claims' source files.
  --chain            feed each run its parents' re-generated outputs (on SLURM: jobs chained
                     with afterok, as rerun-dag --chain)
${COMMON_HELP}`;

type CommonValues = { [K in Exclude<keyof typeof COMMON_OPTIONS, 'sbatch-arg'>]?: (typeof COMMON_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string } & { 'sbatch-arg'?: string[] };

/** --executor, then rerun.executor in the config: the SLURM settings, or undefined for local. */
function slurmSettings(values: CommonValues, settings: ReturnType<typeof rerunSettings>): SlurmSettings | undefined {
  const executor = values.executor ?? settings.executor ?? 'local';
  if (executor !== 'local' && executor !== 'slurm') throw new ClewError('usage', `--executor must be local or slurm, got '${executor}'`);
  if (executor === 'local') return undefined;
  requireSbatch();
  return { cliPath: process.argv[1] ? path.resolve(process.argv[1]) : 'clew', sbatchArgs: [...(settings.sbatchArgs ?? []), ...(values['sbatch-arg'] ?? [])] };
}

/** --chain-manifest: the file a chained SLURM job is given by its submitter. */
function readChainManifest(file: string): ChainManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ClewError('usage', `--chain-manifest ${file} cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const m = parsed as { fed?: unknown; from?: unknown } | null;
  if (!m || typeof m !== 'object' || !strings(m.fed) || !strings(m.from)) throw new ClewError('usage', `--chain-manifest ${file} is not a chain manifest ({"fed": [...], "from": [...]})`);
  return { fed: m.fed, from: m.from };
}

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new ClewError('usage', `${name} must be a positive number, got '${value}'`);
  return n;
}

/**
 * Ctrl-C / SIGTERM cancel the rerun: the run's processes live in their own process group (or PID
 * namespace), out of reach of the terminal's signal, so the engine must be told to kill them.
 * A second Ctrl-C exits at once. An interrupted command exits 130, as shells expect.
 */
async function cancellable(io: CliIo, fn: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    io.err(`clew: ${signal}: stopping the rerun (every process of the run is killed); press Ctrl-C again to quit at once`);
    controller.abort(new Error('cancelled'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const code = await fn(controller.signal);
    return controller.signal.aborted ? 130 : code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function withRerunContext(globals: GlobalOptions, io: CliIo, values: CommonValues, fn: (ctx: RerunContext, options: RerunOptions) => Promise<number>): Promise<number> {
  const located = locateStore({ explicit: globals.db, cwd: io.cwd, env: io.env });
  if (!fs.existsSync(located.dbPath)) throw new ClewError('store-missing', `no Clew store at ${located.dbPath} (record a run first, or pass --db PATH)`);
  return withStore(globals, io, { useCache: true, writable: true }, async ({ store, view, hasher }) => {
    const projectRoot = projectRootOf(store.dbPath, io.cwd);
    const settings = rerunSettings(projectRoot, io.cwd);
    const warned = new Set<string>();
    const options: RerunOptions = {
      timeoutMs: positiveNumber(values.timeout, '--timeout', 300) * 1000,
      keep: Boolean(values.keep),
      jobs: Math.floor(positiveNumber(values.jobs, '--jobs', Number.MAX_SAFE_INTEGER)),
      skipUnchanged: Boolean(values['skip-unchanged']),
      currentInputs: Boolean(values['current-inputs']),
      python: values.python ?? settings.python,
      network: Boolean(values.network) || settings.network === true,
      record: !values['no-record'],
      slurm: slurmSettings(values, settings),
      chainManifest: values['chain-manifest'] ? readChainManifest(path.resolve(io.cwd, values['chain-manifest'])) : undefined,
      saveOutputs: values['save-outputs'] ? path.resolve(io.cwd, values['save-outputs']) : undefined,
      judge: settings.judge,
      onEvent(event) {
        if (event.type === 'warning' && !warned.has(event.message)) {
          warned.add(event.message);
          io.err(`clew: ${event.message}`);
        } else if (event.type === 'start') {
          io.err(`[${event.index + 1}/${event.total}] rerunning ${event.script_path ? path.basename(event.script_path) : event.session_id} (${event.session_id})`);
        } else if (event.type === 'job') {
          io.err(`  job ${event.job_id} (${event.session_id}): ${event.state}${event.node ? ` on ${event.node}` : ''}`);
        } else if (event.type === 'output' && values.verbose) {
          io.err(event.chunk.replace(/\n$/, ''));
        }
      },
    };
    if (options.jobs === Number.MAX_SAFE_INTEGER) delete options.jobs;
    if (!options.slurm) delete options.slurm;
    if (!options.chainManifest) delete options.chainManifest;
    if (!options.saveOutputs) delete options.saveOutputs;
    return cancellable(io, (signal) => fn({ store, view, hasher, cwd: io.cwd, projectRoot }, { ...options, signal }));
  });
}

export const rerunCommand: CliCommand = {
  name: 'rerun',
  summary: 're-execute runs in a sandbox and compare their outputs',
  usage: RERUN_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, COMMON_OPTIONS, RERUN_USAGE);
    if (positionals.length === 0) throw new ClewError('usage', `clew rerun needs at least one TARGET\n${RERUN_USAGE}`);
    return withRerunContext(globals, io, values, async (ctx, options) => {
      const results = await rerun(ctx, positionals, options);
      printRuns(io, globals.json || Boolean(values.json), results, Boolean(values.verbose));
      return exitCodeFor(aggregateStatus(results));
    });
  },
};

/** `clew run SESSION --from-scratch`: the seed's run(session_id, from_scratch=True). */
export async function runFromScratch(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...COMMON_OPTIONS, 'from-scratch': { type: 'boolean' } }, RERUN_USAGE);
  if (positionals.length !== 1) throw new ClewError('usage', `clew run --from-scratch needs exactly one SESSION_ID, script or file\n${RERUN_USAGE}`);
  return withRerunContext(globals, io, values, async (ctx, options) => {
    const results = await rerun(ctx, positionals, options);
    printRuns(io, globals.json || Boolean(values.json), results, Boolean(values.verbose));
    return exitCodeFor(results[0].status);
  });
}

function printRuns(io: CliIo, asJson: boolean, results: readonly RerunVerification[], verbose: boolean): void {
  if (asJson) io.out(json(results.length === 1 ? results[0] : results));
  else io.out(results.flatMap((r) => rerunLines(r, { verbose, style: styler(io.color) })).join('\n'));
}

function printDag(io: CliIo, asJson: boolean, result: RerunDagResult, verbose: boolean): number {
  if (asJson) io.out(json(result));
  else {
    io.out(rerunDagLines(result, dagRunsAsVerifications(result), { verbose, style: styler(io.color) }).join('\n'));
  }
  return exitCodeFor(result.status);
}

export const rerunDagCommand: CliCommand = {
  name: 'rerun-dag',
  summary: 're-execute every run behind some outputs (or the whole store), in order',
  usage: RERUN_DAG_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...COMMON_OPTIONS, target: { type: 'string', multiple: true }, chain: { type: 'boolean' } }, RERUN_DAG_USAGE);
    const targets = [...positionals, ...(values.target ?? [])];
    return withRerunContext(globals, io, values, async (ctx, options) => {
      const result = await rerunDag(ctx, { targets }, { ...options, chain: Boolean(values.chain) });
      return printDag(io, globals.json || Boolean(values.json), result, Boolean(values.verbose));
    });
  },
};

export const rerunClaimsCommand: CliCommand = {
  name: 'rerun-claims',
  summary: 're-execute the DAG behind the claims of a manuscript',
  usage: RERUN_CLAIMS_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...COMMON_OPTIONS, 'file-path': { type: 'string' }, type: { type: 'string' }, chain: { type: 'boolean' } }, RERUN_CLAIMS_USAGE);
    if (positionals.length > 0) throw new ClewError('usage', `clew rerun-claims takes no positional arguments (use --file-path)\n${RERUN_CLAIMS_USAGE}`);
    return withRerunContext(globals, io, values, async (ctx, options) => {
      const result = await rerunClaims(ctx, { filePath: values['file-path'], claimType: values.type }, { ...options, chain: Boolean(values.chain) });
      return printDag(io, globals.json || Boolean(values.json), result, Boolean(values.verbose));
    });
  },
};
