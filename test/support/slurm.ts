/**
 * A real one-node SLURM for the tests (Debian's slurm-wlm + munge, recipe in CONTRIBUTING.md):
 * a throwaway slurm.conf with every path in a temp folder, munged, slurmctld and slurmd started as
 * root and stopped by pid. Where that cannot run (not root, no SLURM) the caller skips with the
 * reason — except under CI=true, where it fails.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SlurmCluster {
  conf: string;
  node: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env, timeout: 30_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function killPidFile(file: string): void {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGTERM');
  } catch {
    // Not running.
  }
}

/** Starts the cluster, or says why it cannot. */
export async function startSlurm(): Promise<SlurmCluster | string> {
  if (process.getuid?.() !== 0) return 'a one-node SLURM needs root to start slurmd';
  for (const bin of ['slurmctld', 'slurmd', 'sbatch', 'munged']) {
    if (sh('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`]).status !== 0) return `${bin} is not installed (apt-get install slurm-wlm munge)`;
  }
  // munge: the key, its run folder, the daemon as the munge user.
  if (!fs.existsSync('/etc/munge/munge.key')) sh('mungekey', ['-c']);
  fs.mkdirSync('/run/munge', { recursive: true });
  sh('chown', ['munge:munge', '/run/munge']);
  sh('chown', ['munge:munge', '/etc/munge/munge.key']);
  if (sh('sh', ['-c', 'munge -n | unmunge']).status !== 0) {
    sh('su', ['-s', '/bin/sh', 'munge', '-c', '/usr/sbin/munged']);
    await wait(500);
    const check = sh('sh', ['-c', 'munge -n | unmunge']);
    if (check.status !== 0) return `munged did not start: ${check.out.trim()}`;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-slurm-'));
  const node = sh('hostname', ['-s']).out.trim() || os.hostname();
  const memory = Math.max(512, Math.floor(os.totalmem() / 1024 / 1024) - 1024);
  const conf = path.join(dir, 'slurm.conf');
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  fs.mkdirSync(path.join(dir, 'state'));
  fs.mkdirSync(path.join(dir, 'spool'));
  fs.writeFileSync(conf, [
    'ClusterName=clewtest',
    `SlurmctldHost=${node}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `SlurmctldPort=${ctldPort}`,
    `SlurmdPort=${dPort}`,
    'AuthType=auth/munge',
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdLogFile=${dir}/slurmd.log`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core',
    'ReturnToService=2',
    'MpiDefault=none',
    'MinJobAge=600',
    'SchedulerParameters=sched_interval=2',
    // A job past its time limit is ended at once (no grace), and killed 2 s after its SIGTERM:
    // slurmctld checks limits every 30 s, so a 1-minute job ends as TIMEOUT within 60–90 s.
    'OverTimeLimit=0',
    'KillWait=2',
    `JobCompType=jobcomp/filetxt`,
    `JobCompLoc=${dir}/jobcomp.log`,
    `NodeName=${node} CPUs=${os.availableParallelism()} RealMemory=${memory} State=UNKNOWN`,
    `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n'));
  const env = { ...process.env, SLURM_CONF: conf };
  const ctld = sh('slurmctld', ['-f', conf], env);
  const d = sh('slurmd', ['-f', conf], env);
  const stop = () => {
    const jobs = sh('squeue', ['-h', '-o', '%i'], env).out.split('\n').filter((l) => /^\d+$/.test(l.trim()));
    if (jobs.length > 0) sh('scancel', jobs, env);
    killPidFile(path.join(dir, 'slurmd.pid'));
    killPidFile(path.join(dir, 'slurmctld.pid'));
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 1000).unref();
  };
  if (ctld.status !== 0 || d.status !== 0) {
    stop();
    return `slurmctld/slurmd did not start: ${ctld.out} ${d.out}`.trim();
  }
  for (let i = 0; i < 60; i++) {
    const state = sh('sinfo', ['-h', '-o', '%t'], env).out.trim();
    if (/^(idle|mix|alloc)/.test(state)) return { conf, node, env, stop };
    await wait(500);
  }
  const log = fs.existsSync(path.join(dir, 'slurmctld.log')) ? fs.readFileSync(path.join(dir, 'slurmctld.log'), 'utf8').slice(-500) : '';
  stop();
  return `the SLURM node never became idle: ${log}`;
}

/** `scontrol show job -o ID`'s fields (SLURM keeps finished jobs for MinJobAge, 600 s here). */
export function jobFields(cluster: SlurmCluster, jobId: string): Record<string, string> {
  const line = sh('scontrol', ['show', 'job', '-o', jobId], cluster.env).out.trim();
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(/(?:^| )([A-Za-z:/]+)=(\S*)/g)) fields[m[1]] = m[2];
  return fields;
}

export function squeueIds(cluster: SlurmCluster): string[] {
  return sh('squeue', ['-h', '-o', '%i'], cluster.env).out.split('\n').map((l) => l.trim()).filter((l) => /^\d+$/.test(l));
}
