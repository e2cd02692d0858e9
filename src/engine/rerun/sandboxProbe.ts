/**
 * What sandbox this machine offers, decided by really building one (the probe costs ~0.3 s), and
 * remembered per machine in the user's cache folder: the answer only changes with the kernel, the
 * user, or the `unshare`/`pivot_root`/`mount` programs, which together make the cache key.
 * `CLEW_SANDBOX_PROBE_CACHE=0` probes every time; a sandbox that fails to build at rerun time
 * forgets the cached answer (forgetSandboxProbe), so the next process probes again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SandboxCapability {
  kind: 'overlay' | 'userns-overlay' | 'copy';
  /** Why a stronger kind is not available (set for `copy`). */
  missing?: string;
  /** True when this answer came from the cache rather than a probe in this process. */
  cached?: boolean;
}

/** Bumped whenever the sandbox's construction changes, so old probe answers are not trusted. */
const SANDBOX_VERSION = 3;

const UNSHARE_ROOT = ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child'];

export function unshareArgs(kind: 'overlay' | 'userns-overlay', network: boolean): string[] {
  const base = kind === 'overlay' ? UNSHARE_ROOT : ['--user', '--map-root-user', ...UNSHARE_ROOT];
  return network ? base : [...base, '--net'];
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (!dir) continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.realpathSync(p);
    } catch {
      continue;
    }
  }
  return undefined;
}

function fingerprint(name: string): string {
  const p = onPath(name);
  if (!p) return `${name}:absent`;
  try {
    const st = fs.statSync(p);
    return `${p}:${st.size}:${Math.floor(st.mtimeMs)}`;
  } catch {
    return `${p}:unreadable`;
  }
}

export function probeKey(): string {
  return JSON.stringify({
    v: SANDBOX_VERSION,
    kernel: os.release(),
    build: typeof os.version === 'function' ? os.version() : '',
    uid: process.getuid?.() ?? -1,
    gid: process.getgid?.() ?? -1,
    tools: ['unshare', 'pivot_root', 'mount'].map(fingerprint),
  });
}

function cacheFile(): string | undefined {
  if (process.env.CLEW_SANDBOX_PROBE_CACHE === '0') return undefined;
  const home = process.env.XDG_CACHE_HOME || (process.env.HOME ? path.join(process.env.HOME, '.cache') : undefined);
  return home ? path.join(home, 'clew', 'sandbox-probe.json') : undefined;
}

export function readCachedCapability(key: string): SandboxCapability | undefined {
  const file = cacheFile();
  if (!file) return undefined;
  try {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { key?: unknown; capability?: SandboxCapability };
    if (saved.key !== key || !saved.capability || typeof saved.capability.kind !== 'string') return undefined;
    return { ...saved.capability, cached: true };
  } catch {
    return undefined;
  }
}

/** Saves the answer atomically (write beside, rename); a cache that cannot be written is no error. */
export function saveCapability(key: string, capability: SandboxCapability): void {
  const file = cacheFile();
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, capability: { kind: capability.kind, missing: capability.missing } }) + '\n');
    fs.renameSync(tmp, file);
  } catch {
    // Read-only home, full disk: probe again next time.
  }
}

let remembered: SandboxCapability | undefined;

export function rememberedCapability(): SandboxCapability | undefined {
  return remembered;
}

export function remember(capability: SandboxCapability): SandboxCapability {
  remembered = capability;
  return capability;
}

/** Drops this process's and the machine's cached answer (the sandbox failed to build after all). */
export function forgetSandboxProbe(): void {
  remembered = undefined;
  const file = cacheFile();
  if (file) fs.rmSync(file, { force: true });
}
