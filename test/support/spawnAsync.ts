/** Spawns a process without blocking the event loop, so many can run at the same time. */
import { spawn, type SpawnOptions } from 'node:child_process';

export interface AsyncResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function spawnAsync(cmd: string, args: readonly string[], options: SpawnOptions = {}): Promise<AsyncResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** The environment without the host overrides, so a recorder has to ask the kernel for its name. */
export function envWithoutHost(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.SCITEX_CLEW_HOST;
  delete env.SAC_HOST;
  return env;
}
