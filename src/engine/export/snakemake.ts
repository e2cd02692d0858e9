/**
 * `clew export snakemake`: the recorded DAG as a Snakefile — one rule per run, inputs and outputs as
 * recorded (relative to the project, so Snakemake is run from the project root), the recorded command
 * in its recorded working directory. Snakemake then reruns it locally or on SLURM unchanged.
 */
import * as path from 'node:path';
import type { ExportModel, ExportRun } from './model';

/** A Python string literal whose braces Snakemake's shell formatting leaves alone. */
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

export function snakefileText(model: ExportModel): { text: string; rules: number; unreplayable: number } {
  const root = model.projectRoot;
  // Snakemake refuses two rules with one output: the newest producer (later in roots-first order) keeps it.
  const producerOf = new Map<string, string>();
  for (const run of model.runs) for (const o of run.outputs) producerOf.set(relativeTo(root, o.path), run.sessionId);
  const lines: string[] = [`# Exported by 'clew export snakemake' from ${model.dbPath}.`, '# Run from the project root: snakemake --cores 1 (or --slurm / --cluster "sbatch ...").', ''];
  const rules: string[] = [];
  const finals: string[] = [];
  let unreplayable = 0;
  model.runs.forEach((run, index) => {
    const outputs = [...new Set(run.outputs.map((o) => relativeTo(root, o.path)).filter((o) => producerOf.get(o) === run.sessionId))];
    if (outputs.length === 0) return;
    const outSet = new Set(outputs);
    const inputs = [...new Set(run.inputs.map((i) => relativeTo(root, i.path)).filter((i) => !outSet.has(i)))];
    const cmd = commandOf(run, root);
    if ('reason' in cmd) unreplayable++;
    finals.push(...outputs);
    const body = [`rule ${ruleName(run, index)}:`, `    # session ${run.sessionId}`];
    if (inputs.length > 0) body.push('    input:', ...inputs.map((i) => `        ${literal(i)},`));
    body.push('    output:', ...outputs.map((o) => `        ${literal(o)},`));
    body.push('    shell:', `        ${literal('shell' in cmd ? cmd.shell : `echo ${shellQuote(cmd.reason)} >&2; exit 1`, true)}`, '');
    rules.push(body.join('\n'));
  });
  lines.push('rule all:', '    input:', ...[...new Set(finals)].map((o) => `        ${literal(o)},`), '', ...rules);
  return { text: lines.join('\n') + '\n', rules: rules.length, unreplayable };
}
