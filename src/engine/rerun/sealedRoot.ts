/**
 * The sealed root of the overlay sandboxes: a whole new `/` built in a private mount namespace,
 * in which every write anywhere lands in the scratch folder or fails, never on the real disk.
 *
 * Why the root is decomposed instead of one overlay over `/`: overlayfs sees one filesystem per
 * layer (submounts are not followed), and inside an unprivileged user namespace the kernel refuses
 * to clone a mount that has (locked) submounts ("failed to clone lowerpath"). So the planner walks
 * the real tree: a folder with no mount point at or below it gets its own overlay; a folder with
 * mount points below it becomes a plain scratch folder whose entries are planned the same way;
 * /proc, /sys and /dev (and pseudo filesystems) are bound through; /tmp, /var/tmp and /dev/shm
 * are fresh private folders of the run. Symlinks are recreated, top-level files bound read-only.
 *
 * The same plan serves root (`overlay`) and ordinary users (`userns-overlay`, inside `unshare -U`),
 * so both paths are one code path and one set of tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUnder } from '../util/paths';

/** Folders every rerun gets empty and private (their host folders are never touched). */
export const PRIVATE_DIRS = ['/tmp', '/var/tmp', '/dev/shm'] as const;
/** Bound through as they are (kernel interfaces, devices). */
const PASS_THROUGH = ['/proc', '/sys', '/dev'];
/** Filesystem types that hold no user data: bound through, never overlaid. */
const PSEUDO_FS = new Set(['proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'mqueue', 'securityfs', 'debugfs', 'tracefs', 'pstore', 'bpf', 'configfs', 'fusectl', 'hugetlbfs', 'autofs', 'binfmt_misc', 'efivarfs', 'nsfs', 'rpc_pipefs', 'selinuxfs']);

export interface MountEntry {
  mountPoint: string;
  fsType: string;
}

/** /proc/self/mountinfo's mount points (octal escapes decoded) and filesystem types. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0 || fields.length < 5 || dash + 1 >= fields.length) continue;
    const mountPoint = fields[4].replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
    entries.push({ mountPoint, fsType: fields[dash + 1] });
  }
  return entries;
}

export function readMounts(): MountEntry[] {
  try {
    return parseMountInfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return [{ mountPoint: '/', fsType: 'unknown' }];
  }
}

/** One step of building the sealed root (targets are paths as the run will see them). */
export type RootStep =
  | { op: 'overlay'; source: string }
  | { op: 'bind'; source: string }
  | { op: 'file'; source: string }
  | { op: 'proc' }
  | { op: 'private'; target: string };

export interface RootPlan {
  steps: RootStep[];
  /** Plain folders of the new root (folders holding mount points below them), created in scratch. */
  folders: string[];
  /** Symlinks recreated at the same place. */
  symlinks: { at: string; target: string }[];
}

/** Walks the real filesystem and decides how each part of it is sealed. */
export function planSealedRoot(mounts: readonly MountEntry[] = readMounts()): RootPlan {
  const plan: RootPlan = { steps: [], folders: [], symlinks: [] };
  const typeAt = new Map<string, string>();
  for (const m of mounts) typeAt.set(m.mountPoint, m.fsType);
  const points = [...typeAt.keys()];
  const hasMountBelow = (dir: string) => points.some((p) => p !== dir && isUnder(p, dir));
  const isPrivate = (p: string) => (PRIVATE_DIRS as readonly string[]).includes(p);

  const visit = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (isPrivate(p)) continue;
      const fsType = typeAt.get(p);
      if (p === '/proc') {
        plan.steps.push({ op: 'proc' });
      } else if (PASS_THROUGH.includes(p) || (fsType !== undefined && PSEUDO_FS.has(fsType))) {
        if (entry.isDirectory()) plan.steps.push({ op: 'bind', source: p });
      } else if (entry.isSymbolicLink()) {
        try {
          plan.symlinks.push({ at: p, target: fs.readlinkSync(p) });
        } catch {
          continue;
        }
      } else if (entry.isDirectory()) {
        if (hasMountBelow(p)) {
          plan.folders.push(p);
          visit(p);
        } else {
          plan.steps.push({ op: 'overlay', source: p });
        }
      } else if (entry.isFile()) {
        plan.steps.push({ op: 'file', source: p });
      }
      // Sockets, FIFOs and devices at the top of a tree are left out: nothing writes data there.
    }
  };
  visit('/');
  // Private folders come last: /var/tmp sits inside /var's overlay, /dev/shm inside the /dev bind.
  plan.steps.push({ op: 'private', target: '/tmp' });
  for (const p of ['/var/tmp', '/dev/shm']) {
    try {
      if (fs.statSync(p).isDirectory()) plan.steps.push({ op: 'private', target: p });
    } catch {
      continue;
    }
  }
  return plan;
}

/**
 * The setup script run inside the namespaces. Arguments: ROOT OLD UID GID NET, then steps
 * (`O aside lowers upper work source target`, `B source target`, `F source target`, `P target`,
 * `T source target`), `--`, outputs to delete, `--`, cwd, argv. User paths only ever reach
 * `mount` as separate arguments, never inside an option string (they are bound aside first).
 * Exits 125 with `clew-sandbox:` on stderr when the sandbox itself cannot be built.
 */
export const SEALED_SHELL = `fail() { echo "clew-sandbox: $*" >&2; exit 125; }
root="$1"; old="$2"; uid="$3"; gid="$4"; net="$5"; shift 5
mount --bind "$root" "$root" || fail "cannot bind the new root"
while [ "$1" != "--" ]; do
  case "$1" in
    O) aside="$2"; lowers="$3"; upper="$4"; work="$5"; src="$6"; dst="$root$7"; shift 7
       mount --bind "$src" "$aside" || fail "cannot bind $src"
       if [ -n "$lowers" ]; then lower="$lowers:$aside"; else lower="$aside"; fi
       mount -t overlay clew-rerun -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$dst" || fail "cannot overlay $src" ;;
    B) mount --rbind "$2" "$root$3" || fail "cannot bind $2"; shift 3 ;;
    F) mount --bind "$2" "$root$3" && mount -o remount,bind,ro "$root$3" 2>/dev/null; shift 3 ;;
    P) mount -t proc proc "$root$2" 2>/dev/null || mount --rbind /proc "$root$2" || fail "cannot mount /proc"; shift 2 ;;
    T) mount --bind "$2" "$root$3" || fail "cannot make $3 private"; shift 3 ;;
    *) fail "bad step $1" ;;
  esac
done
shift
cd "$root" || fail "cannot enter the new root"
pivot_root . ".$old" || fail "pivot_root failed"
cd / && umount -l "$old" && rmdir "$old" || fail "cannot detach the old root"
if [ "$net" = "off" ]; then
  ip link set lo up 2>/dev/null || /usr/sbin/ip link set lo up 2>/dev/null || /sbin/ip link set lo up 2>/dev/null || true
fi
while [ "$1" != "--" ]; do rm -f -- "$1"; shift; done
shift
cwd="$1"; shift
if [ -n "$uid" ]; then
  exec unshare --user --map-user="$uid" --map-group="$gid" -- sh -c 'cd -- "$1" || exit 126; shift; exec "$@"' clew-run "$cwd" "$@"
fi
cd -- "$cwd" || exit 126
exec "$@"`;
