/**
 * Is a path on a network filesystem? WAL's wal-index lives in shared memory and only works between
 * processes of one host (sqlite.org/wal.html), so a store on NFS/Lustre/GPFS/… written from several
 * nodes can be corrupted; `clew record` spools there instead. Read from /proc/self/mountinfo (the
 * fstype statfs reports), the mount with the longest prefix of the path wins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** mountinfo fstype names of the network filesystems whose statfs magic the issue lists. */
const NETWORK_FS_TYPES = new Set(['nfs', 'nfs4', 'lustre', 'gpfs', 'beegfs', 'ceph', 'fuse.ceph', 'fuse.ceph-fuse', 'cifs', 'smb3', 'smbfs', 'smb2']);

export function isNetworkFsType(fstype: string): boolean {
  return NETWORK_FS_TYPES.has(fstype.toLowerCase());
}

/** mountinfo escapes spaces etc. as octal (\040). */
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The fstype of the mount holding `target` (nearest existing ancestor), or undefined when unknown. */
export function filesystemTypeOf(target: string, mountinfo?: string): string | undefined {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      return undefined;
    }
  }
  let dir = path.resolve(target);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  try {
    dir = fs.realpathSync(dir);
  } catch {
    // keep the unresolved path
  }
  let best: { mount: string; fstype: string } | undefined;
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mount = unescapeMountPath(left.split(' ')[4] ?? '');
    const fstype = right.split(' ')[0] ?? '';
    const inside = mount === '/' || dir === mount || dir.startsWith(mount + path.sep);
    if (inside && (!best || mount.length >= best.mount.length)) best = { mount, fstype };
  }
  return best?.fstype;
}

/** The network filesystem type of the store's directory, or undefined when it is local or unknown. */
export function storeNetworkFsType(dbPath: string, mountinfo?: string): string | undefined {
  const fstype = filesystemTypeOf(path.dirname(dbPath), mountinfo);
  return fstype && isNetworkFsType(fstype) ? fstype : undefined;
}

/** CLEW_SPOOL=1/0 overrides; otherwise spool when the store's directory is on a network filesystem. */
export function spoolDecision(dbPath: string, env: NodeJS.ProcessEnv): { spool: boolean; reason?: string } {
  const forced = env.CLEW_SPOOL;
  if (forced === '1') return { spool: true };
  if (forced === '0') return { spool: false };
  const fstype = storeNetworkFsType(dbPath);
  if (fstype) return { spool: true, reason: `the store is on a network filesystem (${fstype})` };
  return { spool: false };
}
