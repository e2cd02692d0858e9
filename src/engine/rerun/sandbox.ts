/**
 * The rerun sandbox: the script sees the whole machine at its real absolute paths, while every
 * write, create and delete anywhere lands in a scratch layer (or fails), so nothing outside the
 * scratch ever changes.
 *
 * - `overlay` (Linux, root) and `userns-overlay` (Linux, ordinary user, inside `unshare -U`): a
 *   private mount namespace whose root is rebuilt from overlays (./sealedRoot.ts), with private
 *   /tmp, /var/tmp and /dev/shm, a private PID namespace (every process of the run dies with it)
 *   and, unless the network is asked for, a private network namespace with loopback only. On the
 *   userns path the command runs as the user's own uid again (a nested user namespace).
 * - `copy` (elsewhere): the script's folder and recorded inputs are copied to a temporary root at
 *   the same relative layout and the command runs there. Absolute paths the script writes
 *   outside those copies are NOT protected, nor is the network; the caller says so on stderr.
 *
 * Before the command starts, the run's recorded outputs are deleted inside the sandbox, so an
 * output that the script fails to write again is reported missing rather than "still there".
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isUnder } from '../util/paths';
import { planSealedRoot, PRIVATE_DIRS, SEALED_SHELL, type RootPlan } from './sealedRoot';
import { probeKey, readCachedCapability, remember, rememberedCapability, saveCapability, unshareArgs, type SandboxCapability } from './sandboxProbe';

export { forgetSandboxProbe, type SandboxCapability } from './sandboxProbe';

export type SandboxKind = 'overlay' | 'userns-overlay' | 'copy';

/** Characters we allow in paths that go into overlayfs mount options (scratch folders are ours). */
const OPTION_SAFE = /^[A-Za-z0-9_./-]+$/;
/** The old root's mount point while the new one is entered (removed before the command starts). */
const OLD_ROOT = '/.clew-old-root';
/** Where the run's own scratch store lives inside the private /tmp. */
const STORE_DIR_INSIDE = '/tmp/.clew-store';
/** The most side effects listed for one run. */
const SIDE_EFFECT_LIMIT = 1000;

export function scratchBase(avoid: readonly string[]): string | undefined {
  const candidates = [os.tmpdir(), '/tmp', '/var/tmp', '/dev/shm'];
  for (const c of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(c);
    } catch {
      continue;
    }
    if (!OPTION_SAFE.test(real) || avoid.some((root) => isUnder(real, root))) continue;
    try {
      fs.accessSync(real, fs.constants.W_OK);
      return real;
    } catch {
      continue;
    }
  }
  return undefined;
}

export interface SandboxRequest {
  /** Folders the command must see at their real paths even when they sit in /tmp (project, inputs, outputs, store, $HOME). */
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
  /**
   * Files put in place before the command starts, whatever sandbox is built (chain mode on SLURM:
   * the parents' re-generated outputs, left on the shared filesystem by their jobs): path → file
   * holding the bytes, or null for a file the parent's rerun did not write (absent in the sandbox).
   */
  staged?: ReadonlyMap<string, string | null>;
  /** Let the command reach the network (default: loopback only). */
  network?: boolean;
  argv: readonly string[];
  cwd: string;
}

export interface Layer {
  /** The folder this layer covers, as the command sees it. */
  root: string;
  /** Where its writes land on the real disk. */
  upper: string;
  /** Overlay layers stack under later reruns (chain mode); private folders do not. */
  stackable: boolean;
}

export interface SideEffects {
  /** Files and links the run created or changed outside its recorded outputs (all discarded). */
  written: string[];
  /** Files the run deleted (only ever inside the sandbox). */
  deleted: string[];
}

export interface Sandbox {
  readonly kind: SandboxKind;
  readonly dir: string;
  /** The program and arguments to spawn, and where. */
  readonly spawnArgv: string[];
  readonly spawnCwd: string;
  /** Whether the command could reach the network. */
  readonly network: boolean;
  /** The scratch store the command records into: where to put it on disk, and the path the command sees. */
  readonly store: { host: string; inside: string };
  /** TMPDIR as the command sees it. */
  readonly tmpInside: string;
  /** Where the rerun's version of `file` is after the run (undefined: it does not exist there). */
  resultOf(file: string): string | undefined;
  /** What the run wrote besides `outputs` (the copy sandbox cannot see writes outside its copy). */
  sideEffects(outputs: readonly string[]): SideEffects;
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

function isWhiteout(st: fs.Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function regularFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Removes a scratch tree, also the folders an unprivileged overlay leaves with mode 000 (its
 * `work/work`), which a plain recursive remove cannot enter (EACCES).
 */
export function removeScratch(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  } catch {
    // Make every folder enterable, then try again.
  }
  const open = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    try {
      fs.chmodSync(p, 0o700);
    } catch {
      return;
    }
    for (const name of safeReaddir(p)) open(path.join(p, name));
  };
  open(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

function makeDir(p: string, mode?: number): void {
  fs.mkdirSync(p, { recursive: true });
  if (mode !== undefined) fs.chmodSync(p, mode);
}

/**
 * Creates `dir`'s folders below `from` inside `upper` (the layer's view of `from`), each with the
 * real folder's mode, so a file staged there shows at its real path with the folders as they are.
 */
function mirrorFolders(from: string, dir: string, upper: string): void {
  const rel = path.relative(from, dir);
  if (rel === '' || rel.startsWith('..')) return;
  let real = from;
  let inUpper = upper;
  for (const part of rel.split(path.sep)) {
    real = path.join(real, part);
    inUpper = path.join(inUpper, part);
    if (fs.existsSync(inUpper)) continue;
    fs.mkdirSync(inUpper);
    try {
      fs.chmodSync(inUpper, fs.statSync(real).mode & 0o7777);
    } catch {
      // The folder does not exist on the real disk: keep the default mode.
    }
  }
}

/** Lists what a layer holds (files, links, whiteouts), as paths the command saw. */
function walkLayer(layer: Layer, visit: (seen: string, st: fs.Stats) => void): void {
  const walk = (dir: string) => {
    for (const name of safeReaddir(dir)) {
      const p = path.join(dir, name);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else visit(path.join(layer.root, path.relative(layer.upper, p)), st);
    }
  };
  walk(layer.upper);
}

function overlaySandbox(kind: 'overlay' | 'userns-overlay', request: SandboxRequest, plan: RootPlan): Sandbox | string {
  const planned = new Set(plan.steps.flatMap((st) => (st.op === 'overlay' ? [st.source] : [])));
  const inPrivate = request.protect.filter((p) => PRIVATE_DIRS.some((d) => isUnder(p, d) && p !== d) && isDirectory(p));
  // Unprivileged overlayfs cannot copy up a folder of another uid (EOVERFLOW), so a write deep in
  // the user's tree under root's folders would fail: give the user's own trees their own overlays.
  const ownTrees = kind === 'userns-overlay' ? request.protect.filter(isDirectory).map(userOwnedTop).filter((p): p is string => p !== undefined) : [];
  // Chain mode: the folders earlier reruns overlaid must be overlaid here too, or their outputs would not show.
  const chained = (request.underlays ?? []).flatMap((u) => u.layers.filter((l) => l.stackable && !planned.has(l.root)).map((l) => l.root));
  const exposed = outermost([...inPrivate, ...ownTrees, ...chained].filter((p) => !planned.has(p)));
  const base = scratchBase(exposed);
  if (!base) return 'no writable scratch folder with a plain path';
  const dir = fs.mkdtempSync(path.join(base, 'clew-rerun-'));
  const root = path.join(dir, 'root');
  const layers: Layer[] = [];
  const args: string[] = [];
  let n = 0;
  const overlay = (source: string) => {
    const aside = path.join(dir, `lower${n}`);
    const upper = path.join(dir, `upper${n}`);
    const work = path.join(dir, `work${n}`);
    n += 1;
    for (const d of [aside, upper, work]) fs.mkdirSync(d);
    // Earlier reruns' upper layers for the same folder, newest on top (overlayfs lists top first).
    const lowers = (request.underlays ?? []).flatMap((s) => s.layers.filter((l) => l.stackable && l.root === source).map((l) => l.upper)).reverse();
    args.push('O', aside, lowers.join(':'), upper, work, source, source);
    layers.push({ root: source, upper, stackable: true });
  };
  try {
    makeDir(root);
    makeDir(path.join(root, OLD_ROOT));
    for (const folder of plan.folders) makeDir(path.join(root, folder));
    for (const link of plan.symlinks) {
      makeDir(path.dirname(path.join(root, link.at)));
      fs.symlinkSync(link.target, path.join(root, link.at));
    }
    const privates = new Map<string, string>();
    for (const step of plan.steps) {
      if (step.op === 'overlay') {
        makeDir(path.join(root, step.source));
        overlay(step.source);
      } else if (step.op === 'bind') {
        makeDir(path.join(root, step.source));
        args.push('B', step.source, step.source);
      } else if (step.op === 'file') {
        makeDir(path.dirname(path.join(root, step.source)));
        fs.writeFileSync(path.join(root, step.source), '');
        args.push('F', step.source, step.source);
      } else if (step.op === 'proc') {
        makeDir(path.join(root, 'proc'));
        args.push('P', '/proc');
      } else {
        const own = path.join(dir, `private${privates.size}`);
        makeDir(own, 0o1777);
        makeDir(path.join(root, step.target));
        privates.set(step.target, own);
        args.push('T', own, step.target);
        layers.push({ root: step.target, upper: own, stackable: false });
      }
    }
    // Folders the command must find at their real paths inside a private /tmp: their own overlays.
    for (const p of exposed) {
      const inPrivate = PRIVATE_DIRS.find((d) => isUnder(p, d));
      const own = inPrivate ? privates.get(inPrivate) : undefined;
      if (own) makeDir(path.join(own, path.relative(inPrivate as string, p)));
      overlay(p);
    }
    const privateTmp = privates.get('/tmp');
    if (!privateTmp) return 'no private /tmp could be made';
    const storeHost = path.join(privateTmp, path.relative('/tmp', STORE_DIR_INSIDE), 'clew.db');
    makeDir(path.dirname(storeHost));
    const userNs = kind === 'userns-overlay';
    const uid = userNs && typeof process.getuid === 'function' ? String(process.getuid()) : '';
    const gid = userNs && typeof process.getgid === 'function' ? String(process.getgid()) : '';
    const network = Boolean(request.network);
    const layersByDepth = [...layers].sort((a, b) => b.root.length - a.root.length);
    const layerOf = (file: string) => layersByDepth.find((l) => isUnder(file, l.root));
    const staged = request.staged ?? new Map<string, string | null>();
    // Staged bytes go into the upper layer that covers each file: the run sees them at the real path.
    for (const [file, source] of staged) {
      if (source === null) continue;
      const layer = layerOf(file);
      const upper = layer ? path.join(layer.upper, path.relative(layer.root, file)) : path.join(root, file);
      mirrorFolders(layer ? layer.root : '/', path.dirname(file), layer ? layer.upper : root);
      fs.copyFileSync(source, upper);
    }
    const absent = [...staged].flatMap(([file, source]) => (source === null ? [file] : []));
    return {
      kind,
      dir,
      layers,
      network,
      store: { host: storeHost, inside: path.join(STORE_DIR_INSIDE, 'clew.db') },
      tmpInside: '/tmp',
      spawnArgv: ['unshare', ...unshareArgs(kind, network), 'sh', '-c', SEALED_SHELL, 'clew-sandbox', root, OLD_ROOT, uid, gid, network ? 'on' : 'off', ...args, '--', ...request.outputs, ...absent, '--', request.cwd, ...request.argv],
      spawnCwd: dir,
      resultOf(file: string) {
        const layer = layerOf(file);
        const candidate = layer ? path.join(layer.upper, path.relative(layer.root, file)) : path.join(root, file);
        try {
          const st = fs.lstatSync(candidate);
          if (isWhiteout(st)) return undefined;
        } catch {
          return undefined;
        }
        return regularFile(candidate) ? candidate : undefined;
      },
      sideEffects(outputs: readonly string[]) {
        const skip = new Set([...outputs, ...staged.keys()]);
        const written: string[] = [];
        const deleted: string[] = [];
        for (const layer of layers) {
          walkLayer(layer, (seen, st) => {
            // A deeper layer covers this path (an exposed folder inside a private /tmp): its files live there.
            if (layerOf(seen) !== layer || skip.has(seen) || isUnder(seen, STORE_DIR_INSIDE) || seen.split(path.sep).includes('__pycache__')) return;
            if (isWhiteout(st)) deleted.push(seen);
            else if (st.isFile() || st.isSymbolicLink()) written.push(seen);
          });
        }
        // Files made where no layer is: the new root's own plain folders (the top of `/`).
        const links = new Set(plan.symlinks.map((l) => l.at));
        walkLayer({ root: '/', upper: root, stackable: false }, (seen, st) => {
          if (links.has(seen) || layerOf(seen) || plan.steps.some((s) => s.op === 'file' && s.source === seen)) return;
          if (st.isFile() || st.isSymbolicLink()) written.push(seen);
        });
        written.sort();
        deleted.sort();
        return { written: written.slice(0, SIDE_EFFECT_LIMIT), deleted: deleted.slice(0, SIDE_EFFECT_LIMIT) };
      },
      remove() {
        removeScratch(dir);
      },
    };
  } catch (err) {
    removeScratch(dir);
    return `the sandbox could not be prepared (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** The highest folder above (or at) `dir` that still belongs to this user; undefined if `dir` is not theirs. */
function userOwnedTop(dir: string): string | undefined {
  const uid = process.getuid?.();
  const owned = (p: string) => {
    try {
      return fs.statSync(p).uid === uid;
    } catch {
      return false;
    }
  };
  if (!owned(dir)) return undefined;
  let top = path.resolve(dir);
  while (path.dirname(top) !== top && owned(path.dirname(top))) top = path.dirname(top);
  return path.dirname(top) === top ? undefined : top;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
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
  for (const [p, source] of request.staged ?? []) {
    if (source === null) fs.rmSync(mapped(p), { force: true });
    else place(source, mapped(p));
  }
  for (const p of request.outputs) fs.rmSync(mapped(p), { force: true });
  fs.mkdirSync(mapped(request.cwd), { recursive: true });
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  // Arguments naming files of the project point at their copies.
  const argv = request.argv.map((a, i) => (i > 0 && path.isAbsolute(a) && isUnder(a, anchor) ? mapped(a) : a));
  const store = path.join(dir, 'store', 'clew.db');
  fs.mkdirSync(path.dirname(store));
  return {
    kind: 'copy',
    dir,
    layers: [],
    network: true,
    store: { host: store, inside: store },
    tmpInside: tmp,
    spawnArgv: argv,
    spawnCwd: mapped(request.cwd),
    resultOf(file: string) {
      const p = mapped(file);
      return regularFile(p) ? p : undefined;
    },
    sideEffects(outputs: readonly string[]) {
      // Only writes inside the copy can be seen; absolute paths elsewhere went to the real disk.
      const skip = new Set(outputs.map(mapped));
      const brought = new Set([...request.bring, ...request.chainedFiles?.keys() ?? [], ...request.staged?.keys() ?? []].map(mapped));
      const written: string[] = [];
      walkLayer({ root, upper: root, stackable: false }, (seen, st) => {
        if (skip.has(seen) || brought.has(seen) || seen.split(path.sep).includes('__pycache__') || !st.isFile()) return;
        const rel = path.relative(root, seen);
        written.push(rel.startsWith(`__abs__${path.sep}`) ? rel.slice('__abs__'.length) : path.join(anchor, rel));
      });
      return { written: written.sort().slice(0, SIDE_EFFECT_LIMIT), deleted: [] };
    },
    remove() {
      removeScratch(dir);
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

/** Builds a real sealed sandbox around a one-line command and checks that its write was caught. */
function probeSealed(kind: 'overlay' | 'userns-overlay'): string | undefined {
  const built = overlaySandbox(kind, { protect: [], bring: [], outputs: [], argv: ['sh', '-c', 'echo probe > /.clew-probe && test -d /proc/self'], cwd: '/' }, planSealedRoot());
  if (typeof built === 'string') return built;
  try {
    const r = spawnSync(built.spawnArgv[0], built.spawnArgv.slice(1), { cwd: built.spawnCwd, encoding: 'utf8', timeout: 20_000 });
    if (r.error) return `unshare is not available (${r.error.message})`;
    if (r.status !== 0) return (r.stderr || `unshare exited ${r.status}`).trim().split('\n').pop();
    if (!built.resultOf('/.clew-probe') || fs.existsSync('/.clew-probe')) return 'the sandbox did not catch a write';
    return undefined;
  } finally {
    built.remove();
  }
}

/** What this machine offers: remembered in this process, cached per machine, else probed. */
export function sandboxCapability(): SandboxCapability {
  const known = rememberedCapability();
  if (known) return known;
  if (process.env.CLEW_RERUN_SANDBOX === 'copy') return remember({ kind: 'copy', missing: 'CLEW_RERUN_SANDBOX=copy asked for the copy sandbox' });
  if (process.platform !== 'linux') return remember({ kind: 'copy', missing: `mount namespaces are Linux-only (this is ${process.platform})` });
  const key = probeKey();
  const cached = readCachedCapability(key);
  if (cached) return remember(cached);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const rootProblem = isRoot ? probeSealed('overlay') : 'not running as root';
  let capability: SandboxCapability;
  if (!rootProblem) capability = { kind: 'overlay' };
  else {
    const userProblem = probeSealed('userns-overlay');
    capability = userProblem ? { kind: 'copy', missing: `no private mount namespace with overlayfs (${rootProblem}; user namespace: ${userProblem})` } : { kind: 'userns-overlay' };
  }
  saveCapability(key, capability);
  return remember({ ...capability, cached: false });
}

export interface PreparedSandbox {
  sandbox: Sandbox;
  /** Set when the sandbox is weaker than asked for: what is not protected, to tell the user. */
  warning?: string;
}

const COPY_LIMITS = 'absolute paths the script writes outside its copied inputs are not protected, and the network is not isolated';

/** Builds the strongest sandbox this machine allows for one rerun. `anchor` is the project root. */
export function prepareSandbox(request: SandboxRequest, anchor: string): PreparedSandbox {
  const capability = sandboxCapability();
  if (capability.kind !== 'copy') {
    if (capability.kind === 'userns-overlay') {
      const foreign = foreignOwned(request.outputs.flatMap((o) => [o, path.dirname(o)]));
      if (foreign) return { sandbox: copySandbox(request, anchor), warning: `copy sandbox: ${foreign} belongs to another user, which an unprivileged overlay cannot copy up; ${COPY_LIMITS}` };
    }
    const built = overlaySandbox(capability.kind, request, planSealedRoot());
    if (typeof built !== 'string') return { sandbox: built };
    return { sandbox: copySandbox(request, anchor), warning: `copy sandbox: ${built}; ${COPY_LIMITS}` };
  }
  return { sandbox: copySandbox(request, anchor), warning: `copy sandbox: ${capability.missing ?? 'no mount namespace'}; ${COPY_LIMITS}` };
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
