/**
 * The hashing contract verification, recording and the extension code against.
 * Implementations live beside this file (streaming SHA-256, worker pool, stat cache).
 */
import type { BigIntStats } from 'node:fs';
export type HashOutcome =
  | {
      kind: 'hash';
      /** full 64-char lower-case SHA-256 hex */ hash: string;
      /** true when served from the stat cache */ cached: boolean;
      /** Spec §3.2: the path is gone and these are the bytes of its member in this ancestor archive. */
      archive?: string;
    }
  | { kind: 'missing'; /** why an ancestor archive that might hold the file could not be read */ error?: string }
  | { kind: 'unreadable'; error: string }
  | { kind: 'directory'; /** hash per spec §2.6 hash_directory */ hash: string; cached: boolean };

export interface HashProgress {
  done: number;
  total: number;
  bytes: number;
}

export interface HashRequestOptions {
  signal?: AbortSignal;
  onProgress?(progress: HashProgress): void;
  /**
   * Called once per path with the stat taken BEFORE the file is read (undefined: missing), so a
   * caller can keep (stat, outcome) pairs without a second stat of its own (the warm status snapshot).
   */
  onStat?(path: string, stat: FileStat | undefined): void;
}

/** The stat fields a hash is tied to (the stat cache's and the warm snapshot's key). */
export type FileStat = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

/**
 * Hashes many absolute paths. Never throws for a bad path: each path gets an outcome.
 * Throws only when aborted (the AbortSignal's reason) .
 */
export interface FileHasher {
  hashMany(paths: readonly string[], options?: HashRequestOptions): Promise<Map<string, HashOutcome>>;
  /** Persist any cache state and stop worker threads. Idempotent. */
  dispose(): Promise<void>;
}

export interface FileHasherOptions {
  /** Use (and update) the stat cache kept beside the store. */
  useCache: boolean;
  /** Directory of the store; the stat cache file lives here. Required when useCache is true. */
  storeDir?: string;
  /** Worker threads; default min(4, availableParallelism). 0 hashes on the calling thread. */
  concurrency?: number;
  /**
   * Persist the stat cache at most this often instead of after every call (long-lived callers such
   * as the editor, where rewriting the whole cache file per small refresh would cost O(workspace)).
   * dispose() always saves.
   */
  saveDelayMs?: number;
  /** Start the worker threads now rather than at the first file that needs reading (a rehash will read every file). */
  prestart?: boolean;
  /**
   * Without useCache: still record the new hashes in the stat cache file (default true). Off for
   * `status --rehash`, whose warm snapshot carries its results: merging and rewriting the cache
   * file was a serial tail after the last file was hashed.
   */
  refreshCache?: boolean;
}
