/**
 * Upstream's `clew hash-file PATH` and `clew hash-directory PATH`, unchanged: the bare digest (or
 * "<digest>  <relpath>" lines sorted by path), or with the global --json {path, algorithm, hash} /
 * {path, pattern, recursive, algorithm, hashes}. A missing file or a non-folder exits 1.
 */
import * as path from 'node:path';
import { ClewError, errorMessage } from '../../../engine/errors';
import { ArchiveError } from '../../../engine/hash/archive';
import { hashDirectoryWith, hashFileOrMember, type FileDigest } from '../../../engine/hash/digest';
import { parseCommandArgs } from '../../args';
import type { CliCommand, CliIo } from '../../types';
import { pyJson } from './pyJson';

const FILE_USAGE = `Usage: clew [--json] hash-file PATH [--algorithm sha256] [--chunk-size 8192]

scitex-clew's hash-file: the full hex digest of one file. A file gone from disk is read from its
member in an ancestor archive (D.tar.gz, D.tar.xz, D.tar), as upstream does. Exit 1 if missing.
(Clew's own: clew hash PATH…)`;

function failure(io: CliIo, asJson: boolean, given: string, message: string): number {
  if (asJson) io.out(pyJson({ error: message, path: given }));
  else io.err(`ERROR: ${message}`);
  return 1;
}

export const hashFileCommand: CliCommand = {
  name: 'hash-file',
  summary: "scitex-clew's digest of one file (--algorithm, --chunk-size)",
  usage: FILE_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(argv, { algorithm: { type: 'string' }, 'chunk-size': { type: 'string' } }, FILE_USAGE);
    if (positionals.length !== 1) throw new ClewError('usage', `clew hash-file needs exactly one PATH\n${FILE_USAGE}`);
    const chunkSize = values['chunk-size'] === undefined ? 8192 : Number(values['chunk-size']);
    if (!Number.isInteger(chunkSize)) throw new ClewError('usage', `--chunk-size must be a whole number, got '${values['chunk-size']}'`);
    const given = positionals[0];
    const algorithm = values.algorithm ?? 'sha256';
    let digest: FileDigest;
    try {
      digest = await hashFileOrMember(path.resolve(io.cwd, given), { algorithm, chunkSize });
    } catch (err) {
      if (err instanceof ClewError) throw err;
      return failure(io, globals.json, given, errorMessage(err));
    }
    const { hash } = digest;
    if (hash === undefined) return failure(io, globals.json, given, `File not found: ${given}${'note' in digest && digest.note ? ` (${digest.note})` : ''}`);
    // The digest alone stays the text output (scripts read it); JSON says where the bytes came from.
    const archive = 'archive' in digest ? digest.archive : undefined;
    io.out(globals.json ? pyJson({ path: given, algorithm, hash, ...(archive ? { archive } : {}) }) : hash);
    return 0;
  },
};

const DIR_USAGE = `Usage: clew [--json] hash-directory PATH [--pattern GLOB] [--recursive|--no-recursive] [--algorithm sha256]

scitex-clew's hash-directory: "<digest>  <relative path>" for every file matching GLOB (default *,
matched against file names, in subfolders too unless --no-recursive), sorted by path. A folder
archived to PATH.tar.gz/.tar.xz/.tar (or PATH naming such an archive) is hashed member by member.
Exit 1 if PATH is not a folder.`;

export const hashDirectoryCommand: CliCommand = {
  name: 'hash-directory',
  summary: "scitex-clew's digests of every file in a folder (--pattern, --no-recursive)",
  usage: DIR_USAGE,
  async run(argv, globals, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { pattern: { type: 'string' }, recursive: { type: 'boolean' }, 'no-recursive': { type: 'boolean' }, algorithm: { type: 'string' } },
      DIR_USAGE,
    );
    if (positionals.length !== 1) throw new ClewError('usage', `clew hash-directory needs exactly one PATH\n${DIR_USAGE}`);
    const given = positionals[0];
    const pattern = values.pattern ?? '*';
    const recursive = !values['no-recursive'];
    const algorithm = values.algorithm ?? 'sha256';
    let hashes: Map<string, string>;
    try {
      hashes = await hashDirectoryWith(path.resolve(io.cwd, given), { pattern, recursive, algorithm });
    } catch (err) {
      if (err instanceof ClewError && err.code === 'not-found') return failure(io, globals.json, given, `Not a directory: ${given}`);
      if (err instanceof ArchiveError) return failure(io, globals.json, given, err.message);
      throw err;
    }
    if (globals.json) io.out(pyJson({ path: given, pattern, recursive, algorithm, hashes: Object.fromEntries(hashes) }));
    else if (hashes.size > 0) io.out([...hashes].map(([rel, h]) => `${h}  ${rel}`).join('\n'));
    return 0;
  },
};
