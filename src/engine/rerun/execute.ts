/**
 * Runs one sandboxed command: its own process group (so a timeout or Cancel kills the whole tree,
 * grandchildren included), output streamed to the caller and its tail kept for the report.
 */
import { spawn } from 'node:child_process';

export interface ExecuteRequest {
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?(chunk: string, stream: 'stdout' | 'stderr'): void;
}

export interface ExecuteResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** The last few KB of each stream (for the report). */
  stdoutTail: string;
  stderrTail: string;
  /** Set when the program could not be started at all. */
  startError?: string;
}

const TAIL_BYTES = 4096;

function appendTail(tail: string, chunk: string): string {
  const joined = tail + chunk;
  return joined.length > TAIL_BYTES ? joined.slice(joined.length - TAIL_BYTES) : joined;
}

export function execute(request: ExecuteRequest): Promise<ExecuteResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdoutTail = '';
    let stderrTail = '';
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    const child = spawn(request.argv[0], request.argv.slice(1), { cwd: request.cwd, env: request.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killTree = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, request.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killTree();
    };
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdoutTail = appendTail(stdoutTail, chunk);
      request.onOutput?.(chunk, 'stdout');
    });
    child.stderr.on('data', (chunk: string) => {
      stderrTail = appendTail(stderrTail, chunk);
      request.onOutput?.(chunk, 'stderr');
    });
    const finish = (result: Omit<ExecuteResult, 'durationMs' | 'stdoutTail' | 'stderrTail' | 'timedOut' | 'cancelled'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      // Whatever the leader did, nothing of its group may outlive the run.
      killTree();
      resolve({ ...result, timedOut, cancelled, durationMs: Date.now() - started, stdoutTail, stderrTail });
    };
    child.on('error', (err) => finish({ exitCode: null, signal: null, startError: err.message }));
    child.on('exit', (code, signal) => {
      // The leader is gone: end its group now, and do not wait for ever on pipes that an escaped
      // grandchild (one that left the group) may still hold open.
      killTree();
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish({ exitCode: code, signal });
      }, 2000).unref();
    });
    child.on('close', (code, signal) => finish({ exitCode: code, signal }));
  });
}
