/**
 * Upstream's `hash_file(path, algorithm, chunk_size)` and `hash_directory(path, pattern,
 * recursive, algorithm)` with their options (spec §2.6), for the `hash-file` / `hash-directory`
 * commands. Verification always uses SHA-256 (./sha256.ts); these exist so other algorithms and
 * glob filters give the digests scitex-clew users already script against. Both see archive
 * members as upstream does: a file gone from disk is read from an ancestor archive (§3.2), a
 * folder that is now `D.tar.gz` is hashed member by member (§2.6).
 */
import { createHash, getHashes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ClewError } from '../errors';
import { ArchiveError, archiveFiles, directoryArchive, hashMember, locateInArchive, type ArchiveFile } from './archive';

/** Python hashlib names whose OpenSSL spelling differs. */
const OPENSSL_NAME: Record<string, string> = { blake2b: 'blake2b512', blake2s: 'blake2s256' };

function algorithmName(algorithm: string): string {
  const name = OPENSSL_NAME[algorithm.toLowerCase()] ?? algorithm.toLowerCase();
  if (!getHashes().includes(name)) throw new ClewError('io', `unsupported hash type ${algorithm}`);
  return name;
}

export async function hashFileWith(file: string, options: { algorithm?: string; chunkSize?: number } = {}): Promise<string> {
  const hash = createHash(algorithmName(options.algorithm ?? 'sha256'));
  const chunk = options.chunkSize && options.chunkSize > 0 ? options.chunkSize : 8192;
  for await (const piece of fs.createReadStream(file, { highWaterMark: chunk })) hash.update(piece as Buffer);
  return hash.digest('hex');
}

export type FileDigest = { hash: string; archive?: string } | { hash: undefined; note?: string };

/** hashFileWith, or for a path that is gone, its member in an ancestor archive (spec §3.2). */
export async function hashFileOrMember(file: string, options: { algorithm?: string; chunkSize?: number } = {}): Promise<FileDigest> {
  try {
    return { hash: await hashFileWith(file, options) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const { found, errors } = await locateInArchive(file);
  if (!found) return errors.length > 0 ? { hash: undefined, note: errors.join('; ') } : { hash: undefined };
  try {
    return { hash: await hashMember(found, algorithmName(options.algorithm ?? 'sha256')), archive: found.archive };
  } catch (err) {
    throw new ArchiveError(`cannot read ${found.member} from archive ${found.archive}: ${(err as Error).message}`);
  }
}

/** Spec §2.6: the files of a folder that now lives in an archive, keys as for a folder. */
async function hashArchivedDirectory(archived: ArchiveFile, matches: (rel: string) => boolean, recursive: boolean, algorithm: string): Promise<Map<string, string>> {
  let files;
  try {
    files = await archiveFiles(archived);
  } catch (err) {
    throw new ArchiveError(`cannot read archive ${archived.archive}: ${(err as Error).message}`);
  }
  const result = new Map<string, string>();
  for (const rel of [...files.keys()].filter((r) => (recursive || !r.includes('/')) && matches(r)).sort()) {
    const member = files.get(rel);
    if (!member) continue;
    try {
      result.set(rel, await hashMember(member, algorithm));
    } catch (err) {
      throw new ArchiveError(`cannot read ${member.member} from archive ${archived.archive}: ${(err as Error).message}`);
    }
  }
  return result;
}

/**
 * {relative path → digest}, sorted by path. Like Python's glob/rglob, a pattern without "/" is
 * matched against the file name at any depth (or only at the top with recursive false); hidden
 * files match "*"; symlinked folders are not descended, symlinked files are hashed.
 */
export async function hashDirectoryWith(dir: string, options: { pattern?: string; recursive?: boolean; algorithm?: string } = {}): Promise<Map<string, string>> {
  const isDir = fs.existsSync(dir) && fs.statSync(dir).isDirectory();
  const archived = isDir ? undefined : directoryArchive(dir);
  if (!isDir && !archived) throw new ClewError('not-found', `Not a directory: ${dir}`);
  const algorithm = algorithmName(options.algorithm ?? 'sha256');
  const pattern = options.pattern ?? '*';
  const matches = picomatch(pattern, { dot: true, basename: !pattern.includes('/') });
  if (archived) return hashArchivedDirectory(archived, matches, options.recursive ?? true, algorithm);
  const entries = fs.readdirSync(dir, { recursive: options.recursive ?? true }).map(String);
  const files = entries.filter((rel) => matches(rel.split(path.sep).join('/')) && fs.statSync(path.join(dir, rel), { throwIfNoEntry: false })?.isFile()).sort();
  const result = new Map<string, string>();
  for (const rel of files) result.set(rel, await hashFileWith(path.join(dir, rel), { algorithm: options.algorithm }));
  return result;
}
