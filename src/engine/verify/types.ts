/**
 * Verification results, shaped exactly like upstream's serialised dataclasses in the fixtures'
 * answers/api.json (same keys, same value conventions), so they can be compared key by key.
 */
export type VerificationStatus = 'verified' | 'mismatch' | 'missing' | 'unknown' | 'suspect';

export type FileRole = 'input' | 'output' | 'script';

export interface FileVerification {
  path: string;
  role: string;
  expected_hash: string;
  current_hash: string | null;
  status: VerificationStatus;
  frozen: boolean;
  is_verified: boolean;
  /** Clew extension (not upstream): why the file could not be hashed. Absent when hashed fine. */
  error?: string;
  /** Clew extension: the file is gone and was checked from its member in this archive (spec §3.2). */
  archive?: string;
}

export interface RunVerification {
  session_id: string;
  script_path: string | null;
  status: VerificationStatus;
  files: FileVerification[];
  combined_hash_expected: string | null;
  combined_hash_current: null;
  level: 'cache' | 'rerun';
  provenance: string | null;
  exception_reason: string | null;
  is_verified: boolean;
  is_verified_from_scratch: boolean;
}

export interface ChainVerification {
  target_file: string;
  runs: RunVerification[];
  status: VerificationStatus;
  is_verified: boolean;
}

export interface DagVerification {
  target_files: string[];
  runs: RunVerification[];
  edges: [string, string][];
  status: VerificationStatus;
  topological_order: string[];
  is_verified: boolean;
}

export interface StrictNode {
  session_id: string;
  path: string;
  role: string;
  expected_hash: string;
  got_hash: string | null;
  status: VerificationStatus;
}

export interface StrictDagResult {
  status: 'OK' | 'FAIL';
  is_verified: boolean;
  target_files: string[];
  topological_order: string[];
  failed_node: StrictNode | null;
  root_cause: StrictNode | null;
  invalidated_claims: string[];
  still_valid_claims: string[];
}

export interface StatusResult {
  verified_count: number;
  mismatch_count: number;
  missing_count: number;
  mismatched: { session_id: string; files: string[] }[];
  missing: { session_id: string; files: string[] }[];
  /** Clew extension (spec §13.10 fix): runs counted nowhere upstream, so the counts add up. */
  other_count: number;
  other: { session_id: string; status: VerificationStatus }[];
}

export interface StatsResult {
  total_runs: number;
  success_runs: number;
  failed_runs: number;
  total_file_records: number;
  unique_files: number;
  db_path: string;
}
