/**
 * The archive fallback (spec §3.2, §2.6): a recorded file whose folder was archived to
 * `D.tar.gz` / `D.tar.xz` / `D.tar` beside it is read from the archive member
 * `<basename(D)>/<rest of path>`. Members are streamed out of the system tar into the hash, never
 * extracted to disk. Each archive is listed once per process (again if its size or mtime changes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lazyCrypto } from '../util/lazyBuiltins';
import { statKeyOf, type StatKey } from './statCache';
import { compressionFlag, isGnuTar, onPath, runTar, tarTimeoutMs } from './tarProcess';

/** An archive that exists but cannot be read (corrupt, or tar/xz missing): a reason, never a crash. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export const ARCHIVE_EXTENSIONS = ['.tar.gz', '.tar.xz', '.tar'] as const;
/** Spec §3.2: ancestors looked at, deepest first. */
export const MAX_ARCHIVE_LEVELS = 8;

export interface ArchiveFile {
  archive: string;
  key: StatKey;
}

export interface ArchiveCandidate extends ArchiveFile {
  member: string;
}

/** "Which archives sit beside this folder", shared by one batch so siblings cost one stat each. */
export type ArchiveStatMemo = Map<string, ArchiveFile[]>;

function statArchive(archive: string): ArchiveFile | undefined {
  try {
    const stat = fs.statSync(archive, { bigint: true, throwIfNoEntry: false });
    return stat?.isFile() ? { archive, key: statKeyOf(stat) } : undefined;
  } catch {
    return undefined;
  }
}

function archivesBeside(dir: string, memo: ArchiveStatMemo): ArchiveFile[] {
  let found = memo.get(dir);
  if (!found) {
    found = ARCHIVE_EXTENSIONS.map((ext) => statArchive(dir + ext)).filter((a): a is ArchiveFile => a !== undefined);
    memo.set(dir, found);
  }
  return found;
}

/** Every (archive, member) that could hold `filePath`, in the order the spec tries them. */
export function archiveCandidates(filePath: string, memo: ArchiveStatMemo = new Map()): ArchiveCandidate[] {
  const abs = path.resolve(filePath);
  const out: ArchiveCandidate[] = [];
  let dir = path.dirname(abs);
  // The root is skipped: "/.tar" would stand for the whole file system.
  for (let level = 0; level < MAX_ARCHIVE_LEVELS && path.dirname(dir) !== dir; level++, dir = path.dirname(dir)) {
    const member = `${path.basename(dir)}/${path.relative(dir, abs).split(path.sep).join('/')}`;
    for (const a of archivesBeside(dir, memo)) out.push({ ...a, member });
  }
  return out;
}

async function tarArgs(mode: '-t' | '-x', archive: string, member?: string): Promise<string[]> {
  if (archive.endsWith('.tar.xz') && !onPath('xz')) {
    throw new Error(`reading ${path.basename(archive)} needs the xz program, which is not installed (e.g. apt install xz-utils)`);
  }
  const gnu = (await isGnuTar()) ? ['--quoting-style=literal', '--no-wildcards', '--force-local'] : [];
  return [mode, ...(mode === '-x' ? ['-O'] : []), ...compressionFlag(archive), ...gnu, '-f', archive, ...(member === undefined ? [] : ['--', member])];
}

const listings = new Map<string, { stamp: string; names: Promise<string[]> }>();

/** Member names as tar lists them (folders end in "/"), cached per archive path + size + mtime. */
export function listArchive(file: ArchiveFile): Promise<string[]> {
  const stamp = `${file.key.size}:${file.key.mtimeNs}`;
  const hit = listings.get(file.archive);
  if (hit?.stamp === stamp) return hit.names;
  const names = (async () => {
    const chunks: Buffer[] = [];
    await runTar(await tarArgs('-t', file.archive), (c) => chunks.push(c), tarTimeoutMs(Number(file.key.size)));
    return Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
  })();
  listings.set(file.archive, { stamp, names });
  return names;
}

const memberSets = new WeakMap<string[], Set<string>>();

async function hasMember(candidate: ArchiveCandidate): Promise<boolean> {
  const names = await listArchive(candidate);
  let set = memberSets.get(names);
  if (!set) memberSets.set(names, (set = new Set(names)));
  return set.has(candidate.member);
}

/**
 * Digest of one member's bytes, streamed out of tar (`algorithm` as node:crypto names it). A name
 * stored twice (an archive appended to with `tar -r`) means its last copy, as Python's tarfile and
 * an extraction to disk both read it; `tar -x -O` alone would stream every copy, one after another.
 */
export async function hashMember(candidate: ArchiveCandidate, algorithm = 'sha256'): Promise<string> {
  const copies = (await listArchive(candidate)).filter((n) => n === candidate.member).length;
  const args = await tarArgs('-x', candidate.archive, candidate.member);
  if (copies > 1) {
    if (!(await isGnuTar())) throw new ArchiveError(`${path.basename(candidate.archive)} holds ${candidate.member} ${copies} times, and only GNU tar can read the last copy alone`);
    args.splice(args.indexOf('-f'), 0, `--occurrence=${copies}`);
  }
  const hash = lazyCrypto().createHash(algorithm);
  await runTar(args, (c) => hash.update(c), tarTimeoutMs(Number(candidate.key.size)));
  return hash.digest('hex');
}

export type ArchiveLookup = { found: ArchiveCandidate; errors: string[] } | { found: undefined; errors: string[] };

/**
 * The first candidate archive that lists the file's member. An archive tar cannot read is skipped
 * and reported in `errors`, so a corrupt archive leaves the file missing with a reason, never a crash.
 */
export async function locateInArchive(filePath: string, memo: ArchiveStatMemo = new Map(), known?: (c: ArchiveCandidate) => boolean): Promise<ArchiveLookup> {
  const errors: string[] = [];
  for (const candidate of archiveCandidates(filePath, memo)) {
    if (known?.(candidate)) return { found: candidate, errors };
    try {
      if (await hasMember(candidate)) return { found: candidate, errors };
    } catch (err) {
      errors.push(`cannot read archive ${candidate.archive}: ${(err as Error).message}`);
    }
  }
  return { found: undefined, errors };
}

/** `hash_directory` on a folder that is now an archive: PATH itself, or PATH.tar.gz/.tar.xz/.tar. */
export function directoryArchive(dir: string): ArchiveFile | undefined {
  const abs = path.resolve(dir);
  if (ARCHIVE_EXTENSIONS.some((ext) => abs.endsWith(ext))) return statArchive(abs);
  for (const ext of ARCHIVE_EXTENSIONS) {
    const found = statArchive(abs + ext);
    if (found) return found;
  }
  return undefined;
}

/**
 * {relative name → member} for every file member (folders, which tar lists with a trailing "/",
 * are left out), with a single top-level folder (the archived D itself, or ".") stripped.
 */
export async function archiveFiles(file: ArchiveFile): Promise<Map<string, ArchiveCandidate>> {
  const names = (await listArchive(file)).filter((n) => !n.endsWith('/'));
  const tops = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/')) : '')));
  const strip = tops.size === 1 && !tops.has('') ? [...tops][0].length + 1 : 0;
  return new Map(names.map((n) => [n.slice(strip), { ...file, member: n }]));
}
