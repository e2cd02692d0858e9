/**
 * How the bulk hashers (workers, the shared-table threads, the warm status) open a recorded path:
 * read-only and, on POSIX, non-blocking. A recorded file replaced by a FIFO would otherwise block
 * the open until some process writes to it (a hung status or editor); with O_NONBLOCK the open
 * returns at once and the callers' type checks refuse it. O_NONBLOCK changes nothing for regular
 * files and folders. (sha256.ts hashFile keeps a blocking open: `clew hash-file` of a pipe reads
 * the pipe, and hashOutcome checks the type before calling it.)
 */
import * as fs from 'node:fs';

export const OPEN_FOR_HASHING = process.platform === 'win32' ? fs.constants.O_RDONLY : fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;
