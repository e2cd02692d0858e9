/** `clew check-crate PATH`: an exported crate checked on a machine without the store. */
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { checkCrate } from '../../engine/export/checkCrate';
import { parseCommandArgs } from '../args';
import { json, styler } from '../render/style';
import type { CliCommand } from '../types';
import { readPem } from './stamps';

const USAGE = `Usage: clew check-crate PATH [--data DIR] [--tsa-cert CA.pem] [--json]

Checks an RO-Crate written by \`clew export ro-crate\` without any Clew store: every file named
with a sha256 is re-hashed (in the crate folder or zip, or under --data DIR for a crate exported
without its data), and every stamp is re-checked from the crate's own metadata — the stamped runs'
combined hashes recomputed from their files' hashes, the root hash over them, and an RFC 3161
token verified offline (against --tsa-cert when given). Metadata edited after export (a hash
changed, a run removed) fails the stamp. PATH: the crate folder, its ro-crate-metadata.json, or a zip.
Exit (as clew status): 0 all verified, 12 a mismatch or a stamp that no longer holds, 11 missing
files, 10 a token that cannot be re-verified, 1 no crate at PATH.`;

export const checkCrateCommand: CliCommand = {
  name: 'check-crate',
  summary: 'check an exported RO-Crate without the store (files, stamps, tokens)',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { data: { type: 'string' }, 'tsa-cert': { type: 'string' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length !== 1) throw new ClewError('usage', `clew check-crate needs exactly one PATH\n${USAGE}`);
    const result = await checkCrate(path.resolve(io.cwd, positionals[0]), {
      dataDir: values.data === undefined ? undefined : path.resolve(io.cwd, values.data),
      tsaCertPem: readPem(io, values['tsa-cert']),
    });
    if (globals.json || values.json) {
      io.out(json(result));
      return result.exit_code;
    }
    const s = styler(io.color);
    const count = (w: string) => result.files.filter((f) => f.status === w).length;
    const lines = [`Crate ${result.crate}: ${s.status(result.status)} — ${result.files.length} file(s): ${count('verified')} verified, ${count('mismatch')} mismatch, ${count('missing')} missing`];
    if (result.data !== result.crate) lines.push(`  data from ${result.data}`);
    for (const f of result.files) {
      if (f.status === 'verified') continue;
      const detail = f.status === 'mismatch' ? ` (expected ${f.expected_hash.slice(0, 12)}…, got ${f.current_hash?.slice(0, 12) ?? '-'}…)` : f.error ? ` (${f.error})` : '';
      lines.push(`  ${s.status(f.status).padEnd(io.color ? 17 : 8)} ${f.path}${detail}`);
    }
    for (const st of result.stamps) {
      lines.push(`Stamp ${st.stamp_id} (${st.backend}): ${st.verdict === 'holds' ? s.paint('green', 'holds') : s.paint('red', st.verdict)}`);
      for (const d of st.details) lines.push(`  - ${d}`);
    }
    if (result.stamps.length === 0) lines.push('No stamp in the crate: its metadata cannot be checked against a root hash.');
    io.out(lines.join('\n'));
    return result.exit_code;
  },
};
