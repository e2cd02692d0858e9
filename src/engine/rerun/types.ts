/**
 * Rerun results: upstream's `RunVerification` (level "rerun") and `rerun-dag` payload, plus what
 * Clew adds — why a run was not re-executed, how it ran, and what differs in each output.
 */
import type { FileVerification, RunVerification, VerificationStatus } from '../verify/types';
import type { SandboxKind } from './sandbox';
import type { SlurmSettings } from './slurm';

/** One changed CSV/TSV cell. */
export interface CellChange {
  /** 1-based record number in the file (a header is row 1). */
  row: number;
  /** The header's name for the column when there is a header, else `column N` (1-based). */
  column: string;
  recorded: string;
  rerun: string;
  /** rerun − recorded, when both are numbers. */
  delta?: number;
}

/** One JSON value that differs, by key path (`$.metrics.auc`, `$.items[3]`). */
export interface KeyChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Short JSON renderings of the two values (absent on the side that lacks the key). */
  recorded?: string;
  rerun?: string;
}

/**
 * Says what differs between a recorded output and the rerun's (see explain.ts). `kind` and the
 * one-line `summary` are always there; the other fields are set by the kinds they belong to.
 */
export interface DifferenceSummary {
  /** text | csv | tsv | json | png | pdf | binary (explain.ts); hash | missing | equivalent (rerunRun.ts). */
  kind: string;
  summary: string;
  /** text: a unified diff (recorded → rerun), cut after a few dozen lines. */
  diff?: string;
  /** text: how many lines were removed / added, and the first changed line of the recorded file. */
  lines?: { removed: number; added: number; first: number };
  /** csv/tsv: the first changed cells, and how many there are in all. */
  cells?: CellChange[];
  changed_cells?: number;
  /** csv/tsv: record counts, when they differ. */
  rows?: { recorded: number; rerun: number };
  /** json: the first differing key paths, and how many there are in all. */
  keys?: KeyChange[];
  changed_keys?: number;
  /** png: changed pixels (any channel) out of all, when the dimensions agree. */
  pixels?: { changed: number; total: number };
  /** png: dimensions as `W×H`, when they differ. */
  dimensions?: { recorded: string; rerun: string };
  /** binary: sizes and the first differing byte offset. */
  bytes?: { recorded: number; rerun: number; first_difference: number };
  /** Set when the contents are the same and only metadata differs (png, pdf). */
  metadata_only?: boolean;
}

/** Decides whether two versions of an output are equivalent, and explains them when not. */
export interface DifferenceJudge {
  explain(filePath: string, recorded: Buffer, rerun: Buffer): DifferenceSummary;
  /** The declared rule under which the two are equivalent (relPath is relative to the project root). */
  equivalent(relPath: string, recorded: Buffer, rerun: Buffer): { rule: string; note: string } | undefined;
}

export interface RerunFileResult extends FileVerification {
  /** Set on a mismatch: what differs. */
  explanation?: DifferenceSummary;
  /** Set when the bytes differ but a declared equivalence rule accepts them: the rule's name. */
  equivalent_by?: string;
  /** A copy of the rerun's version of this output, kept for *Show Difference*. */
  rerun_output?: string;
}

export interface RerunInfo {
  /** How the run was isolated (null when it was not executed). */
  sandbox: SandboxKind | null;
  command: string[] | null;
  cwd: string | null;
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  duration_ms: number;
  /** Why the verdict is what it is when that is not plain comparison (refused, failed, timed out…). */
  reason: string | null;
  /** Run against current inputs although they differ from the recorded ones (--current-inputs). */
  what_if: boolean;
  /** Fed its parents' re-generated outputs (--chain). */
  chained: boolean;
  /** Whether a verification_results row was appended. */
  recorded: boolean;
  /** The sandbox folder, when kept (--keep). */
  kept: string | null;
  stdout_tail: string;
  stderr_tail: string;
  /** Whether the command could reach the network (null: not executed). */
  network: boolean | null;
  /** Files the run wrote outside its recorded outputs, anywhere on the machine (all discarded with the sandbox). */
  side_effects: string[];
  /** Files the run deleted (inside the sandbox only). */
  side_effects_deleted: string[];
  /** Where it ran: this machine, or a SLURM job (then job_id, node and SLURM's final state). */
  executor?: 'local' | 'slurm';
  job_id?: string | null;
  node?: string | null;
  slurm_state?: string | null;
  /** --chain on SLURM: the parents' job ids this job was submitted after (`--dependency=afterok:…`). */
  depends_on?: string[];
}

export interface RerunVerification extends Omit<RunVerification, 'files'> {
  files: RerunFileResult[];
  rerun: RerunInfo;
}

export interface RerunDagRun {
  session_id: string;
  script_path: string | null;
  status: VerificationStatus;
  is_verified: boolean;
  /** Failed runs upstream of this one (attribution, as `dag --strict` does). */
  upstream_failures: string[];
  files: RerunFileResult[];
  rerun: RerunInfo;
}

export interface RerunDagResult {
  target_files: string[];
  status: VerificationStatus;
  is_verified: boolean;
  num_runs: number;
  num_edges: number;
  topological_order: string[];
  runs: RerunDagRun[];
  edges: { parent: string; child: string }[];
  /** Failed runs with no failed run upstream of them: where to look first. */
  root_causes: string[];
  /** Set when there was nothing to rerun, and why. */
  reason?: string;
  /** Where the runs were executed. */
  executor?: 'local' | 'slurm';
}

/**
 * What a chained SLURM job is fed: every recorded output of its ancestors (`fed`: not checked
 * against the recorded hashes, as in a local --chain) and the folders their jobs left them in
 * (`from`, oldest ancestor first; each holds an outputs.json written by `saveRerunOutputs`).
 */
export interface ChainManifest {
  fed: string[];
  from: string[];
}

export type RerunEvent =
  | { type: 'start'; session_id: string; script_path: string | null; index: number; total: number }
  | { type: 'output'; session_id: string; stream: 'stdout' | 'stderr'; chunk: string }
  | { type: 'done'; result: RerunVerification }
  | { type: 'warning'; message: string }
  | { type: 'job'; session_id: string; job_id: string; state: string; node: string | null };

export interface RerunOptions {
  /** Per-run wall-clock limit (default 300 s). */
  timeoutMs?: number;
  /** Keep the sandboxes (upstream's cleanup=False). */
  keep?: boolean;
  /** Independent runs in parallel (default: cores). */
  jobs?: number;
  /** Skip runs whose script and inputs are unchanged (upstream's freshness skip). */
  skipUnchanged?: boolean;
  /** Rerun even when inputs differ from the recorded ones (a what-if, reported as such). */
  currentInputs?: boolean;
  /** rerun-dag: feed each run its parents' re-generated outputs instead of the recorded inputs. */
  chain?: boolean;
  /** Run each rerun as a SLURM batch job instead of on this machine. */
  slurm?: SlurmSettings;
  /** Inside a chained SLURM job: where the ancestors' jobs left their re-generated outputs (slurm.ts). */
  chainManifest?: ChainManifest;
  /** Inside a SLURM job: leave the rerun's outputs in this folder for the jobs that depend on it. */
  saveOutputs?: string;
  /** Let reruns reach the network (default: a private network namespace with loopback only). */
  network?: boolean;
  /** Interpreter for runs recorded by Python (no recorded command): explicit path or name. */
  python?: string;
  judge?: DifferenceJudge;
  /** Append verification_results rows (default true). */
  record?: boolean;
  signal?: AbortSignal;
  onEvent?(event: RerunEvent): void;
}
