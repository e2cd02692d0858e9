/**
 * Upstream's `hash_file(path, algorithm, chunk_size)` and `hash_directory(path, pattern,
 * recursive, algorithm)` with their options (spec §2.6), for the `hash-file` / `hash-directory`
 * commands. Verification always uses SHA-256 (./sha256.ts); these exist so other algorithms and
 * glob filters give the digests scitex-clew users already script against.
 */
import { createHash, getHashes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { ClewError } from '../errors';

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

/**
 * {relative path → digest}, sorted by path. Like Python's glob/rglob, a pattern without "/" is
 * matched against the file name at any depth (or only at the top with recursive false); hidden
 * files match "*"; symlinked folders are not descended, symlinked files are hashed.
 */
export async function hashDirectoryWith(dir: string, options: { pattern?: string; recursive?: boolean; algorithm?: string } = {}): Promise<Map<string, string>> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new ClewError('not-found', `Not a directory: ${dir}`);
  algorithmName(options.algorithm ?? 'sha256');
  const pattern = options.pattern ?? '*';
  const matches = picomatch(pattern, { dot: true, basename: !pattern.includes('/') });
  const entries = fs.readdirSync(dir, { recursive: options.recursive ?? true }).map(String);
  const files = entries.filter((rel) => matches(rel.split(path.sep).join('/')) && fs.statSync(path.join(dir, rel), { throwIfNoEntry: false })?.isFile()).sort();
  const result = new Map<string, string>();
  for (const rel of files) result.set(rel, await hashFileWith(path.join(dir, rel), { algorithm: options.algorithm }));
  return result;
}
