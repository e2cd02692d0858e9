/**
 * Runs the system `tar` for the archive fallback (spec §3.2): argv only (no shell, so any file
 * name is safe), stdout streamed to the caller, a hard timeout so a stuck or endless stream can
 * never hang verification, and one plain sentence when it fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lazyChildProcess } from '../util/lazyBuiltins';

/** A corrupt archive fails fast; this only bounds pathological cases (a stalled disk, a pipe). */
export function tarTimeoutMs(archiveBytes: number): number {
  return 60_000 + Math.ceil(archiveBytes / (20 * 1024 * 1024)) * 1000;
}

/** The compression flag tar needs for an archive, by its name. */
export function compressionFlag(archive: string): string[] {
  if (archive.endsWith('.tar.gz')) return ['-z'];
  if (archive.endsWith('.tar.xz')) return ['-J'];
  return [];
}

/** Whether `program` is an executable on PATH (tar runs xz itself and its failure is cryptic). */
export function onPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, program), fs.constants.X_OK);
      return true;
    } catch {
      continue;
    }
  }
  return false;
}

let gnu: Promise<boolean> | undefined;

/**
 * GNU tar needs `--quoting-style=literal` (else non-ASCII names are listed as octal escapes) and
 * `--no-wildcards` (so `[` or `*` in a name is not a pattern); bsdtar knows neither option.
 */
export function isGnuTar(): Promise<boolean> {
  gnu ??= new Promise<boolean>((resolve) => {
    let text = '';
    const child = lazyChildProcess().spawn('tar', ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', () => resolve(false));
    child.on('close', () => resolve(text.includes('GNU tar')));
  });
  return gnu;
}

/**
 * Runs `tar ARGS`, passing stdout chunks to `onData`. Resolves on exit 0; rejects with a readable
 * Error on a missing tar, a non-zero exit (with tar's own message) or the timeout.
 */
export function runTar(args: readonly string[], onData: (chunk: Buffer) => void, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = lazyChildProcess().spawn('tar', args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let stderr = '';
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new Error(`tar did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    child.on('error', (err: NodeJS.ErrnoException) => finish(new Error(err.code === 'ENOENT' ? 'the tar program is not installed' : err.message)));
    child.on('close', (code, signal) => {
      if (code === 0) return finish();
      const said = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('Exiting with failure status'));
      finish(new Error(said.slice(0, 2).join('; ') || `tar exited with ${code ?? signal}`));
    });
  });
}
