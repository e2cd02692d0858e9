/**
 * What `clew status` prints, from its verified runs: one function for the slow path (after the
 * store was read) and the warm path (from the snapshot), so both print the same bytes.
 */
import * as path from 'node:path';
import type { RunVerification, StatusResult } from '../../engine/verify/types';
import { aggregateStatus } from '../../engine/verify/verdicts';
import { exitCodeFor, json, styler } from './style';

export interface StatusReportInput {
  status: StatusResult;
  runs: readonly RunVerification[];
  dbPath: string;
  /** Hashes may have come from the stat cache (no --rehash). */
  cached: boolean;
}

export function statusExitCode(runs: readonly RunVerification[]): number {
  return exitCodeFor(aggregateStatus(runs));
}

/** Files no longer on disk that were checked inside an ancestor archive (spec §3.2). */
function fromArchive(runs: readonly RunVerification[]): { session_id: string; path: string; archive: string; status: string }[] {
  return runs.flatMap((r) => r.files.filter((f) => f.archive).map((f) => ({ session_id: r.session_id, path: f.path, archive: f.archive ?? '', status: f.status })));
}

export function renderStatusJson({ status, runs, cached }: StatusReportInput): string {
  const archived = fromArchive(runs);
  return json({ ...status, hashes_from_cache: cached, ...(archived.length > 0 ? { from_archive: archived } : {}) });
}

export function renderStatusText({ status, runs, dbPath, cached }: StatusReportInput, color: boolean): string {
  const s = styler(color);
  const worst = aggregateStatus(runs);
  const lines = [`Store: ${dbPath}`, cached ? 'Hashes: stat cache for unchanged files (use --rehash to re-read every byte)' : 'Hashes: every file re-read', ''];
  const byId = new Map(runs.map((r) => [r.session_id, r]));
  const section = (title: string, entries: { session_id: string; files: string[] }[]) => {
    if (entries.length === 0) return;
    lines.push(`${title}:`);
    for (const e of entries) {
      const run = byId.get(e.session_id);
      const script = run?.script_path ? path.basename(run.script_path) : '';
      lines.push(`  ${s.icon(run?.status ?? 'unknown')} ${e.session_id}  ${s.status(run?.status ?? 'unknown')}  ${script}`);
      for (const file of e.files) {
        const f = run?.files.find((x) => x.path === file);
        const note = f?.archive ? ` (from archive ${f.archive})` : f?.error ? ` (${f.error})` : '';
        lines.push(`      ${f?.status === 'missing' ? 'missing: ' : 'modified:'} ${file}${f?.role === 'input' ? ' (input)' : ''}${note}`);
      }
    }
    lines.push('');
  };
  section('Changed (hash mismatch)', status.mismatched);
  section('Missing files', status.missing);
  if (status.other.length > 0) {
    lines.push('Not verifiable:');
    for (const o of status.other) lines.push(`  ${s.icon(o.status)} ${o.session_id}  ${s.status(o.status)}`);
    lines.push('');
  }
  const archived = fromArchive(runs);
  if (archived.length > 0) {
    const archives = [...new Set(archived.map((f) => f.archive))];
    const files = new Set(archived.map((f) => f.path)).size;
    lines.push(`Checked from archives: ${files} recorded file${files === 1 ? '' : 's'} no longer on disk, read from ${archives.join(', ')}`, '');
  }
  if (runs.length === 0) lines.push('No runs recorded yet.');
  else if (worst === 'verified') lines.push(s.paint('green', `All ${runs.length} runs verified.`));
  lines.push(`${status.verified_count} verified, ${status.mismatch_count} changed, ${status.missing_count} missing, ${status.other_count} other (of ${runs.length} runs)`);
  return lines.join('\n');
}
