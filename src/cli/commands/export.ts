/** `clew export ro-crate` and `clew export prov`: the store's provenance in standard forms. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { checkCrateDestination, exportRoCrate, provText } from '../../engine/export/exportPackage';
import { PROV_FORMATS, type ProvFormat } from '../../engine/export/provFormats';
import { exportProjectRoot, recordedPathFrom } from '../../engine/export/exportContext';
import { collectExport } from '../../engine/export/model';
import { snakefileText } from '../../engine/export/snakemake';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { json } from '../render/style';
import type { CliCommand, CliIo, GlobalOptions } from '../types';

const RO_CRATE_USAGE = `Usage: clew export ro-crate [FILE…] [-o DIR|FILE.zip] [--include-data] [--json]

Writes a Provenance Run Crate (RO-Crate 1.1, Workflow Run Crate 0.5 profiles): one CreateAction
per run (instrument = its script, object = inputs, result = outputs), every file with its sha256
and size, claims, stamps (RFC 3161 tokens as files) and rerun verdicts. No FILE: every run in the
store; with FILEs: the runs behind them. -o (default ./ro-crate): a folder, or a .zip file.
--include-data copies the recorded files in; without it they are named by their path relative to
the project and their hash, to be checked in place (clew check-crate CRATE --data PROJECT).
Exit: 0 written, 1 a FILE was never recorded, 2 usage.`;

const PROV_USAGE = `Usage: clew export prov [FILE…] [-f json|jsonld|provn] [-o OUT]

Writes W3C PROV: runs as activities, file versions (path@sha256) as entities with used /
wasGeneratedBy / wasDerivedFrom, scripts as plans, the recording host as agent, claims derived
from their source file version, stamps as bundles. -f json (PROV-JSON, default), jsonld (PROV-O)
or provn (PROV-N); -o OUT (default: standard output). No FILE: every run; with FILEs: the runs
behind them. Exit: 0 written, 1 a FILE was never recorded, 2 usage.`;

const SNAKEMAKE_USAGE = `Usage: clew export snakemake [FILE…] [-o Snakefile]

Writes a Snakefile: one rule per recorded run (inputs and outputs relative to the project, the
recorded command in its working directory; scitex-clew runs as 'python3 script'), in dependency
order. A run without a command becomes a rule that fails with the reason. Run it from the project
root: snakemake --cores 1 (on SLURM: snakemake --slurm, or --cluster "sbatch …").
-o (default: standard output). Exit: 0 written, 1 a FILE was never recorded, 2 usage.`;

const USAGE = `${RO_CRATE_USAGE}\n\n${PROV_USAGE}\n\n${SNAKEMAKE_USAGE}`;

async function exportSnakemakeCommand(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' } }, SNAKEMAKE_USAGE);
  return withStore(globals, io, { useCache: true }, async ({ view, pathMap }) => {
    const model = collectExport(view, { targets: positionals, cwd: io.cwd, projectRoot: exportProjectRoot(view.dbPath, io.cwd), recordedPathOf: recordedPathFrom(pathMap) });
    const { text, rules, unreplayable } = snakefileText(model);
    if (values.output === undefined) io.out(text.replace(/\n$/, ''));
    else {
      const file = path.resolve(io.cwd, values.output);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      io.err(`clew: wrote a Snakefile with ${rules} rule(s)${unreplayable ? ` (${unreplayable} cannot be replayed and fail with the reason)` : ''} to ${file}`);
    }
    return 0;
  });
}

async function exportRoCrateCommand(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { output: { type: 'string', short: 'o' }, 'include-data': { type: 'boolean' }, json: { type: 'boolean' } }, RO_CRATE_USAGE);
  const out = path.resolve(io.cwd, values.output ?? 'ro-crate');
  if (!out.toLowerCase().endsWith('.zip')) checkCrateDestination(out);
  return withStore(globals, io, { useCache: true }, async ({ view, pathMap }) => {
    const written = await exportRoCrate({ view, cwd: io.cwd, targets: positionals, pathMap }, out, { includeData: Boolean(values['include-data']) });
    for (const p of written.differing) io.err(`clew: ${p}: the bytes on disk are not the recorded ones (copied anyway; check-crate will report a mismatch)`);
    for (const p of written.missing) io.err(`clew: ${p}: gone from disk, not copied (check-crate will report it missing)`);
    if (globals.json || values.json) io.out(json(written));
    else io.out(`Wrote ${written.format === 'zip' ? 'zipped ' : ''}RO-Crate ${out}: ${written.runs} run(s), ${written.files} file(s)${values['include-data'] ? ` (${written.copied} copied)` : ' (referenced by path and hash)'}, ${written.claims} claim(s), ${written.stamps} stamp(s)`);
    return 0;
  });
}

async function exportProvCommand(argv: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string', short: 'f' }, output: { type: 'string', short: 'o' } }, PROV_USAGE);
  const format = values.format ?? 'json';
  if (!(PROV_FORMATS as readonly string[]).includes(format)) throw new ClewError('usage', `-f must be one of ${PROV_FORMATS.join(', ')}, got '${format}'`);
  return withStore(globals, io, { useCache: true }, async ({ view, pathMap }) => {
    const { text, runs } = provText({ view, cwd: io.cwd, targets: positionals, pathMap }, format as ProvFormat);
    if (values.output === undefined) io.out(text.replace(/\n$/, ''));
    else {
      const file = path.resolve(io.cwd, values.output);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      io.err(`clew: wrote PROV (${format}) for ${runs} run(s) to ${file}`);
    }
    return 0;
  });
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export provenance as an RO-Crate or W3C PROV',
  usage: USAGE,
  async run(argv, globals, io) {
    const [sub, ...rest] = argv;
    if (sub === 'ro-crate') return exportRoCrateCommand(rest, globals, io);
    if (sub === 'prov') return exportProvCommand(rest, globals, io);
    if (sub === 'snakemake') return exportSnakemakeCommand(rest, globals, io);
    throw new ClewError('usage', `${sub === undefined ? 'clew export needs ro-crate, prov or snakemake' : `unknown export format '${sub}' (ro-crate, prov or snakemake)`}\n${USAGE}`);
  },
};
