/**
 * The rerun sandbox: the script sees the project at its real absolute paths, while every write,
 * create and delete lands in a scratch layer, so the user's files and store never change.
 *
 * - `overlay` (Linux, root): a private mount namespace (util-linux `unshare`) in which each
 *   protected root (project, script folder, folders of recorded files, $HOME) is covered by an
 *   overlayfs whose upper layer is a scratch folder. A private PID namespace makes every process
 *   of the run die with it (timeouts and Cancel leave nothing behind).
 * - `userns-overlay` (Linux, ordinary user): the same inside an unprivileged user namespace
 *   (`unshare -Urm`), usable when the protected files belong to the user (overlayfs cannot copy up
 *   files of another uid/gid there: EOVERFLOW).
 * - `copy` (elsewhere): the script's folder and recorded inputs are copied to a temporary root at
 *   the same relative layout and the command runs there. Absolute paths the script writes
 *   outside those copies are NOT protected; the caller says so on stderr.
 *
 * Before the command starts, the run's recorded outputs are deleted inside the sandbox, so an
 * output that the script fails to write again is reported missing rather than "still there".
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUnder } from '../util/paths';

export type SandboxKind = 'overlay' | 'userns-overlay' | 'copy';

export interface SandboxCapability {
  kind: SandboxKind;
  /** Why a stronger kind is not available (set for `copy`). */
  missing?: string;
}

/** Characters we allow in paths that go into overlayfs mount options (scratch folders are ours). */
const OPTION_SAFE = /^[A-Za-z0-9_./-]+$/;

function scratchBase(avoid: readonly string[]): string | undefined {
  const candidates = [os.tmpdir(), '/tmp', '/var/tmp', '/dev/shm'];
  for (const c of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(c);
    } catch {
      continue;
    }
    if (!OPTION_SAFE.test(real) || avoid.some((root) => isUnder(real, root) || isUnder(root, real))) continue;
    try {
      fs.accessSync(real, fs.constants.W_OK);
      return real;
    } catch {
      continue;
    }
  }
  return undefined;
}

const UNSHARE_ROOT = ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc'];
const UNSHARE_USER = ['--user', '--map-root-user', ...UNSHARE_ROOT];

/** Mounts each overlay (bind the original aside first, so odd characters in user paths never reach mount options), deletes the outputs, then execs the command. */
const SANDBOX_SHELL = `set -e
n="$1"; shift
i=0
while [ "$i" -lt "$n" ]; do
  root="$1"; aside="$2"; lowers="$3"; upper="$4"; work="$5"; shift 5
  mount --bind "$root" "$aside"
  if [ -n "$lowers" ]; then lower="$lowers:$aside"; else lower="$aside"; fi
  mount -t overlay clew-rerun -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
  i=$((i + 1))
done
while [ "$1" != "--" ]; do rm -f -- "$1"; shift; done
shift
cd -- "$1"; shift
exec "$@"`;

let probed: SandboxCapability | undefined;

function probeOverlay(prefix: readonly string[]): string | undefined {
  const base = scratchBase([]);
  if (!base) return 'no writable scratch folder with a plain path';
  const dir = fs.mkdtempSync(path.join(base, 'clew-probe-'));
  try {
    for (const d of ['root', 'aside', 'upper', 'work']) fs.mkdirSync(path.join(dir, d));
    fs.writeFileSync(path.join(dir, 'root', 'f'), 'x');
    const r = spawnSync('unshare', [...prefix, 'sh', '-c', SANDBOX_SHELL, 'clew-probe', '1', path.join(dir, 'root'), path.join(dir, 'aside'), '', path.join(dir, 'upper'), path.join(dir, 'work'), path.join(dir, 'root', 'f'), '--', dir, 'sh', '-c', 'echo y > root/g'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) return `unshare is not available (${r.error.message})`;
    if (r.status !== 0) return (r.stderr || `unshare exited ${r.status}`).trim().split('\n').pop();
    if (!fs.existsSync(path.join(dir, 'root', 'f')) || fs.existsSync(path.join(dir, 'root', 'g'))) return 'the overlay did not isolate writes';
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What this machine offers (probed once per process by really mounting an overlay). */
export function sandboxCapability(): SandboxCapability {
  if (probed) return probed;
  if (process.env.CLEW_RERUN_SANDBOX === 'copy') return (probed = { kind: 'copy', missing: 'CLEW_RERUN_SANDBOX=copy asked for the copy sandbox' });
  if (process.platform !== 'linux') return (probed = { kind: 'copy', missing: `mount namespaces are Linux-only (this is ${process.platform})` });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const rootProblem = isRoot ? probeOverlay(UNSHARE_ROOT) : 'not running as root';
  if (!rootProblem) return (probed = { kind: 'overlay' });
  const userProblem = probeOverlay(UNSHARE_USER);
  if (!userProblem) return (probed = { kind: 'userns-overlay' });
  return (probed = { kind: 'copy', missing: `no private mount namespace with overlayfs (${rootProblem}; user namespace: ${userProblem})` });
}

export interface SandboxRequest {
  /** Folders whose files must never change (collapsed to the outermost ones). */
  protect: readonly string[];
  /** Files the copy sandbox must bring along (script, recorded inputs). */
  bring: readonly string[];
  /** Folder whose plain files the copy sandbox also brings (the script's folder: helper modules). */
  bringFolder?: string;
  /** Recorded outputs: deleted inside the sandbox before the command starts. */
  outputs: readonly string[];
  /** Upper layers of earlier reruns to stack under this one (chain mode, oldest first). */
  underlays?: readonly Sandbox[];
  /** Files that sit in earlier reruns' outputs for the copy sandbox (chain mode): path → file holding the bytes. */
  chainedFiles?: ReadonlyMap<string, string>;
  argv: readonly string[];
  cwd: string;
}

interface Layer {
  root: string;
  upper: string;
}

export interface Sandbox {
  readonly kind: SandboxKind;
  readonly dir: string;
  /** The program and arguments to spawn, and where. */
  readonly spawnArgv: string[];
  readonly spawnCwd: string;
  /** Where the rerun's version of `file` is after the run (undefined: it does not exist there). */
  resultOf(file: string): string | undefined;
  /** Upper layers, for stacking under a later run (chain mode). */
  readonly layers: readonly Layer[];
  remove(): void;
}

/** Keeps the outermost folders only (an overlay over a folder covers everything below it). */
export function outermost(folders: readonly string[]): string[] {
  const sorted = [...new Set(folders.map((f) => path.resolve(f)))].filter((f) => f !== path.parse(f).root).sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const f of sorted) if (!kept.some((k) => isUnder(f, k))) kept.push(f);
  return kept;
}

function isWhiteout(p: string): boolean {
  try {
    const st = fs.lstatSync(p);
    return st.isCharacterDevice() && st.rdev === 0;
  } catch {
    return false;
  }
}

function regularFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function overlaySandbox(kind: 'overlay' | 'userns-overlay', request: SandboxRequest): Sandbox | string {
  const roots = outermost(request.protect.filter((p) => fs.existsSync(p) && fs.statSync(p).isDirectory()));
  const base = scratchBase(roots);
  if (!base) return 'no scratch folder outside the protected folders';
  const dir = fs.mkdtempSync(path.join(base, 'clew-rerun-'));
  const layers: Layer[] = [];
  const args: string[] = [String(roots.length)];
  roots.forEach((root, i) => {
    const aside = path.join(dir, `lower${i}`);
    const upper = path.join(dir, `upper${i}`);
    const work = path.join(dir, `work${i}`);
    for (const d of [aside, upper, work]) fs.mkdirSync(d);
    // Earlier reruns' upper layers for the same root, newest on top (overlayfs lists top first).
    const lowers = (request.underlays ?? []).flatMap((s) => s.layers.filter((l) => l.root === root).map((l) => l.upper)).reverse();
    args.push(root, aside, lowers.join(':'), upper, work);
    layers.push({ root, upper });
  });
  const prefix = kind === 'overlay' ? UNSHARE_ROOT : UNSHARE_USER;
  return {
    kind,
    dir,
    layers,
    spawnArgv: ['unshare', ...prefix, 'sh', '-c', SANDBOX_SHELL, 'clew-sandbox', ...args, ...request.outputs, '--', request.cwd, ...request.argv],
    spawnCwd: dir,
    resultOf(file: string) {
      const layer = layers.find((l) => isUnder(file, l.root));
      if (!layer) return undefined;
      const candidate = path.join(layer.upper, path.relative(layer.root, file));
      if (isWhiteout(candidate) || !regularFile(candidate)) return undefined;
      return candidate;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where the copy sandbox puts `file`: same layout relative to the anchor, else under __abs__. */
function copySandbox(request: SandboxRequest, anchor: string): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-rerun-copy-'));
  const root = path.join(dir, 'root');
  const mapped = (p: string) => (isUnder(p, anchor) ? path.join(root, path.relative(anchor, p)) : path.join(root, '__abs__', p));
  const place = (from: string, to: string) => {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(from, to);
  };
  if (request.bringFolder) {
    let budget = 64 * 1024 * 1024;
    for (const entry of safeReaddir(request.bringFolder)) {
      const p = path.join(request.bringFolder, entry);
      try {
        const st = fs.statSync(p);
        if (!st.isFile() || st.size > budget) continue;
        budget -= st.size;
        place(p, mapped(p));
      } catch {
        continue;
      }
    }
  }
  for (const p of request.bring) if (regularFile(p)) place(p, mapped(p));
  for (const [p, source] of request.chainedFiles ?? []) place(source, mapped(p));
  for (const p of request.outputs) fs.rmSync(mapped(p), { force: true });
  fs.mkdirSync(mapped(request.cwd), { recursive: true });
  // Arguments naming files of the project point at their copies.
  const argv = request.argv.map((a, i) => (i > 0 && path.isAbsolute(a) && isUnder(a, anchor) ? mapped(a) : a));
  return {
    kind: 'copy',
    dir,
    layers: [],
    spawnArgv: argv,
    spawnCwd: mapped(request.cwd),
    resultOf(file: string) {
      const p = mapped(file);
      return regularFile(p) ? p : undefined;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

export interface PreparedSandbox {
  sandbox: Sandbox;
  /** Set when the sandbox is weaker than asked for: what is not protected, to tell the user. */
  warning?: string;
}

/** Builds the strongest sandbox this machine allows for one rerun. `anchor` is the project root. */
export function prepareSandbox(request: SandboxRequest, anchor: string): PreparedSandbox {
  const capability = sandboxCapability();
  if (capability.kind !== 'copy') {
    if (capability.kind === 'userns-overlay') {
      const foreign = foreignOwned([...request.bring, ...request.outputs, ...request.protect]);
      if (foreign) return { sandbox: copySandbox(request, anchor), warning: `copy sandbox: ${foreign} belongs to another user, which an unprivileged overlay cannot copy up; absolute paths the script writes outside its copied inputs are not protected` };
    }
    const built = overlaySandbox(capability.kind, request);
    if (typeof built !== 'string') return { sandbox: built };
    return { sandbox: copySandbox(request, anchor), warning: `copy sandbox: ${built}; absolute paths the script writes outside its copied inputs are not protected` };
  }
  return { sandbox: copySandbox(request, anchor), warning: `copy sandbox: ${capability.missing ?? 'no mount namespace'}; absolute paths the script writes outside its copied inputs are not protected` };
}

function foreignOwned(paths: readonly string[]): string | undefined {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  for (const p of paths) {
    try {
      const st = fs.statSync(p);
      if (st.uid !== uid || st.gid !== gid) return p;
    } catch {
      continue;
    }
  }
  return undefined;
}
