/**
 * Hashes the files a command reads while it still runs: the interposer's log (preload.ts) is
 * read every few milliseconds and each new file read under the project is hashed then, on this
 * process's thread, while the command uses its own. Hashing thousands of small inputs after the
 * command was most of what recording a file-heavy step cost (docs/recording.md).
 *
 * Contract (as the stat cache's, hash/statCache.ts): a pre-hash is used only when the file's
 * (dev, ino, size, mtime, ctime) after the command equal those seen when it was hashed, and its
 * mtime is older than the hash by more than the coarsest timestamp tick; otherwise the file is
 * hashed again after the command, exactly as without pre-hashing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hashDescriptor, openForHashing } from '../hash/syncHash';
import { TIMESTAMP_GRANULARITY_NS } from '../hash/statCache';
import { isUnder } from '../util/paths';
import { IGNORED_DIR_NAMES } from './capture';
import type { CapturedFiles } from './capture';
import { PreloadLogParser } from './preload';

interface PreHash {
  hash: string;
  size: number;
  key: string;
  mtimeMs: number;
  hashedAtMs: number;
}

const POLL_MS = 15;
/** Longest slice of hashing per poll, so the session's own start (store read, writer) still runs. */
const SLICE_MS = 10;

/**
 * (dev, ino, size, mtime, ctime) as numbers: BigInt stats and a string key per file cost more
 * than the hashing of a small file (allocation, GC). A double holds today's ms timestamps to
 * about 0.25 µs, and the same file gives the same numbers each time.
 */
const keyOf = (st: fs.Stats): string => `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
const GRANULARITY_MS = Number(TIMESTAMP_GRANULARITY_NS / 1_000_000n);

export class InputPrehasher {
  private offset = 0;
  private readonly parser = new PreloadLogParser();
  private readonly queue: string[] = [];
  private readonly hashes = new Map<string, PreHash>();
  /** Files hashed since the last takeHashed() (their logged paths). */
  private fresh: string[] = [];
  private readonly buffer = Buffer.allocUnsafe(1 << 20);
  /** The log is read into this one buffer at every poll (a fresh 1 MB each time was most of the GC). */
  private readonly chunk = Buffer.allocUnsafe(1 << 20);
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly logFile: string, private readonly root: string) {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * After the command: the rest of the log, then the files it read and wrote, exactly as
   * parsePreloadLog of the whole log says (the log was parsed as it grew; it is not read again).
   */
  finish(): CapturedFiles {
    this.stop();
    this.readLog();
    return this.parser.captured();
  }

  /** Files hashed since the last call, still only read: inputs so far (the live writer's, liveInputs.ts). */
  takeHashed(): { file: string; hash: string; size: number }[] {
    const taken = this.fresh.filter((f) => !this.parser.wasWritten(f)).map((file) => ({ file, ...(this.hashes.get(file) as PreHash) }));
    this.fresh = [];
    return taken;
  }

  /** The pre-hash of `file` when it is still valid (see the contract above), else undefined. */
  valid(file: string): { hash: string; size: number } | undefined {
    const pre = this.hashes.get(file);
    if (!pre || this.parser.wasWritten(file)) return undefined;
    try {
      const st = fs.statSync(file);
      if (keyOf(st) !== pre.key || pre.hashedAtMs - pre.mtimeMs <= GRANULARITY_MS) return undefined;
      return { hash: pre.hash, size: pre.size };
    } catch {
      return undefined;
    }
  }

  private poll(): void {
    this.readLog();
    const until = performance.now() + SLICE_MS;
    while (this.queue.length > 0 && performance.now() < until) this.hashOne(this.queue.shift() as string);
  }

  private readLog(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.logFile, 'r');
    } catch {
      return; // nothing logged yet
    }
    try {
      const chunk = this.chunk;
      for (;;) {
        const n = fs.readSync(fd, chunk, 0, chunk.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        // feed() keeps what it needs (a partial record): the chunk is reused.
        this.parser.feed(chunk.subarray(0, n), (file) => {
          if (isUnder(file, this.root) && !path.relative(this.root, file).split(path.sep).some((p) => IGNORED_DIR_NAMES.has(p))) this.queue.push(file);
        });
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private hashOne(file: string): void {
    if (this.parser.wasWritten(file)) return;
    const fd = openForHashing(file);
    if (typeof fd !== 'number') return;
    try {
      const before = fs.fstatSync(fd);
      if (!before.isFile()) return;
      const hashedAtMs = Date.now();
      const hash = hashDescriptor(fd, this.buffer, true);
      if (!hash) return;
      this.hashes.set(file, { hash: hash.digest('hex'), size: before.size, key: keyOf(before), mtimeMs: before.mtimeMs, hashedAtMs });
      this.fresh.push(file);
    } catch {
      return;
    } finally {
      fs.closeSync(fd);
    }
  }
}
