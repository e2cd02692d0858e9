/** `clew hash PATH…`: SHA-256 of files (full hex) and folders (hash_directory, one line per file). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../engine/errors';
import { hashDirectory, hashFile } from '../../engine/hash/sha256';
import { parseCommandArgs } from '../args';
import { json } from '../render/style';
import type { CliCommand } from '../types';

const USAGE = `Usage: clew hash PATH… [--no-recursive] [--json]

Prints "<sha256>  <path>" for each file; for a folder, one line per file inside it (relative
paths, sorted), as upstream's hash_directory. Exit 0, or 1 if any path is missing or unreadable.`;

interface Hashed {
  path: string;
  algorithm: 'sha256';
  hash: string;
}

export const hashCommand: CliCommand = {
  name: 'hash',
  summary: 'print the SHA-256 of files or folders',
  usage: USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { 'no-recursive': { type: 'boolean' }, json: { type: 'boolean' } }, USAGE);
    if (positionals.length === 0) throw new ClewError('usage', `clew hash needs at least one PATH\n${USAGE}`);
    const results: Hashed[] = [];
    let failed = 0;
    for (const p of positionals) {
      const abs = path.resolve(io.cwd, p);
      try {
        if (fs.statSync(abs).isDirectory()) {
          for (const [rel, hash] of await hashDirectory(abs, { recursive: !values['no-recursive'] })) results.push({ path: path.join(p, rel), algorithm: 'sha256', hash });
        } else {
          results.push({ path: p, algorithm: 'sha256', hash: await hashFile(abs) });
        }
      } catch (err) {
        failed++;
        const code = (err as NodeJS.ErrnoException).code;
        io.err(`clew: ${code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'error'})`}: ${p}`);
      }
    }
    if (globals.json || values.json) io.out(json(results));
    else if (results.length > 0) io.out(results.map((r) => `${r.hash}  ${r.path}`).join('\n'));
    return failed > 0 ? 1 : 0;
  },
};
