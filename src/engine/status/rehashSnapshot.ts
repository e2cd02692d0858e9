/**
 * `status --rehash` over the warm snapshot (./warmSnapshot.ts): every file of the snapshot is
 * re-read (tableHash.ts) and its digest compared with the one the snapshot holds. When the store
 * has not changed since the snapshot (same key), the snapshot's runs are exactly what the store
 * would give, so re-applying the verdict rules to the files whose content differs gives the same
 * answer as reading the store — without sql.js.
 *
 * The rehash takes no stats. That is enough for the next warm status too:
 * - a file found as the snapshot says keeps its entry: its (stat, hash) pair is as valid as when
 *   the snapshot was written, so the snapshot need not be rewritten at all;
 * - a file found different gets an entry with the new hash and an all-zero stat, which no real
 *   stat matches, so the next warm status re-hashes it (and takes its stat then).
 */
import { archiveCandidates, type ArchiveStatMemo } from '../hash/archive';
import { HASHED, MISSING, type HashTable } from '../hash/tableHash';
import type { StoredSnapshot, WarmEntry } from './warmSnapshot';

const NO_STAT = { dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n };

/**
 * The entries whose presence or content differs from the snapshot, from a table hashed over
 * `snapshot.paths` (same order). Undefined when some file is now something the snapshot cannot
 * hold (a directory, unreadable, not hashed), or is absent while an ancestor archive could hold
 * it: the full status must judge those.
 */
export function differingEntries(snapshot: StoredSnapshot, table: HashTable): Map<string, WarmEntry> | undefined {
  const { paths, digests } = snapshot;
  if (table.paths.length !== paths.length) return undefined;
  const differing = new Map<string, WarmEntry>();
  const archives: ArchiveStatMemo = new Map();
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (table.paths[i] !== p) return undefined;
    const state = table.stateAt(i);
    const wasPresent = snapshot.presentAt(i);
    if (state === HASHED) {
      if (!wasPresent || !table.digestEquals(i, digests, i * 32)) differing.set(p, { path: p, present: true, ...NO_STAT, hash: table.hexAt(i) });
    } else if (state === MISSING && archiveCandidates(p, archives).length === 0) {
      if (wasPresent) differing.set(p, { path: p, present: false, ...NO_STAT, hash: '' });
    } else {
      return undefined;
    }
  }
  return differing;
}

/** The snapshot's entries with the differing ones replaced. */
export function entriesWith(snapshot: StoredSnapshot, differing: ReadonlyMap<string, WarmEntry>): WarmEntry[] {
  return snapshot.paths.map((p, i) => differing.get(p) ?? snapshot.entry(i));
}
