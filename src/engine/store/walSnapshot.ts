/**
 * Pure-TypeScript snapshot of a live SQLite WAL database (storage note §1.3–1.4): the main file
 * overlaid with every page of the WAL up to its last valid commit frame, validated with SQLite's
 * own salt and checksum rules, taken under the consistency protocol that rules out torn images:
 *   - the WAL header (magic, page size, ckptSeq, salts) is identical before reading main, at the
 *     start of the frame scan and after it, and the -wal we read is still the file at its path
 *     (not one deleted and started anew meanwhile) — one WAL generation throughout; or
 *   - with no valid WAL: stat(main) unchanged across the read and not modified within SETTLE_MS.
 * A read that fails the protocol is retried; after the retry budget, callers use a locking reader.
 */
import * as fs from 'node:fs';

const WAL_MAGIC_LE = 0x377f0682;
const WAL_MAGIC_BE = 0x377f0683;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
export const SETTLE_MS = 50;

export class NotSqliteError extends Error {}
export class TruncatedError extends Error {}

interface WalHeader {
  bigEndian: boolean;
  pageSize: number;
  ckptSeq: number;
  salt1: number;
  salt2: number;
  checksum: [number, number];
}

function sameGeneration(a: WalHeader | undefined, b: WalHeader | undefined): boolean {
  if (!a || !b) return a === b;
  return a.bigEndian === b.bigEndian && a.pageSize === b.pageSize && a.ckptSeq === b.ckptSeq && a.salt1 === b.salt1 && a.salt2 === b.salt2;
}

/** Adds words of `data` into the running checksum, as SQLite's walChecksumBytes. */
function checksum(data: Buffer, bigEndian: boolean, seed: [number, number]): [number, number] {
  let s1 = seed[0];
  let s2 = seed[1];
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const w1 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const w2 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s1 = (s1 + w1 + s2) >>> 0;
    s2 = (s2 + w2 + s1) >>> 0;
  }
  return [s1, s2];
}

function readWalHeader(fd: number | undefined): WalHeader | undefined {
  if (fd === undefined) return undefined;
  const buf = Buffer.alloc(32);
  if (fs.readSync(fd, buf, 0, 32, 0) < 32) return undefined;
  const magic = buf.readUInt32BE(0);
  if (magic !== WAL_MAGIC_LE && magic !== WAL_MAGIC_BE) return undefined;
  const bigEndian = magic === WAL_MAGIC_BE;
  const pageSize = buf.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  const sum = checksum(buf.subarray(0, 24), bigEndian, [0, 0]);
  if (sum[0] !== buf.readUInt32BE(24) || sum[1] !== buf.readUInt32BE(28)) return undefined;
  return { bigEndian, pageSize, ckptSeq: buf.readUInt32BE(12), salt1: buf.readUInt32BE(16), salt2: buf.readUInt32BE(20), checksum: sum };
}

/** Committed pages of the WAL: page number → page bytes, and the db size at the last commit. */
function scanWal(fd: number, header: WalHeader): { pages: Map<number, Buffer>; dbPages: number } {
  const frameSize = 24 + header.pageSize;
  const pending = new Map<number, Buffer>();
  const committed = new Map<number, Buffer>();
  let dbPages = 0;
  let sum = header.checksum;
  const frame = Buffer.alloc(frameSize);
  for (let offset = 32; ; offset += frameSize) {
    if (fs.readSync(fd, frame, 0, frameSize, offset) < frameSize) break;
    const pgno = frame.readUInt32BE(0);
    const commit = frame.readUInt32BE(4);
    if (pgno === 0 || frame.readUInt32BE(8) !== header.salt1 || frame.readUInt32BE(12) !== header.salt2) break;
    sum = checksum(frame.subarray(0, 8), header.bigEndian, sum);
    sum = checksum(frame.subarray(24), header.bigEndian, sum);
    if (sum[0] !== frame.readUInt32BE(16) || sum[1] !== frame.readUInt32BE(20)) break;
    pending.set(pgno, Buffer.from(frame.subarray(24)));
    if (commit !== 0) {
      for (const [p, page] of pending) committed.set(p, page);
      pending.clear();
      dbPages = commit;
    }
  }
  return { pages: committed, dbPages };
}

function statKey(p: string): string | undefined {
  try {
    const s = fs.statSync(p, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function openIfExists(p: string): number | undefined {
  try {
    return fs.openSync(p, 'r');
  } catch {
    return undefined;
  }
}

/** Validates the main file header; returns its page size. */
function mainPageSize(main: Buffer, dbPath: string): number {
  if (main.length === 0) throw new NotSqliteError(`${dbPath} is empty (0 bytes), not a Clew store`);
  if (main.length < 100 || !main.subarray(0, 16).equals(SQLITE_MAGIC)) throw new NotSqliteError(`${dbPath} is not an SQLite database`);
  const raw = main.readUInt16BE(16);
  return raw === 1 ? 65536 : raw;
}

/** Marks an image as a rollback-journal database (file format bytes 18–19), as sql.js cannot open WAL ones. */
function asRollbackImage(image: Buffer): Buffer {
  image[18] = 1;
  image[19] = 1;
  return image;
}

/**
 * True while `fd` is still the file at `p`. When the last connection closes, SQLite checkpoints and
 * deletes the -wal; the next writer starts a new one and may checkpoint it into the main file while
 * we read it. Our descriptor would still show the old, unchanging header: that is not one generation.
 */
function stillTheFileAt(fd: number, p: string): boolean {
  try {
    const open = fs.fstatSync(fd, { bigint: true });
    if (open.nlink === 0n) return false;
    const now = fs.statSync(p, { bigint: true });
    return open.ino === now.ino && open.dev === now.dev;
  } catch {
    return false;
  }
}

/** Test seam: runs after the first look at the WAL, before the main file is read (a writer acting mid-read). */
export interface SnapshotHooks {
  beforeMainRead?(): void;
}

/** One attempt; undefined when the consistency protocol rejected it (caller retries). */
export function trySnapshot(dbPath: string, hooks: SnapshotHooks = {}): Uint8Array | undefined {
  const walPath = `${dbPath}-wal`;
  const walFd = openIfExists(walPath);
  try {
    const h1 = readWalHeader(walFd);
    const s1 = statKey(dbPath);
    const started = Date.now();
    hooks.beforeMainRead?.();
    const main = fs.readFileSync(dbPath);
    const h2 = readWalHeader(walFd);
    const wal = walFd !== undefined && h2 ? scanWal(walFd, h2) : undefined;
    const h3 = readWalHeader(walFd);
    const s2 = statKey(dbPath);
    if (h1 || h2 || h3) {
      if (!sameGeneration(h1, h2) || !sameGeneration(h2, h3)) return undefined;
      if (walFd !== undefined && !stillTheFileAt(walFd, walPath)) return undefined;
    } else {
      const mtimeMs = Number(BigInt((s1 ?? '0:0:0').split(':')[2]) / 1_000_000n);
      if (s1 !== s2 || started - mtimeMs < SETTLE_MS) return undefined;
    }
    const walHasPages = wal !== undefined && wal.pages.size > 0;
    // A fresh WAL database may have an empty main file until its first checkpoint.
    const pageSize = main.length === 0 && walHasPages && h2 ? h2.pageSize : mainPageSize(main, dbPath);
    if (!wal || !walHasPages) {
      const headerPages = main.readUInt32BE(28);
      const headerValid = main.readUInt32BE(92) === main.readUInt32BE(24);
      if (main.length % pageSize !== 0 || (headerValid && headerPages * pageSize > main.length)) {
        throw new TruncatedError(`${dbPath} is truncated (${main.length} bytes; its header says ${headerPages} pages of ${pageSize} bytes)`);
      }
      // `main` is our own copy: patched in place (a second copy of a 500 MB store cost ~0.5 s and
      // its size again in memory, bench/store.ts).
      return asRollbackImage(main);
    }
    if (h2 && h2.pageSize !== pageSize) return undefined;
    const size = wal.dbPages * pageSize;
    // The WAL's pages go over our copy of main where it is big enough (the usual case: a WAL
    // rewrites pages and appends a few); only a database that grew past main needs a new buffer.
    let image: Buffer;
    if (size <= main.length) {
      image = main.subarray(0, size);
    } else {
      image = Buffer.alloc(size);
      main.copy(image, 0, 0, main.length);
    }
    for (const [pgno, page] of wal.pages) if (pgno <= wal.dbPages) page.copy(image, (pgno - 1) * pageSize);
    return asRollbackImage(image);
  } finally {
    if (walFd !== undefined) fs.closeSync(walFd);
  }
}

/** Change detector: the (main, wal) stat pair. Equal keys mean an unchanged store. */
export function storeStateKey(dbPath: string): string {
  return `${statKey(dbPath) ?? '-'}|${statKey(`${dbPath}-wal`) ?? '-'}`;
}
