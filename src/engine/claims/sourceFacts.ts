/**
 * What the live claim status (./liveStatus.ts) needs to know about claims' sources, read the way
 * `clew verify` reads it: the source's bytes now (hashed even when no run recorded the file — a
 * hand-written source is exactly the case verify judges), and whether any recorded run wrote it.
 */
import type { FileHasher, HashOutcome } from '../hash/types';
import type { StoreView } from '../store/types';
import { type ClaimSourceFacts, sourceAgainstPin } from './liveStatus';

/** A claim source as hashed now. `hash` undefined: missing or unreadable (verify says missing). */
export interface ClaimSourceState {
  hash: string | undefined;
  produced: boolean;
}

/** The paths among `paths` that some recorded run wrote (a `file_hashes` row with role output). */
export function producedPaths(view: StoreView, paths: readonly string[]): Set<string> {
  const produced = new Set<string>();
  if (paths.length === 0 || !view.hasTable('file_hashes')) return produced;
  // Chunks keep the statement under SQLite's bound-parameter limit.
  for (let i = 0; i < paths.length; i += 500) {
    const chunk = paths.slice(i, i + 500);
    for (const r of view.all<{ file_path: string }>(`SELECT DISTINCT file_path FROM file_hashes WHERE role = 'output' AND file_path IN (${chunk.map(() => '?').join(',')})`, chunk)) produced.add(r.file_path);
  }
  return produced;
}

export function hashOf(outcome: HashOutcome | undefined): string | undefined {
  return outcome && (outcome.kind === 'hash' || outcome.kind === 'directory') ? outcome.hash : undefined;
}

/**
 * Every distinct source of `claims`, hashed (reusing `known` outcomes, e.g. the editor's recorded
 * files just hashed) and marked produced or not.
 */
export async function claimSourceStates(
  view: StoreView,
  hasher: FileHasher,
  claims: readonly { source_file: string | null }[],
  known: ReadonlyMap<string, HashOutcome> = new Map(),
): Promise<Map<string, ClaimSourceState>> {
  const sources = [...new Set(claims.flatMap((c) => (c.source_file ? [c.source_file] : [])))];
  const toHash = sources.filter((p) => !known.has(p));
  const fresh = toHash.length > 0 ? await hasher.hashMany(toHash) : new Map<string, HashOutcome>();
  const produced = producedPaths(view, sources);
  return new Map(sources.map((p) => [p, { hash: hashOf(known.get(p) ?? fresh.get(p)), produced: produced.has(p) }]));
}

/** The facts of one claim: its source's state against the claim's own pin, plus the upstream change. */
export function claimFacts(
  claim: { source_file: string | null; source_hash: string | null },
  state: ClaimSourceState | undefined,
  upstreamChanged: string | undefined,
): ClaimSourceFacts {
  return {
    ...(state ? { current: sourceAgainstPin(claim.source_hash, state.hash), produced: state.produced } : {}),
    ...(upstreamChanged !== undefined ? { upstreamChanged } : {}),
  };
}
