/**
 * Many handed-over stores made quickly: one store recorded for real (`clew record --spool`) is the
 * template; each copy gets its own session id in every table that has one (python3's sqlite3, as
 * a writer would) and is renamed into incoming/ whole, as the hand-over does.
 */
import { execFileSync } from 'node:child_process';

const CLONE_PY = String.raw`
import os, shutil, sqlite3, sys
template, incoming, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.makedirs(incoming, exist_ok=True)
for i in range(count):
    sid = "%s-%03d" % (prefix, i)
    tmp = os.path.join(incoming, ".partial-%s.tmp" % sid)
    shutil.copyfile(template, tmp)
    c = sqlite3.connect(tmp)
    for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall():
        if "session_id" in [r[1] for r in c.execute('PRAGMA table_info("%s")' % t)]:
            c.execute('UPDATE "%s" SET session_id = ?' % t, (sid,))
    c.execute("UPDATE runs SET parent_session = NULL")
    c.commit()
    c.close()
    os.replace(tmp, os.path.join(incoming, "clone_%s.clew.db" % sid))
`;

/** Writes `count` copies of the one-session store `template` into `incoming`, sessions PREFIX-000…. */
export function cloneSpooled(template: string, incoming: string, prefix: string, count: number): string[] {
  execFileSync('python3', ['-c', CLONE_PY, template, incoming, prefix, String(count)]);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
}
