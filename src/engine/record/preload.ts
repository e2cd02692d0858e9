/**
 * The LD_PRELOAD interposer (clew_preload.c): compiled on first use with `cc` into a per-user
 * cache keyed by the source's hash, then reused by every `clew record`. Its log is parsed here
 * into the same CapturedFiles strace's log gives (capture.ts), so both captures feed one filter.
 *
 * Contracts: the shared object appears in the cache atomically (compiled to a temp name, renamed),
 * so concurrent first records never load a half-written file; a failed compile is remembered for
 * the process only (a compiler installed later is used next time).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assetPath } from '../util/assets';
import { lazyChildProcess } from '../util/lazyBuiltins';
import type { CapturedFiles } from './capture';

export const PRELOAD_SOURCE = 'clew_preload.c';

/** The per-user cache: $CLEW_CACHE_DIR, else $XDG_CACHE_HOME/clew, else ~/.cache/clew. */
export function clewCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLEW_CACHE_DIR) return env.CLEW_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'clew');
}

export type PreloadLibrary = { ok: true; path: string } | { ok: false; reason: string };

let built: PreloadLibrary | undefined;

/**
 * The cache key of a source on a platform: two 32-bit FNV-1a hashes (different offsets), in hex.
 * Not a security boundary (whoever can write the cache can replace the library itself), only
 * "this source was compiled"; it spares every `clew record` loading node:crypto (~12 ms) before
 * its command starts.
 */
export function cacheKey(source: Buffer, platform: string): string {
  let a = 0x811c9dc5;
  let b = 0x2f3a4c5d;
  const mix = (byte: number) => {
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x01000193);
  };
  for (const byte of source) mix(byte);
  for (const byte of Buffer.from(`\0${platform}`)) mix(byte);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The compiled interposer, building it when the cache has none for this source. */
export function preloadLibrary(env: NodeJS.ProcessEnv = process.env): PreloadLibrary {
  if (built) return built;
  let source: Buffer;
  try {
    source = fs.readFileSync(assetPath(PRELOAD_SOURCE));
  } catch (err) {
    return (built = { ok: false, reason: `the interposer source is missing (${(err as Error).message})` });
  }
  const key = cacheKey(source, `${process.arch}-${process.platform}`);
  const dir = path.join(clewCacheDir(env), 'preload');
  const lib = path.join(dir, `clew_preload-${key}.so`);
  if (fs.existsSync(lib)) return (built = { ok: true, path: lib });
  if (process.platform !== 'linux') return (built = { ok: false, reason: `LD_PRELOAD capture is Linux-only (this is ${process.platform})` });
  const compiler = env.CC || 'cc';
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    return (built = { ok: false, reason: `cannot create the cache folder ${dir} (${(err as Error).message})` });
  }
  const tmpSource = path.join(dir, `.src-${process.pid}-${key}.c`);
  const tmpLib = path.join(dir, `.tmp-${process.pid}-${key}.so`);
  try {
    fs.writeFileSync(tmpSource, source);
    const r = lazyChildProcess().spawnSync(compiler, ['-shared', '-fPIC', '-O2', '-o', tmpLib, tmpSource, '-ldl'], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) return (built = { ok: false, reason: `no C compiler to build the interposer ('${compiler}': ${r.error.message})` });
    if (r.status !== 0) return (built = { ok: false, reason: `the interposer did not compile with '${compiler}': ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}` });
    fs.renameSync(tmpLib, lib);
    return (built = { ok: true, path: lib });
  } finally {
    fs.rmSync(tmpSource, { force: true });
    fs.rmSync(tmpLib, { force: true });
  }
}

/** Forgets the memoised build (tests that change CC or the cache folder). */
export function resetPreloadLibrary(): void {
  built = undefined;
}

/**
 * Why the interposer would not see `executable`'s file calls, or undefined when it would:
 * statically linked programs (and scripts run by one) never load LD_PRELOAD libraries.
 */
export function preloadBlindSpot(executable: string, cwd: string, envPath: string, depth = 0): string | undefined {
  let head: Buffer;
  try {
    const fd = fs.openSync(executable, 'r');
    try {
      head = Buffer.alloc(4096);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (head.subarray(0, 2).toString('latin1') === '#!' && depth < 4) {
    const line = head.toString('latin1', 2, head.indexOf(10) === -1 ? head.length : head.indexOf(10)).trim();
    const [interp, ...rest] = line.split(/\s+/);
    if (!interp) return undefined;
    let target: string | undefined = interp;
    if (path.basename(interp) === 'env') {
      const program = rest.find((a) => !a.startsWith('-') && !a.includes('='));
      target = program === undefined ? undefined : findOnPath(program, envPath);
    }
    return target ? preloadBlindSpot(target, cwd, envPath, depth + 1) : undefined;
  }
  return isStaticElf(head) ? `${executable} is statically linked (LD_PRELOAD cannot see its file calls)` : undefined;
}

function findOnPath(program: string, envPath: string): string | undefined {
  if (program.includes('/')) return program;
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** An ELF executable without a PT_INTERP program header is statically linked. */
export function isStaticElf(head: Buffer): boolean {
  if (head.length < 64 || head.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  const u16 = (o: number) => (little ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number) => (little ? head.readUInt32LE(o) : head.readUInt32BE(o));
  const phoff = is64 ? Number(little ? head.readBigUInt64LE(32) : head.readBigUInt64BE(32)) : u32(28);
  const phentsize = u16(is64 ? 54 : 42);
  const phnum = u16(is64 ? 56 : 44);
  // Executables (ET_EXEC) and PIEs (ET_DYN); a static PIE is ET_DYN without PT_INTERP too.
  const type = u16(16);
  if (type !== 2 && type !== 3) return false;
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 > head.length) return false; // headers beyond what we read: assume dynamic
    if (u32(at) === 3) return false; // PT_INTERP
  }
  return phnum > 0;
}

/** The interposer logs absolute paths; path.resolve (slow per call) only for one with `.`, `..` or `//` parts. */
export function normalAbsolute(p: string): string {
  return p.startsWith('/') && !/\/\.{0,2}(\/|$)/.test(p) ? p : path.resolve(p);
}

/**
 * The interposer's log, parsed as it grows (prehash.ts reads it while the command runs) or at
 * once (parsePreloadLog). Records are `<kind><absolute path>\0`; a trailing partial record waits
 * for the next chunk. Classification as the strace capture's: a file first read and never written
 * is an input; anything written or renamed into place is an output.
 */
export class PreloadLogParser {
  private readonly firstAccess = new Map<string, 'read' | 'write'>();
  private readonly written = new Set<string>();
  private carry: Buffer = Buffer.alloc(0);

  /** Parses the next bytes of the log; calls `onFirstRead` for each file whose first access is a read. */
  feed(chunk: Buffer, onFirstRead?: (file: string) => void): void {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = data.indexOf(0, start);
      if (end === -1) break;
      const kind = data[start];
      const file = normalAbsolute(data.toString('utf8', start + 1, end));
      start = end + 1;
      if (kind === 0x6e /* n: rename target */) {
        this.written.add(file);
        continue;
      }
      const writes = kind !== 0x72; /* r */
      if (!this.firstAccess.has(file)) {
        this.firstAccess.set(file, writes ? 'write' : 'read');
        if (!writes) onFirstRead?.(file);
      }
      if (writes) this.written.add(file);
    }
    this.carry = Buffer.from(data.subarray(start));
  }

  /** Written at some point (its pre-hash, if any, is void). */
  wasWritten(file: string): boolean {
    return this.written.has(file);
  }

  captured(): CapturedFiles {
    const inputs = [...this.firstAccess].filter(([f, kind]) => kind === 'read' && !this.written.has(f)).map(([f]) => f);
    return { inputs, outputs: [...this.written], executed: [] };
  }
}

/** Parses the interposer's NUL-terminated records into files read, written and (never) executed. */
export function parsePreloadLog(log: Buffer): CapturedFiles {
  const parser = new PreloadLogParser();
  parser.feed(log);
  return parser.captured();
}
