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

export function renderStatusJson({ status, cached }: StatusReportInput): string {
  return json({ ...status, hashes_from_cache: cached });
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
        lines.push(`      ${f?.status === 'missing' ? 'missing: ' : 'modified:'} ${file}${f?.role === 'input' ? ' (input)' : ''}`);
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
  if (runs.length === 0) lines.push('No runs recorded yet.');
  else if (worst === 'verified') lines.push(s.paint('green', `All ${runs.length} runs verified.`));
  lines.push(`${status.verified_count} verified, ${status.mismatch_count} changed, ${status.missing_count} missing, ${status.other_count} other (of ${runs.length} runs)`);
  return lines.join('\n');
}
