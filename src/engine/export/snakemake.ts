/**
 * `clew export snakemake`: the recorded DAG as a Snakefile — one rule per run, inputs and outputs as
 * recorded (relative to the project, so Snakemake is run from the project root), the recorded command
 * in its recorded working directory. Snakemake then reruns it locally or on SLURM unchanged.
 *
 * Any file name is allowed: every string is a JSON (hence Python) literal, so quotes, backslashes,
 * newlines, unicode and `<script>` stay text; the shell line doubles its braces (Snakemake formats
 * it). Braces in an input or output are another matter: Snakemake reads `{name}` there as a
 * wildcard and has no escape for it (doubled braces are not one). Such a file is tracked through a
 * brace-free stand-in under `.snakemake/clew-literal/`, which the Snakefile keeps in step with the
 * file each time it is read (present exactly when the file is, with its modification time, and its
 * mtime and size as content, since Snakemake skips a newer input whose checksum it has seen) and the
 * rule refreshes after writing the file; Snakemake orders, skips and reruns the rules by the
 * stand-ins as it would by the files.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ExportModel, ExportRun } from './model';

/** Where the stand-ins of files with braces in their names live, relative to the project root. */
export const LITERAL_DIR = '.snakemake/clew-literal';

/** A Python string literal (JSON's escapes are Python's); for a shell line, braces doubled for Snakemake's formatting. */
function literal(text: string, forShell = false): string {
  const escaped = JSON.stringify(text);
  return forShell ? escaped.replace(/\{/g, '{{').replace(/\}/g, '}}') : escaped;
}

function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function relativeTo(root: string, p: string): string {
  const rel = path.relative(root, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

function ruleName(run: ExportRun, index: number): string {
  return `run_${index + 1}_${run.sessionId.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Whether Snakemake would see a wildcard (or a stray brace) in this file name. */
export function needsStandIn(file: string): boolean {
  return /[{}]/.test(file);
}

/** The brace-free name Snakemake tracks `file` by. */
export function standInOf(file: string): string {
  const safe = path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  return `${LITERAL_DIR}/${createHash('sha256').update(file).digest('hex').slice(0, 12)}-${safe}`;
}

/** The shell line that replays a run, or the reason it cannot be replayed. */
function commandOf(run: ExportRun, root: string): { shell: string } | { reason: string } {
  if (run.replay) {
    const dir = relativeTo(root, run.replay.cwd);
    return { shell: `cd ${shellQuote(dir)} && ${run.replay.argv.map(shellQuote).join(' ')}` };
  }
  // scitex-clew's @stx.session records the script, not a command line: it runs as `python3 script`.
  if (run.scriptPath && run.scriptPath.endsWith('.py')) {
    const script = relativeTo(root, run.scriptPath);
    return { shell: `cd ${shellQuote(path.dirname(script))} && python3 ${shellQuote(path.basename(script))}` };
  }
  return { reason: `clew: run ${run.sessionId} was recorded without a command or a Python script; Clew cannot replay it` };
}

/** Keeps each stand-in in step with its file whenever Snakemake reads the Snakefile (also in cluster jobs). */
function standInPreamble(standIns: ReadonlyMap<string, string>): string[] {
  return [
    'import os as _clew_os',
    '',
    `# Files whose names hold braces (Snakemake would read them as wildcards), each tracked by a`,
    `# stand-in under ${LITERAL_DIR}/ that exists exactly when the file does, with its mtime`,
    '# (and its mtime and size as content).',
    '_CLEW_LITERAL = {',
    ...[...standIns].map(([standIn, file]) => `    ${literal(standIn)}: ${literal(file)},`),
    '}',
    'for _clew_stand_in, _clew_file in _CLEW_LITERAL.items():',
    '    if _clew_os.path.exists(_clew_file):',
    '        _clew_os.makedirs(_clew_os.path.dirname(_clew_stand_in), exist_ok=True)',
    '        _clew_stat = _clew_os.stat(_clew_file)',
    '        # The content changes with the file: Snakemake ignores a newer input whose checksum it has seen.',
    '        _clew_mark = "%d %d\\n" % (_clew_stat.st_mtime_ns, _clew_stat.st_size)',
    '        try:',
    '            with open(_clew_stand_in) as _clew_f:',
    '                _clew_old = _clew_f.read()',
    '        except OSError:',
    '            _clew_old = None',
    '        if _clew_old != _clew_mark:',
    '            with open(_clew_stand_in, "w") as _clew_f:',
    '                _clew_f.write(_clew_mark)',
    '        _clew_os.utime(_clew_stand_in, ns=(_clew_stat.st_atime_ns, _clew_stat.st_mtime_ns))',
    '    elif _clew_os.path.lexists(_clew_stand_in):',
    '        _clew_os.remove(_clew_stand_in)',
    '',
  ];
}

export function snakefileText(model: ExportModel): { text: string; rules: number; unreplayable: number } {
  const root = model.projectRoot;
  // Snakemake refuses two rules with one output: the newest producer (later in roots-first order) keeps it.
  const producerOf = new Map<string, string>();
  for (const run of model.runs) for (const o of run.outputs) producerOf.set(relativeTo(root, o.path), run.sessionId);
  const header = [`# Exported by 'clew export snakemake' from ${literal(model.dbPath)}.`, '# Run from the project root: snakemake --cores 1 (or --slurm / --cluster "sbatch ...").', ''];
  const standIns = new Map<string, string>();
  /** A file as Snakemake is told it: its own name, or its stand-in (with the real name in a comment). */
  const entry = (file: string) => {
    if (!needsStandIn(file)) return `        ${literal(file)},`;
    const standIn = standInOf(file);
    standIns.set(standIn, file);
    return `        ${literal(standIn)},  # ${literal(file)}`;
  };
  const rules: string[] = [];
  const produced: string[] = [];
  const consumed = new Set<string>();
  let unreplayable = 0;
  model.runs.forEach((run, index) => {
    const outputs = [...new Set(run.outputs.map((o) => relativeTo(root, o.path)).filter((o) => producerOf.get(o) === run.sessionId))];
    if (outputs.length === 0) return;
    const outSet = new Set(outputs);
    const inputs = [...new Set(run.inputs.map((i) => relativeTo(root, i.path)).filter((i) => !outSet.has(i)))];
    for (const i of inputs) consumed.add(i);
    const cmd = commandOf(run, root);
    if ('reason' in cmd) unreplayable++;
    produced.push(...outputs);
    let shell = 'shell' in cmd ? cmd.shell : `echo ${shellQuote(cmd.reason)} >&2; exit 1`;
    const bracedOutputs = outputs.filter(needsStandIn);
    // After the command, each stand-in takes its file's mtime (and fails the job when the file was not written).
    if (bracedOutputs.length > 0) shell = `( ${shell} ) && ${bracedOutputs.map((o) => `touch -r ${shellQuote(o)} -- ${shellQuote(standInOf(o))}`).join(' && ')}`;
    const body = [`rule ${ruleName(run, index)}:`, `    # session ${literal(run.sessionId)}`];
    if (inputs.length > 0) body.push('    input:', ...inputs.map(entry));
    body.push('    output:', ...outputs.map(entry));
    body.push('    shell:', `        ${literal(shell, true)}`, '');
    rules.push(body.join('\n'));
  });
  // The pipeline's final outputs: what no rule reads. Everything else is rebuilt because they need it.
  const unread = [...new Set(produced)].filter((o) => !consumed.has(o));
  const finals = unread.length > 0 ? unread : [...new Set(produced)];
  const all = ['rule all:', '    input:', ...finals.map(entry), ''];
  const lines = [...header, ...(standIns.size > 0 ? standInPreamble(standIns) : []), ...all, ...rules];
  return { text: lines.join('\n') + '\n', rules: rules.length, unreplayable };
}
