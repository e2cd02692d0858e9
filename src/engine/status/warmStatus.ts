/**
 * The warm `status` path over ./warmSnapshot.ts, independent of how results are printed:
 * - recordingHasher: wraps the slow path's hasher to take each file's stat before it is hashed,
 *   so the slow path can leave a snapshot behind;
 * - rehashChanged: re-hashes only the entries whose stat changed (or are racy) and tells whether
 *   any outcome differs;
 * - reverify: re-applies the verdict rules to the runs of the last status for those files only.
 */
import { createFileHasher } from '../hash/fileHasher';
import { nowNs } from '../hash/statCache';
import { hashFileSyncOutcome } from '../hash/syncHash';
import type { FileHasher, FileStat, HashOutcome } from '../hash/types';
import { rejudgeRuns } from '../verify/runVerify';
import type { FileVerification, RunVerification, VerificationStatus } from '../verify/types';
import { changedEntries, type StoredSnapshot, type WarmEntry } from './warmSnapshot';

export interface Recording {
  hasher: FileHasher;
  takenAtNs: bigint;
  /** Entries for every path hashed, or undefined when some outcome cannot be snapshotted. */
  entries(): WarmEntry[] | undefined;
}

function entryOf(p: string, s: FileStat | undefined): WarmEntry {
  return s
    ? { path: p, present: true, dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, hash: '' }
    : { path: p, present: false, dev: 0n, ino: 0n, size: 0n, mtimeNs: 0n, ctimeNs: 0n, hash: '' };
}

/** Fills `entry.hash` from an outcome; false when the outcome is not a plain file hash or missing. */
function settle(entry: WarmEntry, outcome: HashOutcome | undefined): boolean {
  if (!outcome) return false;
  if (outcome.kind === 'missing') return !entry.present;
  if (outcome.kind !== 'hash' || !entry.present) return false;
  entry.hash = outcome.hash;
  return true;
}

/** `takenAtNs`: when stats may have been taken before this call (a prefetch), the time before those. */
export function recordingHasher(inner: FileHasher, takenAtNs: bigint = nowNs()): Recording {
  const seen = new Map<string, WarmEntry>();
  let ok = true;
  const hasher: FileHasher = {
    async hashMany(paths, options) {
      // The hasher's own stat, taken before it reads the file: an entry must never carry a stat
      // taken after its content was read. A path it could not stat gets no entry (no snapshot).
      const outcomes = await inner.hashMany(paths, { ...options, onStat: (p, s) => seen.set(p, entryOf(p, s)) });
      for (const p of paths) {
        const e = seen.get(p);
        if (!e || !settle(e, outcomes.get(p))) ok = false;
      }
      return outcomes;
    },
    dispose: () => inner.dispose(),
  };
  return { hasher, takenAtNs, entries: () => (ok ? [...seen.values()] : undefined) };
}

/**
 * Re-hashes the entries that changed since `snapshot` (stats taken now, before hashing): on the
 * calling thread, synchronously, when few; on the pool when many. Returns the re-hashed entries by
 * index (empty when nothing changed) and, by path, those whose outcome differs; undefined when
 * some file is now something the snapshot cannot hold.
 */
export async function rehashChanged(snapshot: StoredSnapshot): Promise<{ takenAtNs: bigint; changed: Map<number, WarmEntry>; differing: Map<string, WarmEntry> } | undefined> {
  const takenAtNs = nowNs();
  const changed = changedEntries(snapshot);
  const rehashed = new Map<number, WarmEntry>();
  const differing = new Map<string, WarmEntry>();
  if (changed.length === 0) return { takenAtNs, changed: rehashed, differing };
  // Never opened here: a FIFO would block the open, a device might never end.
  if (changed.some((c) => c.archived || c.notFile)) return undefined;
  const present = changed.filter((c) => c.now.present).map((c) => c.now.path);
  let outcomes: ReadonlyMap<string, HashOutcome | undefined>;
  if (present.length <= 32) {
    // A few files: read here, one after the other, without setting up the hashing machinery.
    const buffer = Buffer.allocUnsafe(256 * 1024);
    outcomes = new Map(present.map((p) => [p, hashFileSyncOutcome(p, buffer)]));
  } else {
    const hasher = createFileHasher({ useCache: false });
    try {
      outcomes = await hasher.hashMany(present);
    } finally {
      await hasher.dispose();
    }
  }
  for (const { index, now } of changed) {
    // A present file that could not be hashed as a plain file (gone meanwhile, a directory, unreadable): the full path judges it.
    if (now.present && !settle(now, outcomes.get(now.path))) return undefined;
    rehashed.set(index, now);
    const wasPresent = snapshot.presentAt(index);
    if (wasPresent !== now.present || snapshot.hashAt(index) !== now.hash) differing.set(now.path, now);
  }
  return { takenAtNs, changed: rehashed, differing };
}

/** The runs of the last status with the verdict rules re-applied to the files in `differing`. */
export function reverify(runs: readonly RunVerification[], differing: ReadonlyMap<string, WarmEntry>): RunVerification[] {
  // status() verifies with propagate=True (spec §3.5).
  return rejudgeRuns(runs, (p) => {
    const now = differing.get(p);
    if (!now) return undefined;
    return now.present ? { kind: 'hash', hash: now.hash, cached: false } : { kind: 'missing' };
  });
}

/** A file of the model: entry index, role, expected hash ('' = equals the entry's hash), status, frozen. */
type CompactFile = [number, string, string, VerificationStatus, 0 | 1];
type CompactRun = Omit<RunVerification, 'files'> & { files: CompactFile[] };

/**
 * The runs of a status as the snapshot's model: paths and current hashes are the entries', so
 * each file costs a few bytes of JSON, not a full record (4 MB → well under 1 MB for 10,000 files).
 * One line per run (JSON has no raw newline), so a run can be replaced without encoding the others
 * again: the run's own fields as JSON, a tab (JSON has no raw tab either), its files as JSON — so a
 * run that needs no re-judging is read without parsing its files. Throws for a file the entries do
 * not hold (the snapshot is then not written).
 */
export function encodeModel(runs: readonly RunVerification[], entries: readonly WarmEntry[]): string {
  const index = new Map(entries.map((e, i) => [e.path, i]));
  const indexOf = (p: string): number | undefined => index.get(p);
  return runs.map((run) => modelLine(encodeRun(run, indexOf, (i) => entries[i].hash))).join('\n');
}

function modelLines(model: string): string[] {
  return model === '' ? [] : model.split('\n');
}

function modelLine({ files, ...head }: CompactRun): string {
  return `${JSON.stringify(head)}\t${JSON.stringify(files)}`;
}

/** A model line as its run's own fields (parsed) and its files (as text, parsed on demand). */
function splitLine(line: string): { head: Omit<CompactRun, 'files'>; filesText: string } {
  const tab = line.indexOf('\t');
  if (tab < 0) throw new Error('not a model line');
  return { head: JSON.parse(line.slice(0, tab)) as Omit<CompactRun, 'files'>, filesText: line.slice(tab + 1) };
}

function parseLine(line: string): CompactRun {
  const { head, filesText } = splitLine(line);
  return { ...head, files: JSON.parse(filesText) as CompactFile[] };
}

/** One run of the model; `hashAt(i)` is entry i's hash ('' when missing). */
function encodeRun(run: RunVerification, indexOf: (path: string, k: number) => number | undefined, hashAt: (i: number) => string): CompactRun {
  return {
    ...run,
    files: run.files.map((f, k): CompactFile => {
      const i = indexOf(f.path, k);
      if (i === undefined || f.error !== undefined) throw new Error(`not in the snapshot: ${f.path}`);
      const implied = !f.frozen && f.current_hash !== null && f.current_hash === f.expected_hash && hashAt(i) === f.current_hash;
      return [i, f.role, implied ? '' : f.expected_hash, f.status, f.frozen ? 1 : 0];
    }),
  };
}

function decodeRun(run: CompactRun, snapshot: Pick<StoredSnapshot, 'paths' | 'hashAt'>): RunVerification {
  return {
    ...run,
    files: run.files.map(([i, role, stored, status, frozen]) => {
      const current = status === 'missing' ? null : frozen ? stored : snapshot.hashAt(i);
      const expected = stored === '' ? snapshot.hashAt(i) : stored;
      return { path: snapshot.paths[i], role, expected_hash: expected, current_hash: current, status, frozen: frozen === 1, is_verified: status === 'verified' };
    }),
  };
}

/** The runs back from encodeModel, against the entries they were encoded with. */
export function decodeModel(model: string, snapshot: Pick<StoredSnapshot, 'paths' | 'hashAt'>): RunVerification[] {
  return modelLines(model).map((line) => decodeRun(parseLine(line), snapshot));
}

/**
 * A file of the model whose hashes are read from the snapshot only when asked for: rendering a
 * status never asks, and reading both for every file was most of decoding a large model.
 * (`declare`d fields: assigned once in the constructor, without class-field definitions first.)
 */
class StoredFile implements FileVerification {
  declare readonly path: string;
  declare readonly role: string;
  declare readonly status: VerificationStatus;
  declare readonly frozen: boolean;
  declare readonly is_verified: boolean;
  declare private readonly snapshot: Pick<StoredSnapshot, 'paths' | 'hashAt'>;
  declare private readonly entry: number;
  declare private readonly stored: string;
  constructor(snapshot: Pick<StoredSnapshot, 'paths' | 'hashAt'>, [entry, role, stored, status, frozen]: CompactFile) {
    this.path = snapshot.paths[entry];
    this.role = role;
    this.status = status;
    this.frozen = frozen === 1;
    this.is_verified = status === 'verified';
    this.snapshot = snapshot;
    this.entry = entry;
    this.stored = stored;
  }
  get expected_hash(): string {
    return this.stored === '' ? this.snapshot.hashAt(this.entry) : this.stored;
  }
  get current_hash(): string | null {
    return this.status === 'missing' ? null : this.frozen ? this.stored : this.snapshot.hashAt(this.entry);
  }
}

/**
 * reverify over the snapshot's model, for the snapshot's entries with `changed` (by index) put in
 * their place, `differing` being those whose outcome differs: the runs re-judged, as a status
 * report needs them, and the next model — what encodeModel would give for those runs and entries.
 * Only the runs holding a differing file are decoded fully and encoded again; the others keep
 * their line as read and carry only their files that are not verified, which read their hashes
 * only if asked (StoredFile). So `runs` is for printing: renderStatus* give the same bytes as for
 * fully decoded runs (test/cli/statusWarm.test.ts compares them with the slow path's).
 */
export function reverifyModel(snapshot: Pick<StoredSnapshot, 'paths' | 'hashAt' | 'model'>, changed: ReadonlyMap<number, WarmEntry>, differing: ReadonlyMap<string, WarmEntry>): { runs: RunVerification[]; model: string } {
  const differs = new Uint8Array(snapshot.paths.length);
  for (const [i, e] of changed) if (differing.has(e.path)) differs[i] = 1;
  const hashAt = (i: number): string => changed.get(i)?.hash ?? snapshot.hashAt(i);
  const runs: RunVerification[] = [];
  // Each file of a model line starts `[<entry index>,`: a line without that text for any differing
  // entry holds none of them (a match elsewhere in the line only costs a parse).
  const tokens = [...changed.keys()].filter((i) => differs[i] === 1).map((i) => `[${i},`);
  const lines = modelLines(snapshot.model).map((line) => {
    const { head, filesText } = splitLine(line);
    let files: CompactFile[] | undefined;
    let affected = false;
    if (tokens.some((t) => filesText.includes(t))) {
      files = JSON.parse(filesText) as CompactFile[];
      for (let k = 0; k < files.length && !affected; k++) affected = differs[files[k][0]] === 1;
    }
    if (!affected) {
      // What a status report reads of a run it did not re-judge: its own fields and the files
      // that are not verified (the lists of changed and missing files). A verified run has none;
      // verified files are left out rather than built, 10,000 objects on a large project.
      const failing: FileVerification[] = [];
      if (!head.is_verified) for (const file of files ?? (JSON.parse(filesText) as CompactFile[])) if (file[3] !== 'verified') failing.push(new StoredFile(snapshot, file));
      runs.push({ ...head, files: failing });
      return line;
    }
    const run: CompactRun = { ...head, files: files ?? [] };
    const [judged] = reverify([decodeRun(run, snapshot)], differing);
    runs.push(judged);
    // reverify keeps a run's files in order.
    return modelLine(encodeRun(judged, (_, k) => run.files[k][0], hashAt));
  });
  return { runs, model: lines.join('\n') };
}
