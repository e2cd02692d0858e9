/**
 * One in-memory model per workspace folder: where its store is, the verdict of every recorded file
 * inside the folder, and the verified runs. Every view answers from this model; nothing in a view
 * touches the store or the disk.
 *
 * Contracts:
 * - refresh() re-reads the store snapshot and re-verifies through the stat-cached, worker-pool
 *   hasher; refreshFiles(paths) re-hashes only those recorded files; refreshStore() (the store
 *   changed on disk) reads only the rows added since the last read when the store only grew — a
 *   run recorded — and re-verifies only what they touch, else does a full refresh. All are
 *   serialised (one at a time, requests coalesced) and fire onDidChange with exactly the file
 *   paths whose verdict changed (plus folders whose "contains missing files" flag changed).
 * - Every verdict is the engine's (engine/verify/verdicts.ts), every query the engine's
 *   (recordedFiles, verifyStatus, listClaims); the model only keeps their answers and says what changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Claim, listClaims } from '../engine/claims/claims';
import { type ClaimSourceState, claimSourceStates, hashOf } from '../engine/claims/sourceFacts';
import { createFileHasher } from '../engine/hash/fileHasher';
import type { FileHasher, HashOutcome } from '../engine/hash/types';
import { latestVerifications, rerunStanding, type LatestVerification, type RerunStanding } from '../engine/rerun/log';
import { checkStamp, listStamps } from '../engine/stamps/stamps';
import type { StampCheck } from '../engine/stamps/types';
import { locateStore } from '../engine/store/locate';
import { openStore } from '../engine/store/open';
import { parsePathMapping, type PathMapOptions, type PathMapReport } from '../engine/store/pathMap';
import { configPathMappings, storeProjectRoot } from '../engine/store/pathMapSources';
import type { Store, StoreView } from '../engine/store/types';
import { isUnder } from '../engine/util/paths';
import { verifyStatus } from '../engine/verify';
import { recentRuns } from '../engine/verify/rows';
import { rejudgeRuns, verifyRuns } from '../engine/verify/runVerify';
import { recordedFiles, recordedFilesFor, recordedMark, recordedSince, type RecordedFileRow, type RecordedMark } from '../engine/verify/recordedFiles';
import type { RunVerification } from '../engine/verify/types';
import { countVerdicts, fileVerdict, type FileVerdict, type VerdictCounts } from '../engine/verify/verdicts';

export interface RecordedFile extends RecordedFileRow {
  verdict: FileVerdict;
  /** How the run that recorded this file stands after its latest re-execution, if any. */
  rerun?: RerunStanding;
}

export interface ModelOptions {
  folder: string;
  storePathSetting?: string;
  excluded?(absPath: string): boolean;
  concurrency?: number;
  log?(message: string): void;
  /** Setting `clew.pathMappings` (recorded OLD → NEW; NEW may be relative to the folder). */
  pathMappings?: Readonly<Record<string, string>>;
  /** PEM of the TSA certificate stamps are checked against (setting clew.stamps.tsaCertificate). */
  tsaCertificate?(): string | undefined;
}

/** A store change re-checks every recorded file (not only the added rows) when the last full check is older. */
const FULL_REFRESH_EVERY_MS = 10 * 60_000;

/** How many runs the Runs view and the status bar verify (newest first). */
const RUNS_SHOWN = 500;

/** How many stamps the editor lists and checks (newest first). */
const STAMPS_SHOWN = 50;

async function checkedStamps(view: StoreView, tsaCertPem: string | undefined): Promise<StampCheck[]> {
  const checks: StampCheck[] = [];
  for (const record of listStamps({ view }, STAMPS_SHOWN)) {
    const check = await checkStamp({ view }, record.stamp_id, tsaCertPem ? { tsaCertPem } : {});
    if (!('status' in check)) checks.push(check);
  }
  return checks;
}

/** A recorded file's row with its verdict from `outcome` and its run's rerun standing. */
function recordedFileOf(row: RecordedFileRow, outcome: HashOutcome | undefined, verifications: ReadonlyMap<string, LatestVerification>): RecordedFile {
  const rerun = rerunStanding(verifications.get(row.sessionId));
  return { ...row, verdict: fileVerdict(row.expectedHash, row.frozen, outcome), ...(rerun ? { rerun } : {}) };
}

/** What is in one set and not the other (folders that gained or lost the "holds missing files" flag). */
function setDifference(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [...[...after].filter((d) => !before.has(d)), ...[...before].filter((d) => !after.has(d))];
}

/** Whether a file's badge (verdict, recording session, rerun standing) would look the same. */
function sameBadge(a: RecordedFile | undefined, b: RecordedFile): boolean {
  return a?.verdict === b.verdict && a.sessionId === b.sessionId && a.rerun === b.rerun;
}

export interface ModelChange {
  /** Absolute paths (files and folders) whose decoration may have changed. */
  paths: string[];
}

type Listener = (change: ModelChange) => void;

export class ClewModel {
  readonly folder: string;
  dbPath: string | undefined;
  /** Set while the store is read at a legacy location: where upstream would move it. */
  legacy: { target: string; projectRoot: string } | undefined;
  files = new Map<string, RecordedFile>();
  /** Folders (inside the workspace folder) that contain missing recorded files. */
  foldersWithMissing = new Set<string>();
  runs: RunVerification[] = [];
  claims: Claim[] = [];
  /** Every claim source as hashed now (recorded or hand-written), for the live claim status. */
  claimSources = new Map<string, ClaimSourceState>();
  /** Stamps, newest first, each with its offline check (root hash over its runs, RFC 3161 token). */
  stamps: StampCheck[] = [];
  /** The newest verification_results row of each run (reruns by Clew or scitex-clew). */
  verifications = new Map<string, LatestVerification>();
  lastError: string | undefined;
  /** Set while the store is read through a path map (a store that moved); the store itself is unchanged. */
  pathMap: PathMapReport | undefined;
  private store: Store | undefined;
  private hasher: FileHasher | undefined;
  private readonly listeners = new Set<Listener>();
  private queue: Promise<void> = Promise.resolve();
  private pendingFull = false;
  private pendingStore = false;
  private pendingPaths = new Set<string>();
  /** Where the store's rows stood at the last read, and the snapshot read then. */
  private mark: RecordedMark | undefined;
  private markedView: StoreView | undefined;
  /** The hash outcome of every path verified since the last full refresh (files and run files). */
  private outcomes = new Map<string, HashOutcome>();
  /** Paths re-read from the store whose runs must be verified again (storeRefresh). */
  private unverifiedRunFiles = new Set<string>();
  /** When the last full refresh ended (ms): files nothing watches are re-checked at least this often. */
  private lastFullRefresh = 0;
  private scheduled = false;

  constructor(private readonly options: ModelOptions) {
    this.folder = options.folder;
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get hasStore(): boolean {
    return this.dbPath !== undefined && fs.existsSync(this.dbPath);
  }

  counts(): VerdictCounts {
    return countVerdicts([...this.files.values()].map((f) => f.verdict));
  }

  /** Full refresh (store changed, settings changed, or asked by the user). Serialised, coalesced. */
  refresh(): Promise<void> {
    this.pendingFull = true;
    return this.schedule();
  }

  /** The store changed on disk: read what was added since the last read (a full refresh when unsure). */
  refreshStore(): Promise<void> {
    this.pendingStore = true;
    return this.schedule();
  }

  /** Narrow refresh: re-hash only these paths, if they are recorded files or claim sources. */
  refreshFiles(paths: readonly string[]): Promise<void> {
    let any = false;
    for (const p of paths) {
      if (this.files.has(p) || this.claimSources.has(p)) {
        this.pendingPaths.add(p);
        any = true;
      }
    }
    return any ? this.schedule() : this.queue;
  }

  private schedule(): Promise<void> {
    if (this.scheduled) return this.queue;
    this.scheduled = true;
    this.queue = this.queue.then(async () => {
      this.scheduled = false;
      const full = this.pendingFull;
      const store = this.pendingStore;
      const paths = [...this.pendingPaths];
      this.pendingFull = false;
      this.pendingStore = false;
      this.pendingPaths.clear();
      try {
        if (full) await this.fullRefresh();
        else if (store) await this.storeRefresh(paths);
        else if (paths.length > 0) await this.narrowRefresh(paths);
        this.lastError = undefined;
      } catch (err) {
        this.lastError = err instanceof Error ? err.message : String(err);
        this.options.log?.(`refresh failed for ${this.folder}: ${this.lastError}`);
      }
    });
    return this.queue;
  }

  private locate(): string {
    const explicit = this.options.storePathSetting ? path.resolve(this.folder, this.options.storePathSetting) : undefined;
    // Never rename files on the user's behalf just by opening the folder: a legacy store is read
    // where it is, and the extension offers the move (as upstream would do on its next open).
    const located = locateStore({ explicit, cwd: this.folder, env: process.env, migrate: false });
    this.legacy = located.legacyTarget ? { target: located.legacyTarget, projectRoot: located.projectRoot } : undefined;
    return located.dbPath;
  }

  /** The setting first, then the config file's `paths.map`, then detection (as the CLI, after `--map`). */
  private pathMapOptions(dbPath: string): PathMapOptions {
    const currentRoot = storeProjectRoot(dbPath);
    const fromSetting = Object.entries(this.options.pathMappings ?? {}).map(([from, to]) => parsePathMapping(`${from}=${to}`, this.folder, 'setting clew.pathMappings'));
    return { currentRoot, explicit: [...fromSetting, ...configPathMappings(currentRoot ?? this.folder)] };
  }

  private async ensureOpen(): Promise<{ store: Store; hasher: FileHasher } | undefined> {
    const dbPath = this.locate();
    if (dbPath !== this.dbPath) {
      await this.closeStore();
      this.dbPath = dbPath;
    }
    if (!fs.existsSync(dbPath)) return undefined;
    this.store ??= await openStore(dbPath, {
      readOnly: true,
      pathMap: this.pathMapOptions(dbPath),
      onPathMap: (report) => {
        this.pathMap = report;
      },
    });
    this.hasher ??= createFileHasher({ useCache: true, storeDir: path.dirname(dbPath), concurrency: this.options.concurrency, saveDelayMs: 3000 });
    return { store: this.store, hasher: this.hasher };
  }

  private async fullRefresh(): Promise<void> {
    const opened = await this.ensureOpen();
    const before = this.files;
    const beforeFolders = this.foldersWithMissing;
    if (!opened) {
      this.files = new Map();
      this.runs = [];
      this.verifications = new Map();
      this.stamps = [];
      this.claims = [];
      this.claimSources = new Map();
      this.foldersWithMissing = new Set();
      this.emit(before, beforeFolders);
      return;
    }
    const view = await opened.store.snapshot();
    const inside = (p: string) => isUnder(p, this.folder) && !(this.options.excluded?.(p) ?? false);
    const rows = recordedFiles(view, inside);
    const outcomes = await opened.hasher.hashMany([...rows.keys()]);
    this.outcomes = new Map(outcomes);
    this.verifications = latestVerifications(view);
    const files = new Map<string, RecordedFile>();
    for (const [p, row] of rows) files.set(p, recordedFileOf(row, outcomes.get(p), this.verifications));
    this.files = files;
    // The files just hashed are not hashed again for the runs (a second stat of every file).
    this.runs = (await verifyStatus({ view, hasher: opened.hasher, cwd: this.folder }, RUNS_SHOWN, this.outcomes)).runs;
    this.mark = recordedMark(view);
    this.markedView = view;
    this.unverifiedRunFiles.clear();
    this.lastFullRefresh = Date.now();
    // limit -1: SQLite's "no limit" (the editor shows every claim).
    this.claims = listClaims(view, { limit: -1 });
    this.claimSources = await claimSourceStates(view, opened.hasher, this.claims, this.outcomes);
    this.stamps = await checkedStamps(view, this.options.tsaCertificate?.());
    this.foldersWithMissing = this.missingFolders();
    this.emit(before, beforeFolders);
  }

  /** Cost proportional to `paths`: only a verdict change to or from "missing" rescans folders. */
  private async narrowRefresh(paths: string[]): Promise<void> {
    const opened = await this.ensureOpen();
    if (!opened) return;
    const outcomes = await opened.hasher.hashMany(paths);
    const changed: string[] = [];
    let missingMoved = false;
    for (const p of paths) {
      // A claim's source (hand-written ones too): its lens follows its bytes.
      const source = this.claimSources.get(p);
      const sourceHash = hashOf(outcomes.get(p));
      if (source && source.hash !== sourceHash) {
        this.claimSources.set(p, { ...source, hash: sourceHash });
        if (!this.files.has(p)) changed.push(p);
      }
      const f = this.files.get(p);
      if (!f) continue;
      const outcome = outcomes.get(p);
      if (outcome) this.outcomes.set(p, outcome);
      const next = fileVerdict(f.expectedHash, f.frozen, outcome);
      if (next === f.verdict) continue;
      if (next === 'missing' || f.verdict === 'missing') missingMoved = true;
      f.verdict = next;
      changed.push(p);
    }
    if (changed.length === 0) return;
    // The runs holding a changed file follow it at once (the Runs view, the status bar), from the
    // outcomes just taken: no store read, no second hash.
    const fresh = new Set(changed);
    this.runs = rejudgeRuns(this.runs, (p) => (fresh.has(p) ? outcomes.get(p) : undefined));
    if (missingMoved) changed.push(...this.updateMissingFolders());
    for (const l of this.listeners) l({ paths: changed });
  }

  /**
   * The store changed: when it only grew since the last read, re-read and re-hash only the paths
   * of the added rows (plus `changedPaths` from the watchers) and re-verify only the runs that
   * hold them or are new; anything else (rows deleted or replaced, another store) is a full refresh.
   * Recorded files not in the added rows keep their verdicts: their own changes reach the model
   * through the file watchers (narrow refreshes), whose paths are merged in here.
   */
  private async storeRefresh(changedPaths: string[]): Promise<void> {
    const opened = await this.ensureOpen();
    const view = opened ? await opened.store.snapshot() : undefined;
    if (view && view === this.markedView) return changedPaths.length > 0 ? this.narrowRefresh(changedPaths) : undefined;
    // Recorded files outside the folder (or in folders VS Code does not watch) change unseen:
    // a store change after FULL_REFRESH_EVERY_MS re-checks everything.
    const due = Date.now() - this.lastFullRefresh > FULL_REFRESH_EVERY_MS;
    const delta = view && this.mark && !due ? recordedSince(view, this.mark) : undefined;
    if (!opened || !view || !delta) return this.fullRefresh();
    const inside = (p: string) => isUnder(p, this.folder) && !(this.options.excluded?.(p) ?? false);
    const touched = new Set([...delta.paths, ...changedPaths.filter((p) => this.files.has(p))]);
    for (const p of touched) this.outcomes.delete(p);
    const rows = recordedFilesFor(view, touched, inside);
    const outcomes = await opened.hasher.hashMany([...rows.keys()]);
    const verifications = latestVerifications(view);
    const changed: string[] = [];
    let missingMoved = false;
    const put = (row: RecordedFileRow, outcome: HashOutcome | undefined) => {
      const was = this.files.get(row.path);
      const next = recordedFileOf(row, outcome, verifications);
      this.files.set(row.path, next);
      if (sameBadge(was, next)) return;
      if (was?.verdict === 'missing' || next.verdict === 'missing') missingMoved = true;
      this.unverifiedRunFiles.add(row.path);
      changed.push(row.path);
    };
    for (const [p, row] of rows) {
      const outcome = outcomes.get(p);
      if (outcome) this.outcomes.set(p, outcome);
      put(row, outcome);
    }
    // A rerun logged since changes the ✓✓ of every file of that run (few runs, so a scan is fine).
    const rerunChanged = new Set<string>();
    for (const id of new Set([...verifications.keys(), ...this.verifications.keys()])) {
      if (rerunStanding(verifications.get(id)) !== rerunStanding(this.verifications.get(id))) rerunChanged.add(id);
    }
    this.verifications = verifications;
    if (rerunChanged.size > 0) for (const f of this.files.values()) if (rerunChanged.has(f.sessionId) && !rows.has(f.path)) put(f, this.outcomes.get(f.path));
    this.runs = await this.reverifiedRuns(view, opened.hasher, delta.sessions);
    this.mark = delta.mark;
    this.markedView = view;
    this.claims = listClaims(view, { limit: -1 });
    this.claimSources = await claimSourceStates(view, opened.hasher, this.claims, this.outcomes);
    this.stamps = await checkedStamps(view, this.options.tsaCertificate?.());
    if (missingMoved) changed.push(...this.updateMissingFolders());
    for (const l of this.listeners) l({ paths: changed });
  }

  /** The newest runs, re-verified only where new or holding a file whose verdict changed since. */
  private async reverifiedRuns(view: StoreView, hasher: FileHasher, newSessions: ReadonlySet<string>): Promise<RunVerification[]> {
    const previous = new Map(this.runs.map((r) => [r.session_id, r]));
    const rows = recentRuns(view, RUNS_SHOWN);
    const stale = rows.filter((row) => {
      const old = previous.get(row.session_id);
      return !old || newSessions.has(row.session_id) || old.files.some((f) => this.unverifiedRunFiles.has(f.path));
    });
    const fresh = await verifyRuns(view, hasher, stale, { propagate: true }, this.outcomes);
    const bySession = new Map(fresh.map((r) => [r.session_id, r]));
    this.unverifiedRunFiles.clear();
    return rows.map((row) => bySession.get(row.session_id) ?? (previous.get(row.session_id) as RunVerification));
  }

  /** Recomputes the folders holding missing files; returns those that gained or lost the flag. */
  private updateMissingFolders(): string[] {
    const before = this.foldersWithMissing;
    this.foldersWithMissing = this.missingFolders();
    return setDifference(before, this.foldersWithMissing);
  }

  private missingFolders(): Set<string> {
    const folders = new Set<string>();
    for (const f of this.files.values()) {
      if (f.verdict !== 'missing') continue;
      for (let dir = path.dirname(f.path); isUnder(dir, this.folder) && dir !== this.folder; dir = path.dirname(dir)) folders.add(dir);
    }
    return folders;
  }

  private emit(before: Map<string, RecordedFile>, beforeFolders: Set<string>): void {
    const changed = new Set<string>();
    for (const [p, f] of this.files) {
      if (!sameBadge(before.get(p), f)) changed.add(p);
    }
    for (const p of before.keys()) if (!this.files.has(p)) changed.add(p);
    for (const d of setDifference(beforeFolders, this.foldersWithMissing)) changed.add(d);
    const change = { paths: [...changed] };
    for (const l of this.listeners) l(change);
  }

  private async closeStore(): Promise<void> {
    await this.hasher?.dispose();
    await this.store?.close();
    this.hasher = undefined;
    this.store = undefined;
    this.pathMap = undefined;
    this.mark = undefined;
    this.markedView = undefined;
  }

  /** The run's newest verification row (a rerun's verdict when it was re-executed last). */
  rerunVerdict(sessionId: string): LatestVerification | undefined {
    const latest = this.verifications.get(sessionId);
    return latest?.level === 'rerun' ? latest : undefined;
  }

  /** Opens (if needed) and returns what commands need to run engine operations. */
  async engine(): Promise<{ view: StoreView; hasher: FileHasher } | undefined> {
    const opened = await this.ensureOpen();
    if (!opened) return undefined;
    return { view: await opened.store.snapshot(), hasher: opened.hasher };
  }

  async dispose(): Promise<void> {
    await this.queue;
    await this.closeStore();
    this.listeners.clear();
  }
}
