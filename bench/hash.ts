/**
 * Hashing throughput against `openssl dgst -sha256` on the same data, measured in the same run:
 *   1. one large file, one thread (target ≥ 0.9× openssl per core)
 *   2. many files on the worker pool vs the same files on one thread (target ≥ 1.7× on 2 cores)
 * Data: 1 GB by default in bench/.data (CLEW_BENCH_SCALE scales it).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createFileHasher } from '../src/engine/hash/fileHasher';
import { hashFile } from '../src/engine/hash/sha256';
import { dataDir, report, SCALE, timed } from './common';

const MB = 1024 * 1024;

function ensureFile(p: string, bytes: number): void {
  if (fs.existsSync(p) && fs.statSync(p).size === bytes) return;
  const fd = fs.openSync(p, 'w');
  const chunk = Buffer.alloc(8 * MB);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
  for (let written = 0; written < bytes; written += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
  fs.closeSync(fd);
}

async function main(): Promise<void> {
  const dir = dataDir('hash');
  const bigBytes = Math.round(512 * MB * SCALE);
  const big = path.join(dir, 'big.bin');
  ensureFile(big, bigBytes);
  const manyDir = path.join(dir, 'many');
  fs.mkdirSync(manyDir, { recursive: true });
  const count = Math.max(8, Math.round(512 * SCALE));
  const files = Array.from({ length: count }, (_, i) => path.join(manyDir, `f${i}.bin`));
  for (const f of files) ensureFile(f, MB);
  console.log(`hash bench: ${(bigBytes / MB).toFixed(0)} MB single file, ${count} × 1 MB files`);

  execFileSync('openssl', ['dgst', '-sha256', big]); // warm the page cache
  const openssl = await timed(() => execFileSync('openssl', ['dgst', '-sha256', big]));
  const ours = await timed(() => hashFile(big));
  report('single large file', ours.ms, openssl.ms, 'openssl dgst -sha256', 'target ≥ 0.9×');
  console.log(`  ours ${((bigBytes / MB) / (ours.ms / 1000)).toFixed(0)} MB/s, openssl ${((bigBytes / MB) / (openssl.ms / 1000)).toFixed(0)} MB/s`);

  const single = createFileHasher({ useCache: false, concurrency: 1 });
  const pool = createFileHasher({ useCache: false });
  await pool.hashMany(files.slice(0, 2)); // start the workers
  const one = await timed(() => single.hashMany(files));
  const many = await timed(() => pool.hashMany(files));
  report('many files, worker pool vs one thread', many.ms, one.ms, 'one thread', 'target ≥ 1.7× on 2 cores');
  const opensslMany = await timed(() => execFileSync('openssl', ['dgst', '-sha256', ...files]));
  report('many files, worker pool vs openssl (one process)', many.ms, opensslMany.ms, 'openssl', 'informational');
  await single.dispose();
  await pool.dispose();
}

void main();
