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
