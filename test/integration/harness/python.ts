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
