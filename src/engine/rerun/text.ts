/** The one text rendering of rerun results, for `clew rerun*` and the editor's reports. */
import { PLAIN_STYLE, type VerdictStyle } from '../verify/text';
import type { RerunDagResult, RerunFileResult, RerunVerification } from './types';

function verdictWords(r: Pick<RerunVerification, 'status' | 'level' | 'rerun'>): string {
  if (r.level === 'cache') return `${r.status} (not re-executed)`;
  if (r.rerun.sandbox === null) return `${r.status} (not re-executed)`;
  if (r.status === 'verified') return 'verified by re-execution';
  if (r.rerun.exit_code !== null && r.rerun.exit_code !== 0) return 'failed';
  return `${r.status} on re-execution`;
}

/** A few lines of the structured explanation; the full lists are in --json. */
const SHOWN_DIFF_LINES = 12;
const SHOWN_ITEMS = 5;

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? [`        … ${total - shown} more ${what} (see --json)`] : [];
}

function detailLines(f: RerunFileResult): string[] {
  const e = f.explanation;
  if (!e) return [];
  const lines = [`        ${e.summary}`];
  const cells = e.cells ?? [];
  const keys = e.keys ?? [];
  // Cells and key paths say it more plainly than a diff; but when rows were added or dropped,
  // every later cell shifts and the diff shows where that happened.
  if ((cells.length > 0 || keys.length > 0) && !(e.rows && e.diff)) {
    for (const c of cells.slice(0, SHOWN_ITEMS)) lines.push(`        row ${c.row}, ${c.column}: ${c.recorded} → ${c.rerun}${c.delta === undefined ? '' : ` (Δ ${c.delta})`}`);
    lines.push(...more(e.changed_cells ?? cells.length, Math.min(cells.length, SHOWN_ITEMS), 'changed cells'));
    for (const k of keys.slice(0, SHOWN_ITEMS)) lines.push(`        ${k.change}: ${k.path}${k.change === 'changed' ? ` ${k.recorded} → ${k.rerun}` : ''}`);
    lines.push(...more(e.changed_keys ?? keys.length, Math.min(keys.length, SHOWN_ITEMS), 'key paths'));
  } else if (e.diff) {
    const diff = e.diff.split('\n');
    // explain.ts already cut a long diff; count what it left out too.
    const cut = /^… (\d+) more diff lines$/.exec(diff[diff.length - 1] ?? '');
    if (cut) diff.pop();
    const total = diff.length + (cut ? Number(cut[1]) : 0);
    lines.push(...diff.slice(0, SHOWN_DIFF_LINES).map((l) => `        ${l}`), ...more(total, Math.min(diff.length, SHOWN_DIFF_LINES), 'diff lines'));
  }
  if (f.rerun_output) lines.push(`        rerun's version kept at ${f.rerun_output}`);
  return lines;
}

export function rerunLines(r: RerunVerification, options: { verbose?: boolean; style?: VerdictStyle } = {}): string[] {
  const s = options.style ?? PLAIN_STYLE;
  const how = r.rerun.sandbox ? `  (${r.rerun.sandbox} sandbox, ${(r.rerun.duration_ms / 1000).toFixed(1)} s${r.rerun.chained ? ', chained' : ''})` : '';
  const icon = r.is_verified_from_scratch ? `${s.icon('verified')}${s.icon('verified')}` : s.icon(r.status);
  const lines = [`${icon} ${r.session_id}  ${s.status(r.status)} — ${verdictWords(r)}${r.script_path ? `  ${r.script_path}` : ''}${how}`];
  if (r.rerun.executor === 'slurm') lines.push(`    SLURM job ${r.rerun.job_id ?? '(not submitted)'}${r.rerun.node ? ` ran on ${r.rerun.node}` : ''}: ${r.rerun.slurm_state ?? 'unknown state'}`);
  if (r.rerun.reason) lines.push(`    ${r.rerun.reason}`);
  for (const f of r.files) {
    if (!options.verbose && f.is_verified && !f.equivalent_by) continue;
    const note = f.equivalent_by ? `  verified by rule ${f.equivalent_by}` : '';
    lines.push(`    ${s.icon(f.status)} ${f.role.padEnd(6)} ${f.path}${note}`);
    // An equivalence always shows what it tolerated: bytes differ, and the user should see why that passed.
    if (f.equivalent_by && !options.verbose) lines.push(`        ${f.explanation?.summary ?? 'equivalent under the rule'}`);
    else if (f.status !== 'verified' || options.verbose) lines.push(...detailLines(f));
  }
  const effects = r.rerun.side_effects ?? [];
  for (const p of effects.slice(0, SHOWN_SIDE_EFFECTS)) lines.push(`    also wrote ${p} (discarded)`);
  lines.push(...more(effects.length, Math.min(effects.length, SHOWN_SIDE_EFFECTS), 'files written'));
  for (const p of (r.rerun.side_effects_deleted ?? []).slice(0, SHOWN_SIDE_EFFECTS)) lines.push(`    also deleted ${p} (only in the sandbox)`);
  if (r.rerun.kept) lines.push(`    sandbox kept at ${r.rerun.kept}`);
  return lines;
}

const SHOWN_SIDE_EFFECTS = 10;

export function rerunDagLines(d: RerunDagResult, results: readonly RerunVerification[], options: { verbose?: boolean; style?: VerdictStyle } = {}): string[] {
  const s = options.style ?? PLAIN_STYLE;
  const lines = [`${s.icon(d.status)} rerun-dag status=${s.status(d.status)} runs=${d.num_runs} edges=${d.num_edges}`];
  if (d.reason) lines.push(`    ${d.reason}`);
  for (const r of results) lines.push(...rerunLines(r, options));
  if (d.root_causes.length > 0) lines.push('', `Look first at: ${d.root_causes.join(', ')} (no failed run upstream of ${d.root_causes.length === 1 ? 'it' : 'them'})`);
  return lines;
}
