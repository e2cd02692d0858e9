/**
 * Stamp records and check results (spec §6). Field names are upstream's, so the JSON the CLI and
 * the Node API return has scitex-clew's shape; Clew's additions are marked as such.
 */
export const STAMP_BACKENDS = ['file', 'rfc3161', 'zenodo'] as const;
export type StampBackend = (typeof STAMP_BACKENDS)[number];

/** One `stamps` row with `metadata` parsed, exactly as upstream's Stamp.to_dict(). */
export interface StampRecord {
  stamp_id: string;
  root_hash: string;
  /** UTC ISO with offset, as Python writes it (`2026-11-24T02:32:10.986933+00:00`). */
  timestamp: string;
  backend: string;
  service_url: string | null;
  response_token: string | null;
  run_count: number | null;
  /** Upstream writes `{"session_ids": [...]}`; anything else found in a row is passed through. */
  metadata: Record<string, unknown> | null;
}

export interface RootHash {
  /** null when no run was selected. */
  root_hash: string | null;
  run_count: number;
  /** The ids actually hashed, in hashing order. */
  session_ids: string[];
}

/** What re-verifying an RFC 3161 token found (Clew addition; upstream cannot re-verify). */
export interface TokenCheck {
  status: 'valid' | 'invalid' | 'unverifiable';
  /** One sentence: why it is valid (what it was checked against) or why not. */
  reason: string;
  /** The TSA's genTime (ISO), when the token could be read. */
  gen_time?: string;
  /** True when the signer chained to a --tsa-cert trust anchor; false: only the embedded certificate. */
  trusted?: boolean;
}

/** A stamped run's file whose bytes differ now from the recorded hash (`check-stamp --files`). */
export interface FileChange {
  session_id: string;
  path: string;
  role: string;
  status: 'changed' | 'missing' | 'unreadable';
  expected_hash: string;
  current_hash: string | null;
  /** The file is gone and was read from its member in this ancestor archive (spec §3.2). */
  archive?: string;
  /** Why an archive that might hold a missing file could not be read. */
  error?: string;
}

/**
 * How a check ended; the CLI maps it to an exit code. `holds` only when the root hash matches,
 * every stamped run still exists, the token (if any) verifies and, with --files, no file changed.
 */
export type StampVerdict = 'holds' | 'changed' | 'runs-missing' | 'token-invalid' | 'token-unverifiable' | 'files-changed' | 'files-missing';

export interface StampCheck {
  stamp: StampRecord;
  current_root_hash: string | null;
  matches: boolean;
  details: string[];
  /** Clew additions below. */
  verdict: StampVerdict;
  /** Stamped session ids no longer in `runs`. */
  missing_sessions: string[];
  token?: TokenCheck;
  /** Only with --files: every stamped file that is not byte-identical now. */
  files?: FileChange[];
}

export interface StampNotFound {
  status: 'not_found';
  message: string;
}
