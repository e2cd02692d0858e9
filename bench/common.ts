/** Shared bench helpers: data folder, scale, timing and ratio printing. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DATA_DIR = path.resolve(__dirname, '../../bench/.data');
/** CLEW_BENCH_SCALE=0.1 runs every benchmark on a tenth of the data (default 1 = the sizes). */
export const SCALE = Number(process.env.CLEW_BENCH_SCALE ?? '1') || 1;

export function dataDir(name: string): string {
  const dir = path.join(DATA_DIR, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export function report(name: string, ours: number, baseline: number, baselineName: string, target: string): void {
  const ratio = baseline / ours;
  console.log(`${name}: ours ${ours.toFixed(1)} ms, ${baselineName} ${baseline.toFixed(1)} ms → ${ratio.toFixed(2)}× (${target})`);
}

/**
 * Upstream's schema with every index scitex-clew creates, as python3 text for `executescript`:
 * the stores the status and store benches build.
 */
export const UPSTREAM_SCHEMA_SQL = `
CREATE TABLE runs (session_id TEXT PRIMARY KEY, script_path TEXT, script_hash TEXT, started_at TIMESTAMP, finished_at TIMESTAMP, status TEXT, exit_code INTEGER, parent_session TEXT, combined_hash TEXT, metadata TEXT, provenance TEXT DEFAULT 'tracked', exception_reason TEXT);
CREATE TABLE file_hashes (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, file_path TEXT NOT NULL, hash TEXT NOT NULL, role TEXT NOT NULL, size_bytes INTEGER, frozen INTEGER DEFAULT 0, host TEXT, recorded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE(session_id, file_path, role));
CREATE INDEX idx_file_path ON file_hashes(file_path); CREATE INDEX idx_session ON file_hashes(session_id); CREATE INDEX idx_role ON file_hashes(role); CREATE INDEX idx_hash ON file_hashes(hash);
CREATE INDEX idx_runs_status ON runs(status); CREATE INDEX idx_runs_parent ON runs(parent_session);
`;
