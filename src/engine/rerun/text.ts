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

function detailLines(f: RerunFileResult): string[] {
  const e = f.explanation as (RerunFileResult['explanation'] & { diff?: string; cells?: { row: number; column: string; recorded: string; rerun: string; delta?: number }[]; keys?: { path: string; change: string }[] }) | undefined;
  if (!e) return [];
  const lines = [`        ${e.summary}`];
  if (e.diff) lines.push(...e.diff.split('\n').slice(0, 40).map((l) => `        ${l}`));
  for (const c of (e.cells ?? []).slice(0, 10)) lines.push(`        row ${c.row}, ${c.column}: ${c.recorded} → ${c.rerun}${c.delta === undefined ? '' : ` (Δ ${c.delta})`}`);
  for (const k of (e.keys ?? []).slice(0, 10)) lines.push(`        ${k.change}: ${k.path}`);
  if (f.rerun_output) lines.push(`        rerun's version kept at ${f.rerun_output}`);
  return lines;
}

export function rerunLines(r: RerunVerification, options: { verbose?: boolean; style?: VerdictStyle } = {}): string[] {
  const s = options.style ?? PLAIN_STYLE;
  const how = r.rerun.sandbox ? `  (${r.rerun.sandbox} sandbox, ${(r.rerun.duration_ms / 1000).toFixed(1)} s${r.rerun.chained ? ', chained' : ''})` : '';
  const icon = r.is_verified_from_scratch ? `${s.icon('verified')}${s.icon('verified')}` : s.icon(r.status);
  const lines = [`${icon} ${r.session_id}  ${s.status(r.status)} — ${verdictWords(r)}${r.script_path ? `  ${r.script_path}` : ''}${how}`];
  if (r.rerun.reason) lines.push(`    ${r.rerun.reason}`);
  for (const f of r.files) {
    if (!options.verbose && f.is_verified && !f.equivalent_by) continue;
    const note = f.equivalent_by ? `  (equivalent under rule: ${f.equivalent_by})` : '';
    lines.push(`    ${s.icon(f.status)} ${f.role.padEnd(6)} ${f.path}${note}`);
    if (f.status !== 'verified' || options.verbose) lines.push(...detailLines(f));
  }
  if (r.rerun.kept) lines.push(`    sandbox kept at ${r.rerun.kept}`);
  return lines;
}

export function rerunDagLines(d: RerunDagResult, results: readonly RerunVerification[], options: { verbose?: boolean; style?: VerdictStyle } = {}): string[] {
  const s = options.style ?? PLAIN_STYLE;
  const lines = [`${s.icon(d.status)} rerun-dag status=${s.status(d.status)} runs=${d.num_runs} edges=${d.num_edges}`];
  if (d.reason) lines.push(`    ${d.reason}`);
  for (const r of results) lines.push(...rerunLines(r, options));
  if (d.root_causes.length > 0) lines.push('', `Look first at: ${d.root_causes.join(', ')} (no failed run upstream of ${d.root_causes.length === 1 ? 'it' : 'them'})`);
  return lines;
}
