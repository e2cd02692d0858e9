/**
 * Input rows written while the command still runs: the pre-hasher (prehash.ts) hashes each file
 * the command reads; every 40 ms the files hashed since are written as input rows, with their
 * parent links, as upstream's on_io_load writes them at load time. After the command only what
 * changed is left to do (runRecorded.ts): a file whose pre-hash no longer holds is hashed and
 * written again, and a file that turned out not to be an input (written later, deleted) is
 * retracted (RecordingSession.retractInputs). Until then the session is 'running', as upstream's
 * is while its script runs.
 */
import * as fs from 'node:fs';
import type { InputPrehasher } from './prehash';
import type { RecordingSession } from './session';

const FLUSH_MS = 40;

export class LiveInputWriter {
  private readonly timer: NodeJS.Timeout;
  private busy = false;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Real path written → the path the command opened it by (the pre-hasher's key). */
  private readonly logged = new Map<string, string>();

  constructor(private readonly session: RecordingSession, private readonly prehasher: InputPrehasher, private readonly exclude: ReadonlySet<string>) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.busy || this.failure !== undefined) return;
    const taken = this.prehasher.takeHashed();
    const files: string[] = [];
    const known = new Map<string, { hash: string; size: number }>();
    const openedAs = new Map<string, string>();
    for (const t of taken) {
      if (this.exclude.has(t.file)) continue;
      let real: string;
      try {
        real = fs.realpathSync.native(t.file);
      } catch {
        continue; // gone already: the final capture decides
      }
      if (this.exclude.has(real) || known.has(real)) continue;
      known.set(real, { hash: t.hash, size: t.size });
      openedAs.set(real, t.file);
      files.push(real);
    }
    if (files.length === 0) return;
    this.busy = true;
    this.inFlight = this.session
      .recordInputs(files, (real) => known.get(real), true)
      .then(
        (recorded) => {
          for (const real of recorded) {
            const opened = openedAs.get(real);
            if (opened !== undefined) this.logged.set(real, opened);
          }
        },
        (err: unknown) => {
          this.failure = err;
        },
      )
      .finally(() => {
        this.busy = false;
      });
  }

  /** Stops writing; waits for the write in flight; throws what a write failed with. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }

  /** The inputs written live: real path → the path the pre-hash is kept under. */
  get written(): ReadonlyMap<string, string> {
    return this.logged;
  }
}
