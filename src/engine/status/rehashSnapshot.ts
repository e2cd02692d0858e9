/**
 * `status --rehash` over the warm snapshot (./warmSnapshot.ts): every file of the snapshot is
 * re-read (tableHash.ts) and compared with what the snapshot says it held. When the store has not
 * changed since the snapshot (same key), the snapshot's runs are exactly what the store would
 * give, so re-applying the verdict rules to the files whose content differs gives the same answer
 * as reading the store — without sql.js.
 */
import { archiveCandidates, type ArchiveStatMemo } from '../hash/archive';
import { HASHED, MISSING, STAT_WORDS, type HashTable } from '../hash/tableHash';
import type { StoredSnapshot, WarmEntry } from './warmSnapshot';

export interface RehashedEntries {
  /** Every entry, with the stat taken before its bytes were read. */
  entries: WarmEntry[];
  /** The entries whose presence or hash differs from the snapshot's. */
  differing: Map<string, WarmEntry>;
}

/**
 * Entries from a table hashed over `snapshot.paths` (same order). Undefined when some file is now
 * something the snapshot cannot hold (a directory, unreadable, not hashed), or is absent while an
 * ancestor archive could hold it: the full status must judge those.
 */
export function rehashedEntries(snapshot: StoredSnapshot, table: HashTable): RehashedEntries | undefined {
  const { paths } = snapshot;
  if (table.paths.length !== paths.length) return undefined;
  const entries: WarmEntry[] = new Array<WarmEntry>(paths.length);
  const differing = new Map<string, WarmEntry>();
  const archives: ArchiveStatMemo = new Map();
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i];
    if (table.paths[i] !== p) return undefined;
    const state = table.stateAt(i);
    let entry: WarmEntry;
    if (state === HASHED) entry = { path: p, present: true, ...table.statAt(i), hash: table.hexAt(i) };
    else if (state === MISSING && archiveCandidates(p, archives).length === 0) entry = { path: p, present: false, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, hash: '' };
    else return undefined;
    entries[i] = entry;
    // The snapshot's table is read as 32-bit words: the low word of the entry's first u64 is `present`.
    const wasPresent = snapshot.table[i * STAT_WORDS * 2] === 1;
    if (wasPresent !== entry.present || snapshot.hashAt(i) !== entry.hash) differing.set(p, entry);
  }
  return { entries, differing };
}
