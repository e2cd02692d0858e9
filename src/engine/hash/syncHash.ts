/**
 * Synchronous whole-file SHA-256 for the hashing workers: one open, reads into the worker's one
 * reused buffer, one close. In a worker, blocking is the point: the async open/read/close of
 * sha256.ts cost three event-loop round trips per file, which dominated on many small files.
 */
import * as fs from 'node:fs';
import { lazyCrypto } from '../util/lazyBuiltins';
import { OPEN_FOR_HASHING } from './openFlags';
import type { HashOutcome } from './types';

/** A plain file's outcome, or undefined for anything else (directories, errors): the caller classifies those. */
export function hashFileSyncOutcome(filePath: string, buffer: Buffer): HashOutcome | undefined {
  let fd: number;
  try {
    fd = fs.openSync(filePath, OPEN_FOR_HASHING);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'missing' } : undefined;
  }
  try {
    const hash = lazyCrypto().createHash('sha256');
    for (let first = true; ; first = false) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      // Nothing on the first read: an empty file, or a FIFO without a writer (opened non-blocking).
      if (n === 0 && first && !fs.fstatSync(fd).isFile()) return undefined;
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    }
    return { kind: 'hash', hash: hash.digest('hex'), cached: false };
  } catch {
    return undefined; // EISDIR and friends: hashOutcome() on the calling thread says what it is
  } finally {
    fs.closeSync(fd);
  }
}
