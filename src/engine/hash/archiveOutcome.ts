/**
 * The hasher's answer for a path that is absent: its member in an ancestor archive (spec §3.2),
 * else missing, with a note when an archive that might hold it could not be read. Member hashes
 * go through the stat cache keyed by the archive's own stat, so an unchanged archive is not
 * decompressed again on the next `clew status`.
 */
import { nowNs, type StatCache } from './statCache';
import { hashMember, locateInArchive, type ArchiveCandidate, type ArchiveStatMemo } from './archive';
import type { HashOutcome } from './types';

/** The stat cache entry of a member: a key no real path can have (NUL never occurs in one). */
function cacheKey(c: ArchiveCandidate): string {
  return `${c.archive}\0${c.member}`;
}

export async function archiveOutcome(filePath: string, memo: ArchiveStatMemo, cache: StatCache | undefined, useCache: boolean): Promise<HashOutcome> {
  const cachedHash = (c: ArchiveCandidate) => (useCache ? cache?.lookup(cacheKey(c), c.key) : undefined);
  const { found, errors } = await locateInArchive(filePath, memo, (c) => cachedHash(c) !== undefined);
  if (!found) return errors.length > 0 ? { kind: 'missing', error: errors.join('; ') } : { kind: 'missing' };
  const hit = cachedHash(found);
  if (hit) return { kind: 'hash', hash: hit, cached: true, archive: found.archive };
  const takenAt = nowNs();
  try {
    const hash = await hashMember(found);
    cache?.remember(cacheKey(found), found.key, hash, takenAt);
    return { kind: 'hash', hash, cached: false, archive: found.archive };
  } catch (err) {
    return { kind: 'missing', error: `cannot read ${found.member} from archive ${found.archive}: ${(err as Error).message}` };
  }
}
