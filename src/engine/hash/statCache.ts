/**
 * The stat cache, as git's index does it: (dev, ino, size, mtime ns, ctime ns) → sha256, kept in a
 * file of Clew's own beside the store (`clew-statcache.json`, never inside the shared SQLite
 * store), so the CLI and the extension share it.
 *
 * Contracts:
 * - A cached hash is served only when all five stat fields match exactly.
 * - Racy entries: when a file's mtime is within TIMESTAMP_GRANULARITY_NS of the moment its hash
 *   was taken, a later write in the same timestamp tick could leave the stat unchanged, so such an
 *   entry is never trusted: the file is re-hashed (and re-cached, no longer racy) next time.
 * - Saving is atomic (write temp file, rename) and merges with what another process saved
 *   meanwhile (newest entry per path wins), so concurrent writers never corrupt the file.
 * - A corrupt or foreign cache file is ignored (and replaced on the next save), never fatal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lazyCrypto } from '../util/lazyBuiltins';

export const STAT_CACHE_FILE = 'clew-statcache.json';
/** Coarsest common filesystem timestamp resolution (FAT: 2 s); ext4/APFS are finer. */
export const TIMESTAMP_GRANULARITY_NS = 2_000_000_000n;
const FORMAT = 'clew-statcache-v1';

export interface StatKey {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

interface Entry extends StatKey {
  hash: string;
  /** Wall-clock ns when the stat was taken, for the racy rule. */
  cachedAtNs: bigint;
}

type SerializedEntry = [string, string, string, string, string, string, string];

export function statKeyOf(stat: fs.BigIntStats): StatKey {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
}

function sameKey(a: StatKey, b: StatKey): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export class StatCache {
  private readonly entries = new Map<string, Entry>();
  private dirty = new Set<string>();

  private constructor(readonly filePath: string) {}

  static open(storeDir: string): StatCache {
    const cache = new StatCache(path.join(storeDir, STAT_CACHE_FILE));
    for (const [p, e] of readEntries(cache.filePath)) cache.entries.set(p, e);
    return cache;
  }

  /** A cache that only records (for a rehash): save() still merges with the file on disk. */
  static empty(storeDir: string): StatCache {
    return new StatCache(path.join(storeDir, STAT_CACHE_FILE));
  }

  /** The cached hash when the stat matches and the entry is not racy; else undefined. */
  lookup(filePath: string, key: StatKey): string | undefined {
    const entry = this.entries.get(filePath);
    if (!entry || !sameKey(entry, key)) return undefined;
    if (entry.cachedAtNs - entry.mtimeNs < TIMESTAMP_GRANULARITY_NS) return undefined;
    return entry.hash;
  }

  /** Records a hash computed for a file whose stat (taken BEFORE reading it) was `key`. */
  remember(filePath: string, key: StatKey, hash: string, cachedAtNs: bigint): void {
    this.entries.set(filePath, { ...key, hash, cachedAtNs });
    this.dirty.add(filePath);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Merges our new entries into the file on disk atomically. No-op when nothing changed. */
  save(): void {
    if (this.dirty.size === 0) return;
    const merged = readEntries(this.filePath);
    for (const p of this.dirty) {
      const mine = this.entries.get(p);
      const theirs = merged.get(p);
      if (mine && (!theirs || theirs.cachedAtNs <= mine.cachedAtNs)) merged.set(p, mine);
    }
    const serialized: Record<string, SerializedEntry> = {};
    for (const [p, e] of merged) {
      serialized[p] = [e.dev, e.ino, e.size, e.mtimeNs, e.ctimeNs, e.cachedAtNs, e.hash].map(String) as SerializedEntry;
    }
    const tmp = `${this.filePath}.${process.pid}.${lazyCrypto().randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: serialized }));
      fs.renameSync(tmp, this.filePath);
      this.dirty = new Set();
    } catch {
      // A read-only store folder just means no persistent cache; hashing still works.
      fs.rmSync(tmp, { force: true });
    }
  }
}

function readEntries(filePath: string): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(filePath, 'utf8'));
  } catch {
    return entries;
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { format?: unknown }).format !== FORMAT) return entries;
  const raw = (parsed as { entries?: unknown }).entries;
  if (typeof raw !== 'object' || raw === null) return entries;
  for (const [p, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(value) || value.length !== 7) continue;
    try {
      const [dev, ino, size, mtimeNs, ctimeNs, cachedAtNs, hash] = value as string[];
      if (!/^[0-9a-f]{64}$/.test(hash)) continue;
      entries.set(p, { dev: BigInt(dev), ino: BigInt(ino), size: BigInt(size), mtimeNs: BigInt(mtimeNs), ctimeNs: BigInt(ctimeNs), cachedAtNs: BigInt(cachedAtNs), hash });
    } catch {
      continue;
    }
  }
  return entries;
}
