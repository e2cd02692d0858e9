/**
 * The multi-host warning: a store on a network filesystem whose rows show it was written directly
 * from more than one machine. WAL's shared-memory index only coordinates processes of one host, so
 * such a store can be corrupted; the spool (`clew record --spool`, `clew spool`) plus `clew ingest`
 * is the safe way. Sessions merged by `clew ingest` are listed in `clew_ingested` (ingestScript.ts)
 * and do not count: their hosts never touched the shared store.
 */
import type { StoreView } from '../store/types';
import { isNetworkFsType, storeNetworkFsType } from './networkFs';

export const INGESTED_TABLE = 'clew_ingested';

export interface MultiHostFacts {
  /** mountinfo fstype of the store's directory (undefined: unknown). */
  fstype: string | undefined;
  /** Distinct non-null `file_hashes.host` values of sessions recorded directly (not ingested). */
  directHosts: readonly string[];
}

export interface MultiHostWarning {
  fstype: string;
  hosts: string[];
  message: string;
}

/** The decision itself, from facts alone (unit-tested without a network filesystem). */
export function multiHostWarning(facts: MultiHostFacts, dbPath: string): MultiHostWarning | undefined {
  if (!facts.fstype || !isNetworkFsType(facts.fstype)) return undefined;
  const hosts = [...new Set(facts.directHosts.filter((h) => h.trim() !== ''))].sort();
  if (hosts.length < 2) return undefined;
  const shown = hosts.length > 5 ? `${hosts.slice(0, 5).join(', ')} and ${hosts.length - 5} more` : hosts.join(', ');
  return {
    fstype: facts.fstype,
    hosts,
    message: `the store ${dbPath} is on a network filesystem (${facts.fstype}) and was written directly from ${hosts.length} hosts (${shown}); SQLite's WAL is not safe across machines — record through the spool ('clew record --spool' or 'clew spool -- CMD') and merge with 'clew ingest'`,
  };
}

/** Hosts of the rows recorded straight into the store (sessions `clew ingest` merged left out). */
export function directHostsOf(view: StoreView): string[] {
  if (!view.hasTable('file_hashes') || !view.hasColumn('file_hashes', 'host')) return [];
  const ingested = view.hasTable(INGESTED_TABLE) ? ` AND session_id NOT IN (SELECT session_id FROM ${INGESTED_TABLE})` : '';
  return view.all<{ host: string }>(`SELECT DISTINCT host FROM file_hashes WHERE host IS NOT NULL AND host != ''${ingested} ORDER BY host`).map((r) => r.host);
}

/**
 * The warning for one store. The filesystem is asked first: on a local disk (the usual case) no
 * query runs. `mountinfo` replaces /proc/self/mountinfo (tests).
 */
export function checkMultiHost(view: StoreView, mountinfo?: string): MultiHostWarning | undefined {
  const fstype = storeNetworkFsType(view.dbPath, mountinfo);
  if (!fstype) return undefined;
  return multiHostWarning({ fstype, directHosts: directHostsOf(view) }, view.dbPath);
}
