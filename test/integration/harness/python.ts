// Runs python3 as a real child process (e.g. to append a run to a store the way upstream does).
import { spawn } from 'node:child_process';

export interface PythonResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunPythonOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the process after this long (default 60 s) and reject. */
  timeoutMs?: number;
  /** Text written to the process's stdin. */
  input?: string;
}

/** `python3 ...args`; resolves with exit code and output (never rejects on a non-zero exit). */
export function runPython(args: string[], options: RunPythonOptions = {}): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.CLEW_PYTHON ?? 'python3', args, {
      cwd: options.cwd,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`python3 ${args.join(' ')} timed out after ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Appends a finished run with one output to `dbPath` from python3's sqlite3, as scitex-clew
 * would write it (WAL mode, its own connection): the output is hashed by Python.
 */
export async function appendRunWithPython(dbPath: string, sessionId: string, output: string): Promise<PythonResult> {
  const script = [
    'import sqlite3, hashlib, sys',
    'db, sid, out = sys.argv[1], sys.argv[2], sys.argv[3]',
    'h = hashlib.sha256(open(out, "rb").read()).hexdigest()',
    'con = sqlite3.connect(db, timeout=60)',
    'con.execute("PRAGMA journal_mode=WAL")',
    'con.execute("INSERT INTO runs (session_id, script_path, started_at, status) VALUES (?, \'\', \'2026-11-24T12:00:00\', \'success\')", (sid,))',
    'con.execute("INSERT INTO file_hashes (session_id, file_path, hash, role) VALUES (?, ?, ?, \'output\')", (sid, out, h))',
    'con.commit()',
  ].join('\n');
  return runPython(['-c', script, dbPath, sessionId, output]);
}
