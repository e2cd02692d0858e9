/** `clew status`: git-status-like overview of the newest runs. */
import * as path from 'node:path';
import { verifyStatus } from '../../engine/verify';
import { aggregateStatus } from '../../engine/verify/verdicts';
import { parseCommandArgs } from '../args';
import { withStore } from '../context';
import { exitCodeFor, json, styler } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew status [--rehash] [--limit N] [--json]

Verifies the newest runs (default 1000) and lists runs whose files changed or went missing.
Hashes come from Clew's stat cache for files whose size, mtime, ctime and inode are unchanged;
--rehash re-reads every byte. Exit: 0 all verified, 12 a mismatch, 11 missing files, 10 other.`;

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show which recorded files changed or went missing',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values } = parseCommandArgs(argv, { rehash: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' } }, USAGE);
    const limit = values.limit === undefined ? 1000 : Number(values.limit);
    return withStore(globals, io, { useCache: !values.rehash }, async ({ view, hasher, cached }) => {
      const { status, runs } = await verifyStatus({ view, hasher, cwd: io.cwd }, limit);
      const worst = aggregateStatus(runs);
      // Files no longer on disk that were checked inside an ancestor archive (spec §3.2).
      const fromArchive = runs.flatMap((r) => r.files.filter((f) => f.archive).map((f) => ({ session_id: r.session_id, path: f.path, archive: f.archive ?? '', status: f.status })));
      if (globals.json || values.json) {
        io.out(json({ ...status, hashes_from_cache: cached, ...(fromArchive.length > 0 ? { from_archive: fromArchive } : {}) }));
        return exitCodeFor(worst);
      }
      const s = styler(io.color);
      const lines = [`Store: ${view.dbPath}`, cached ? 'Hashes: stat cache for unchanged files (use --rehash to re-read every byte)' : 'Hashes: every file re-read', ''];
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
      if (fromArchive.length > 0) {
        const archives = [...new Set(fromArchive.map((f) => f.archive))];
        const files = new Set(fromArchive.map((f) => f.path)).size;
        lines.push(`Checked from archives: ${files} recorded file${files === 1 ? '' : 's'} no longer on disk, read from ${archives.join(', ')}`, '');
      }
      if (runs.length === 0) lines.push('No runs recorded yet.');
      else if (worst === 'verified') lines.push(s.paint('green', `All ${runs.length} runs verified.`));
      lines.push(`${status.verified_count} verified, ${status.mismatch_count} changed, ${status.missing_count} missing, ${status.other_count} other (of ${runs.length} runs)`);
      io.out(lines.join('\n'));
      return exitCodeFor(worst);
    });
  },
};
