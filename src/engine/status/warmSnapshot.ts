/**
 * The warm-status snapshot: what the last `status` saw, in one compact binary file beside the
 * store (`clew-status-warm.bin`), so the next `status` can answer with one read and one stat loop
 * — no sql.js, no JSON — when neither the store nor any recorded file changed.
 *
 * Contracts:
 * - It is keyed by the store's generation (main file and `-wal` stat, plus the WAL header with its
 *   salts and checkpoint count) and the request (store path, limit): any commit, even one that
 *   only appends WAL frames, or a checkpoint that rewrites main, gives another key.
 * - Each entry's stat (dev, ino, size, mtime ns, ctime ns) was taken BEFORE its file was hashed,
 *   so a file changed while or after it was hashed shows another stat next time.
 * - Racy entries (git's rule): an entry whose mtime or ctime is within TIMESTAMP_GRANULARITY_NS of
 *   the moment the stats were taken is never trusted; its file is re-hashed.
 * - Written whole to a temp file, then renamed into place (the old one removed just before: a
 *   reader never sees a torn file, at worst none); a torn, foreign or unreadable file is just a miss.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lazyCrypto } from '../util/lazyBuiltins';
import { archiveCandidates, type ArchiveStatMemo } from '../hash/archive';
import { TIMESTAMP_GRANULARITY_NS } from '../hash/statCache';
import {
  isRegularFile,
  RAW_CTIME_NSEC,
  RAW_CTIME_S,
  RAW_DEV,
  RAW_INO,
  RAW_MTIME_NSEC,
  RAW_MTIME_S,
  RAW_SIZE,
  rawStatValues,
  splitNs,
  STAT_CTIME_NSEC,
  STAT_CTIME_S,
  STAT_DEV,
  STAT_FIELD_COUNT,
  STAT_INO,
  STAT_MTIME_NSEC,
  STAT_MTIME_S,
  STAT_SIZE,
  statArrayReader,
  statDoubles,
  statValues,
} from '../hash/statFields';

export const WARM_SNAPSHOT_FILE = 'clew-status-warm.bin';
const MAGIC = 'CLEWWS07';

/** A recorded file: its stat before hashing and what hashing found. */
export interface WarmEntry {
  path: string;
  /** false: the file was missing (stat fields are then 0). */
  present: boolean;
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** 64-char hex SHA-256 of the content, '' when missing. */
  hash: string;
}

export interface StatusOutputs {
  json: string;
  plain: string;
  color: string;
}

export interface WarmSnapshot {
  key: string;
  /** Wall clock (ns) taken before the entries' stats: the racy rule's reference. */
  takenAtNs: bigint;
  exitCode: number;
  /** What `status` prints: --json, plain text, ANSI-coloured text; under `rehash` what `status --rehash` prints for the same files. */
  outputs: StatusOutputs & { rehash: StatusOutputs };
  entries: WarmEntry[];
  /** Opaque payload (the verified runs), parsed only when something changed. */
  model: string;
}

export function warmSnapshotPath(dbPath: string): string {
  return path.join(path.dirname(dbPath), WARM_SNAPSHOT_FILE);
}

function statPart(p: string): string {
  const s = fs.statSync(p, { bigint: true, throwIfNoEntry: false });
  return s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : '-';
}

function headerHex(p: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0)).toString('hex');
  } catch {
    return '-';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The store's generation: equal strings mean no commit in between, without a racy window:
 * - a WAL commit appends frames, so the WAL grows;
 * - a WAL restart after a checkpoint rewrites the WAL header with new salts (its first 32 bytes);
 * - a rollback-journal commit bumps the file change counter in main's 100-byte header.
 * A checkpoint alone may change the key too; that only costs one slow status.
 */
export function storeGeneration(dbPath: string): string {
  const wal = `${dbPath}-wal`;
  return `${statPart(dbPath)}|${headerHex(dbPath, 100)}|${statPart(wal)}|${headerHex(wal, 32)}`;
}

/** Writer of length-prefixed fields into one growing buffer. */
class Out {
  constructor(private buf: Buffer) {}
  private pos = 0;
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(v, this.pos);
  }
  u64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64LE(v, this.pos);
  }
  align8(): void {
    while (this.pos % 8 !== 0) {
      this.ensure(1);
      this.buf[this.pos++] = 0;
    }
  }
  str(s: string): void {
    const n = Buffer.byteLength(s);
    this.u32(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  hex32(h: string): void {
    this.ensure(32);
    if (h.length === 64) this.buf.write(h, this.pos, 'hex');
    else this.buf.fill(0, this.pos, this.pos + 32);
    this.pos += 32;
  }
  done(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/**
 * Doubles per entry in the stat table: present (1 or 0), then statFields' fields (dev, ino, size,
 * mtime s, mtime ns, ctime s, ctime ns), so the stat loop compares what Node's stat array holds
 * with the table as it lies in the file, without converting anything.
 */
const ENTRY_DOUBLES = 1 + STAT_FIELD_COUNT;
const ENTRY_BYTES = ENTRY_DOUBLES * 8;
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** An entry's table doubles, as they lie in the file. */
function entryDoubles(e: WarmEntry): Float64Array {
  const d = new Float64Array(ENTRY_DOUBLES);
  if (e.present) {
    d[0] = 1;
    statDoubles(d, 1, e);
  }
  return d;
}

/** Little-endian bytes of `doubles` (a view of its memory on a little-endian host). */
function leBytes(doubles: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(doubles.buffer, doubles.byteOffset, doubles.byteLength);
  const b = Buffer.allocUnsafe(doubles.length * 8);
  doubles.forEach((v, k) => b.writeDoubleLE(v, k * 8));
  return b;
}

function textsOf(outputs: WarmSnapshot['outputs']): string[] {
  return [outputs.json, outputs.plain, outputs.color, outputs.rehash.json, outputs.rehash.plain, outputs.rehash.color];
}

/** Everything before the stat table: magic, key, takenAt, exit code, outputs, count, padding to 8. */
function writeHead(out: Out, s: Pick<WarmSnapshot, 'key' | 'takenAtNs' | 'exitCode' | 'outputs'>, count: number): void {
  out.str(MAGIC);
  out.str(s.key);
  out.u64(s.takenAtNs);
  out.u32(s.exitCode);
  for (const t of textsOf(s.outputs)) out.str(t);
  out.u32(count);
  out.align8();
}

/**
 * Layout: header (magic, key, takenAt, exit code, outputs, count), then 8-byte aligned the stat
 * table (count × ENTRY_DOUBLES little-endian doubles), the hashes (count × 32 bytes), the paths
 * (one NUL-joined string), the model, the magic again (a truncated file never decodes). The table
 * is compared in place, so checking an entry allocates nothing.
 */
export function encodeSnapshot(s: WarmSnapshot): Buffer {
  const texts = textsOf(s.outputs);
  const out = new Out(Buffer.allocUnsafe(4096 + s.entries.length * 200 + 3 * (s.model.length + texts.reduce((n, t) => n + t.length, 0))));
  writeHead(out, s, s.entries.length);
  // One typed array, copied once: per-field Buffer writes were most of the encoding time.
  const table = new Float64Array(s.entries.length * ENTRY_DOUBLES);
  s.entries.forEach((e, i) => table.set(entryDoubles(e), i * ENTRY_DOUBLES));
  out.bytes(leBytes(table));
  for (const e of s.entries) out.hex32(e.hash);
  // One string for all paths, NUL-separated (no path contains NUL): one encode, one decode + split.
  out.str(s.entries.map((e) => e.path).join('\0'));
  out.str(s.model);
  out.str(MAGIC);
  return out.done();
}

/** A snapshot as read from disk: paths decoded, everything else read in place when needed. */
export interface StoredSnapshot extends Omit<WarmSnapshot, 'entries'> {
  paths: string[];
  /**
   * The stat table, ENTRY_DOUBLES per entry, as it lies in the file (little-endian: on a
   * big-endian host these doubles are garbage, nothing compares equal and every file is re-hashed).
   */
  table: Float64Array;
  /** Whether entry `index`'s file was present. */
  presentAt(index: number): boolean;
  entry(index: number): WarmEntry;
  /** Just the hash of entry `index` ('' when missing), without building the entry. */
  hashAt(index: number): string;
  /** The hashes as stored: 32 bytes per entry, zeros when missing. */
  digests: Uint8Array;
  entries(): WarmEntry[];
  /**
   * The bytes of this snapshot with a new head (key, takenAt, exit code, outputs), the given
   * entries replaced in place (same paths, by index) and a new model (undefined: the same one):
   * chunks to write in order. Nothing else is re-encoded, so changing a few entries of a large
   * snapshot costs a copy of its table, not an encoding of every entry.
   */
  patched(head: Pick<WarmSnapshot, 'key' | 'takenAtNs' | 'exitCode' | 'outputs'>, entries: ReadonlyMap<number, WarmEntry>, model?: string): Buffer[];
}

/** Decodes a snapshot; undefined for anything malformed (never throws). */
export function decodeSnapshot(buf: Buffer): StoredSnapshot | undefined {
  let pos = 0;
  const u32 = () => {
    const v = buf.readUInt32LE(pos);
    pos += 4;
    return v;
  };
  const str = () => {
    const n = u32();
    if (pos + n > buf.length) throw new RangeError('truncated');
    const v = buf.toString('utf8', pos, pos + n);
    pos += n;
    return v;
  };
  try {
    if (str() !== MAGIC) return undefined;
    const key = str();
    const takenAtNs = buf.readBigUInt64LE(pos);
    pos += 8;
    const exitCode = u32();
    const outputs = { json: str(), plain: str(), color: str(), rehash: { json: str(), plain: str(), color: str() } };
    const count = u32();
    pos = (pos + 7) & ~7;
    const tableBytes = count * ENTRY_BYTES;
    if (pos + tableBytes + count * 32 > buf.length) return undefined;
    const tableStart = buf.byteOffset + pos;
    // A view in place when aligned (readFileSync of a large file is), else one copy.
    const table = tableStart % 8 === 0 ? new Float64Array(buf.buffer, tableStart, tableBytes / 8) : new Float64Array(Uint8Array.from(buf.subarray(pos, pos + tableBytes)).buffer);
    const tablePos = pos;
    const hashPos = pos + tableBytes;
    pos = hashPos + count * 32;
    const joined = str();
    const paths = count === 0 ? [] : joined.split('\0');
    if (paths.length !== count) return undefined;
    const modelLengthPos = pos;
    const modelLength = u32();
    const modelStart = pos;
    pos += modelLength;
    if (pos > buf.length || str() !== MAGIC) return undefined;
    const presentAt = (i: number): boolean => buf.readDoubleLE(tablePos + i * ENTRY_BYTES) === 1;
    const entry = (i: number): WarmEntry => {
      const at = tablePos + i * ENTRY_BYTES;
      if (!presentAt(i)) return { path: paths[i], present: false, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, hash: '' };
      const fields = new Float64Array(STAT_FIELD_COUNT);
      for (let k = 0; k < STAT_FIELD_COUNT; k++) fields[k] = buf.readDoubleLE(at + 8 + k * 8);
      return { path: paths[i], present: true, ...statValues(fields, 0), hash: buf.toString('hex', hashPos + i * 32, hashPos + i * 32 + 32) };
    };
    // Past a few reads, all digests as one hex string: a hash is then a slice of it (no copy),
    // where one toString per entry was most of decoding a model of 10,000 files.
    let hex: string | undefined;
    let reads = 0;
    const hashAt = (i: number): string => {
      if (!presentAt(i)) return '';
      if (hex === undefined && ++reads <= 64) return buf.toString('hex', hashPos + i * 32, hashPos + i * 32 + 32);
      hex ??= buf.toString('hex', hashPos, hashPos + count * 32);
      return hex.slice(i * 64, i * 64 + 64);
    };
    return {
      key,
      takenAtNs,
      exitCode,
      outputs,
      paths,
      table,
      presentAt,
      entry,
      digests: buf.subarray(hashPos, hashPos + count * 32),
      hashAt,
      entries: () => paths.map((_, i) => entry(i)),
      patched(head, entries, model) {
        const out = new Out(Buffer.allocUnsafe(4096 + 3 * textsOf(head.outputs).reduce((n, t) => n + t.length, 0)));
        writeHead(out, head, count);
        const chunks = [out.done()];
        // Table, hashes and paths as read (this buffer is not changed), but for the patched
        // entries' table doubles and digests: slices of it between small patched copies.
        const patches: [number, Buffer][] = [];
        for (const [i, e] of entries) {
          if (!Number.isInteger(i) || i < 0 || i >= count || e.path !== paths[i]) throw new RangeError(`no entry ${i} for ${e.path}`);
          const words = Buffer.from(leBytes(entryDoubles(e)));
          const digest = Buffer.alloc(32);
          if (e.present && e.hash.length === 64) digest.write(e.hash, 'hex');
          patches.push([tablePos + i * ENTRY_BYTES, words], [hashPos + i * 32, digest]);
        }
        patches.sort((a, b) => a[0] - b[0]);
        let from = tablePos;
        for (const [at, bytes] of patches) {
          chunks.push(buf.subarray(from, at), bytes);
          from = at + bytes.length;
        }
        chunks.push(buf.subarray(from, modelLengthPos));
        let tail = buf.subarray(modelLengthPos);
        if (model !== undefined) {
          const t = new Out(Buffer.allocUnsafe(Buffer.byteLength(model) + 32));
          t.str(model);
          t.str(MAGIC);
          tail = t.done();
        }
        chunks.push(tail);
        return chunks;
      },
      // The model is only needed when something changed: decode it on first use.
      get model() {
        return buf.toString('utf8', modelStart, modelStart + modelLength);
      },
    };
  } catch {
    return undefined;
  }
}

export function readSnapshot(dbPath: string): StoredSnapshot | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(warmSnapshotPath(dbPath));
  } catch {
    return undefined;
  }
  return decodeSnapshot(buf);
}

/** Writes a snapshot, or its bytes in chunks (StoredSnapshot.patched), atomically: temp file + rename. */
export function writeSnapshot(dbPath: string, snapshot: WarmSnapshot | readonly Buffer[]): void {
  const file = warmSnapshotPath(dbPath);
  const tmp = `${file}.${process.pid}.${lazyCrypto().randomBytes(4).toString('hex')}.tmp`;
  try {
    const chunks = Array.isArray(snapshot) ? snapshot : [encodeSnapshot(snapshot as WarmSnapshot)];
    const fd = fs.openSync(tmp, 'w');
    try {
      // writev may write part of what it is given: resume after what was written.
      let rest = chunks.filter((c) => c.length > 0);
      while (rest.length > 0) {
        let n = fs.writevSync(fd, rest);
        let k = 0;
        while (k < rest.length && n >= rest[k].length) n -= rest[k++].length;
        rest = rest.slice(k);
        if (n > 0) rest[0] = rest[0].subarray(n);
      }
    } finally {
      fs.closeSync(fd);
    }
    // The old snapshot is removed before the new one takes its name: ext4 flushes a file renamed
    // over an existing one to disk first (auto_da_alloc), 1–2 ms here, a third of a warm status's
    // own work after a change. Meanwhile a reader finds no snapshot and reads the store; after a
    // crash the file may be missing or empty: a miss either way, never a wrong answer.
    fs.rmSync(file, { force: true });
    fs.renameSync(tmp, file);
  } catch {
    // A read-only store folder only means no warm path next time.
    fs.rmSync(tmp, { force: true });
  }
}

export interface ChangedEntry {
  index: number;
  now: WarmEntry;
  /** Absent, but an ancestor archive that could hold it exists: the snapshot cannot answer. */
  archived?: boolean;
  /** Present but not a regular file (a folder, a FIFO, a device): only the full path can judge it. */
  notFile?: boolean;
}

/**
 * The one tight check: re-stats every entry (following symlinks, as hashing does) and returns
 * the indexes of entries that must be re-hashed (stat differs, or racy), with their fresh stats.
 * Node's stat array is compared with the table's doubles where both lie (on a big-endian host the
 * table reads as garbage, nothing matches and every file is re-hashed: slower, never wrong), so
 * an unchanged entry costs one stat and no allocation.
 */
export function changedEntries(snapshot: StoredSnapshot, takenAtNs: bigint = snapshot.takenAtNs): ChangedEntry[] {
  const changed: ChangedEntry[] = [];
  const archives: ArchiveStatMemo = new Map();
  const { paths, table } = snapshot;
  const [racyS, racyNsec] = splitNs(takenAtNs - TIMESTAMP_GRANULARITY_NS);
  const settled = (s: number, nsec: number) => s < racyS || (s === racyS && nsec <= racyNsec);
  const stat = statArrayReader();
  for (let i = 0; i < paths.length; i++) {
    const a = stat(paths[i]);
    const base = i * ENTRY_DOUBLES;
    const present = table[base] === 1;
    if (!a) {
      // An absent file may be checked from an ancestor archive (spec §3.2): if one exists now,
      // only the full path can judge it.
      const archived = archiveCandidates(paths[i], archives).length > 0;
      if (present || archived) changed.push({ index: i, archived, now: { path: paths[i], present: false, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, hash: '' } });
      continue;
    }
    // Node's stat array against the table entry as it lies in the file (ENTRY_DOUBLES), in place.
    const file = isRegularFile(a);
    if (
      present &&
      file &&
      a[RAW_DEV] === table[base + 1 + STAT_DEV] &&
      a[RAW_INO] === table[base + 1 + STAT_INO] &&
      a[RAW_SIZE] === table[base + 1 + STAT_SIZE] &&
      a[RAW_MTIME_S] === table[base + 1 + STAT_MTIME_S] &&
      a[RAW_MTIME_NSEC] === table[base + 1 + STAT_MTIME_NSEC] &&
      a[RAW_CTIME_S] === table[base + 1 + STAT_CTIME_S] &&
      a[RAW_CTIME_NSEC] === table[base + 1 + STAT_CTIME_NSEC] &&
      settled(a[RAW_MTIME_S], a[RAW_MTIME_NSEC]) &&
      settled(a[RAW_CTIME_S], a[RAW_CTIME_NSEC])
    ) {
      continue;
    }
    changed.push({ index: i, notFile: !file, now: { path: paths[i], present: true, ...rawStatValues(a), hash: '' } });
  }
  return changed;
}
