/**
 * The example pipelines of spec §10, written as stdlib-only Python so they run anywhere python3
 * does. Each script reads its inputs, writes into `<script stem>_out/`, and is run by
 * `00_run_all.sh` under `clew record`, which captures what it read and wrote.
 */
export type ExampleVariant = 'sequential' | 'multi_parent';
export const EXAMPLE_VARIANTS: readonly ExampleVariant[] = ['sequential', 'multi_parent'];

const HEADER = '#!/usr/bin/env python3\n"""Clew example step (stdlib only)."""\nimport csv, json, os, random, statistics\n\n';

function outDir(stem: string): string {
  return `OUT = "${stem}_out"\nos.makedirs(OUT, exist_ok=True)\n\n`;
}

const READ_CSV = 'def read_csv(path):\n    with open(path, newline="") as f:\n        return list(csv.DictReader(f))\n\n';
const WRITE_CSV =
  'def write_csv(path, rows):\n    with open(path, "w", newline="") as f:\n        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))\n        w.writeheader()\n        w.writerows(rows)\n\n';

function source(stem: string, name: string, seed: number, withConfig: boolean): string {
  return (
    HEADER +
    WRITE_CSV +
    outDir(stem) +
    `rng = random.Random(${seed})\n` +
    `rows = [{"id": i, "source": "${name}", "value": round(rng.gauss(10, 2), 4)} for i in range(200)]\n` +
    `write_csv(os.path.join(OUT, "source_${name}.csv"), rows)\n` +
    (withConfig ? `with open(os.path.join(OUT, "config_${name}.json"), "w") as f:\n    json.dump({"threshold": 0.5}, f)\n` : '')
  );
}

function preprocess(stem: string, name: string, sourceStem: string, withConfig: boolean): string {
  return (
    HEADER +
    READ_CSV +
    WRITE_CSV +
    outDir(stem) +
    `rows = read_csv("${sourceStem}_out/source_${name}.csv")\n` +
    (withConfig ? `with open("${sourceStem}_out/config_${name}.json") as f:\n    threshold = json.load(f)["threshold"]\n` : 'threshold = 0.5\n') +
    'values = sorted(float(r["value"]) for r in rows)\ncut = values[int(len(values) * threshold)]\n' +
    `write_csv(os.path.join(OUT, "clean_${name}.csv"), [r for r in rows if float(r["value"]) >= cut])\n`
  );
}

function sequential(): Record<string, string> {
  return {
    '01_source_a.py': source('01_source_a', 'A', 1, true),
    '02_preprocess_a.py': preprocess('02_preprocess_a', 'A', '01_source_a', true),
    '03_source_b.py': source('03_source_b', 'B', 2, false),
    '04_preprocess_b.py': preprocess('04_preprocess_b', 'B', '03_source_b', false),
    '05_source_c.py': source('05_source_c', 'C', 3, false),
    '06_preprocess_c.py': preprocess('06_preprocess_c', 'C', '05_source_c', false),
    '07_merge.py':
      HEADER +
      READ_CSV +
      WRITE_CSV +
      outDir('07_merge') +
      'rows = []\nfor path in ["02_preprocess_a_out/clean_A.csv", "04_preprocess_b_out/clean_B.csv", "06_preprocess_c_out/clean_C.csv"]:\n    rows += read_csv(path)\n' +
      'write_csv(os.path.join(OUT, "final.csv"), rows)\n',
    '08_analyze.py':
      HEADER +
      READ_CSV +
      WRITE_CSV +
      outDir('08_analyze') +
      'rows = read_csv("07_merge_out/final.csv")\nby = {}\nfor r in rows:\n    by.setdefault(r["source"], []).append(float(r["value"]))\n' +
      'stats = [{"source": s, "n": len(v), "mean": round(statistics.mean(v), 4)} for s, v in sorted(by.items())]\n' +
      'write_csv(os.path.join(OUT, "stats_by_source.csv"), stats)\n' +
      'with open(os.path.join(OUT, "report.json"), "w") as f:\n    json.dump({"n_total": len(rows), "sources": len(stats)}, f, indent=2)\n',
  };
}

function multiParent(): Record<string, string> {
  const gen = (stem: string, file: string, seed: number) =>
    HEADER + WRITE_CSV + outDir(stem) + `rng = random.Random(${seed})\nwrite_csv(os.path.join(OUT, "${file}"), [{"id": i, "x": round(rng.random(), 4)} for i in range(50)])\n`;
  const combine = (stem: string, inputs: string[], file: string) =>
    HEADER +
    READ_CSV +
    WRITE_CSV +
    outDir(stem) +
    `parts = [read_csv(p) for p in ${JSON.stringify(inputs)}]\n` +
    'rows = [{"id": i, "x": round(sum(float(p[i]["x"]) for p in parts), 4)} for i in range(min(len(p) for p in parts))]\n' +
    `write_csv(os.path.join(OUT, "${file}"), rows)\n`;
  return {
    '01_generate_subjects.py': gen('01_generate_subjects', 'subjects.csv', 11),
    '02_generate_stimuli.py': gen('02_generate_stimuli', 'stimuli.csv', 12),
    '04_load_covariates.py': gen('04_load_covariates', 'covariates.csv', 14),
    '03_run_experiment.py': combine('03_run_experiment', ['01_generate_subjects_out/subjects.csv', '02_generate_stimuli_out/stimuli.csv', '04_load_covariates_out/covariates.csv'], 'raw_data.csv'),
    '05_analyze_behavior.py': combine('05_analyze_behavior', ['03_run_experiment_out/raw_data.csv'], 'behavior.csv'),
    '06_analyze_neural.py': combine('06_analyze_neural', ['03_run_experiment_out/raw_data.csv', '04_load_covariates_out/covariates.csv'], 'neural.csv'),
    '07_merge_results.py': combine('07_merge_results', ['05_analyze_behavior_out/behavior.csv', '06_analyze_neural_out/neural.csv'], 'combined.csv'),
    '08_make_figures.py':
      HEADER +
      READ_CSV +
      outDir('08_make_figures') +
      'rows = read_csv("07_merge_results_out/combined.csv")\nfor name, k in (("figure1.svg", 1), ("figure2.svg", 2)):\n' +
      '    bars = "".join(\'<rect x="%d" y="0" width="4" height="%.1f"/>\' % (i * 5, float(r["x"]) * 20 * k) for i, r in enumerate(rows))\n' +
      '    with open(os.path.join(OUT, name), "w") as f:\n        f.write(\'<svg xmlns="http://www.w3.org/2000/svg" width="260" height="100">\' + bars + "</svg>")\n',
  };
}

interface ExampleClaim {
  line: number;
  type: string;
  value: string;
  source: string;
}

/** Manuscripts whose lines are registered as claims by the run-all script (spec §10). */
function manuscripts(variant: ExampleVariant): { files: Record<string, string>; claims: ExampleClaim[] } {
  const [table, tableSource, figure, figureSource] =
    variant === 'sequential'
      ? ['Table 1', '08_analyze_out/stats_by_source.csv', 'Report 1', '08_analyze_out/report.json']
      : ['Figure 1', '08_make_figures_out/figure1.svg', 'Figure 2', '08_make_figures_out/figure2.svg'];
  const tex = ['\\documentclass{article}', '\\begin{document}', `${table} summarises the first result.`, `${figure} shows the second result.`, '\\end{document}', ''];
  const md = ['# Results', '', `${table} summarises the first result.`, '', `${figure} shows the second result.`, ''];
  return {
    files: { 'paper.tex': tex.join('\n'), 'paper.md': md.join('\n') },
    claims: [
      { line: 3, type: 'table', value: table, source: tableSource },
      { line: 4, type: 'figure', value: figure, source: figureSource },
    ],
  };
}

function runAll(steps: readonly string[], claims: readonly ExampleClaim[] = []): string {
  return [
    '#!/bin/sh',
    '# Runs every step under `clew record`, which records what each step read and wrote.',
    '# CLEW may name the command line (default: clew on PATH), e.g. CLEW="node /path/to/dist/cli.js".',
    'set -e',
    'cd "$(dirname "$0")"',
    'CLEW="${CLEW:-clew}"',
    ...steps.map((s) => `$CLEW record -- python3 ${s}`),
    '# Tie manuscript statements to the files that back them.',
    ...claims.map((c) => `$CLEW claims add --file paper.tex --line ${c.line} --type ${c.type} --value '${c.value}' --source ${c.source} > /dev/null`),
    'echo "Pipeline recorded. Try: $CLEW status; $CLEW claims verify; $CLEW dag --help"',
    '',
  ].join('\n');
}

/** Every file of a variant: name → content. Step order is the order the run-all script uses. */
export function exampleFiles(variant: ExampleVariant): Record<string, string> {
  const steps = variant === 'sequential' ? sequential() : multiParent();
  const paper = manuscripts(variant);
  return {
    ...steps,
    ...paper.files,
    '00_run_all.sh': runAll(Object.keys(steps), paper.claims),
    'pyproject.toml': `[project]\nname = "clew-example-${variant.replace('_', '-')}"\nversion = "0.1.0"\n`,
    'README.md': `# Clew example: ${variant}\n\nRun \`sh 00_run_all.sh\` (with \`clew\` on PATH or CLEW set), then \`clew status\`, \`clew chain <output>\`, \`clew dag <outputs>\`.\n`,
  };
}

/** The final outputs of a variant (what `dag` and `chain` are asked about). */
export function exampleTargets(variant: ExampleVariant): string[] {
  return variant === 'sequential' ? ['08_analyze_out/report.json', '08_analyze_out/stats_by_source.csv'] : ['08_make_figures_out/figure1.svg', '08_make_figures_out/figure2.svg'];
}
