/**
 * Synchronous whole-file SHA-256 for the hashing workers, the shared-table threads and the warm
 * status: one open, reads into the caller's one reused buffer, one close. In a worker, blocking is
 * the point: the async open/read/close of sha256.ts cost three event-loop round trips per file,
 * which dominated on many small files.
 */
import type { Hash } from 'node:crypto';
import * as fs from 'node:fs';
import { lazyCrypto } from '../util/lazyBuiltins';
import type { HashOutcome } from './types';

/**
 * Read-only and, on POSIX, non-blocking: a recorded file replaced by a FIFO would otherwise block
 * the open until some process writes to it (a hung status or editor); with O_NONBLOCK the open
 * returns at once and hashDescriptor refuses it. O_NONBLOCK changes nothing for regular files and
 * folders. (sha256.ts hashFile keeps a blocking open: `clew hash-file` of a pipe reads the pipe,
 * and hashOutcome checks the type before calling it.) A number: no flag-string parsing per file.
 */
const OPEN_FOR_HASHING = process.platform === 'win32' ? fs.constants.O_RDONLY : fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** Opens `filePath` to hash it: the descriptor, or 'missing' (ENOENT, ENOTDIR), or 'other' (any other error). */
export function openForHashing(filePath: string): number | 'missing' | 'other' {
  try {
    return fs.openSync(filePath, OPEN_FOR_HASHING);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'other';
  }
}

/**
 * The SHA-256 of everything read from `fd` (from openForHashing), or undefined when it is not a
 * regular file after all: nothing on the first read is an empty file or a FIFO without a writer,
 * told apart by one fstat, skipped when the caller already fstat'ed it (`regular`). Read errors
 * (EISDIR, EAGAIN from a FIFO with a writer, …) are thrown.
 */
export function hashDescriptor(fd: number, buffer: Buffer, regular = false): Hash | undefined {
  const hash = lazyCrypto().createHash('sha256');
  for (let first = true; ; first = false) {
    const n = fs.readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0 && first && !regular && !fs.fstatSync(fd).isFile()) return undefined;
    if (n === 0) return hash;
    hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
  }
}

/** A plain file's outcome, or undefined for anything else (directories, errors): the caller classifies those. */
export function hashFileSyncOutcome(filePath: string, buffer: Buffer): HashOutcome | undefined {
  const fd = openForHashing(filePath);
  if (fd === 'missing') return { kind: 'missing' };
  if (fd === 'other') return undefined;
  try {
    const hash = hashDescriptor(fd, buffer);
    return hash ? { kind: 'hash', hash: hash.digest('hex'), cached: false } : undefined;
  } catch {
    return undefined; // EISDIR and friends: hashOutcome() on the calling thread says what it is
  } finally {
    fs.closeSync(fd);
  }
}
