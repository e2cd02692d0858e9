/**
 * Rerun settings from the project's `.scitex/clew/config.{yaml,yml,json}`: `rerun.python` (the
 * interpreter for runs recorded by Python) and `rerun.equivalence` (declared equivalence rules).
 * A `rerun` section that cannot be understood stops the rerun with the file, line and key: running
 * without the rules the user declared would report mismatches they had ruled out.
 */
import { findClewConfig, type ConfigKeyPath } from '../config/clewConfig';
import { ClewError } from '../errors';
import { createJudge, parseEquivalenceRules } from './equivalence';
import type { DifferenceJudge } from './types';

export interface RerunSettings {
  python?: string;
  /** rerun.network: let reruns reach the network (default false: loopback only). */
  network?: boolean;
  /** rerun.executor: local or slurm. */
  executor?: 'local' | 'slurm';
  /** rerun.slurm.sbatch_args: options passed to sbatch. */
  sbatchArgs?: string[];
  /** Always set: with no rules it only explains, so every mismatch says what differs. */
  judge: DifferenceJudge;
  /** The config file the settings came from. */
  file?: string;
}

const RERUN_KEYS = ['python', 'equivalence', 'network', 'executor', 'slurm'];

function keyText(keys: ConfigKeyPath): string {
  return keys.reduce<string>((text, k) => (typeof k === 'number' ? `${text}[${k}]` : text ? `${text}.${k}` : k), '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function rerunSettings(projectRoot: string, cwd: string): RerunSettings {
  // Walking up from cwd reaches the project root too; the fallback serves a cwd outside the project.
  const config = findClewConfig(cwd) ?? findClewConfig(projectRoot);
  if (!config) return { judge: createJudge([]) };
  if ('problem' in config) throw new ClewError('usage', config.problem);
  const fail = (keys: ConfigKeyPath, message: string): never => {
    const line = config.lineOf(keys);
    const where = keys.length ? `${keyText(keys)} ` : 'the top level ';
    throw new ClewError('usage', `${config.file}${line === undefined ? '' : ` line ${line}`}: ${where}${message}`);
  };
  const { data } = config;
  if (data === null || data === undefined) return { judge: createJudge([]), file: config.file };
  if (!isRecord(data)) return fail([], 'must be a mapping of settings');
  const rerun = data.rerun;
  if (rerun === undefined || rerun === null) return { judge: createJudge([]), file: config.file };
  if (!isRecord(rerun)) return fail(['rerun'], 'must be a mapping (with python and/or equivalence)');
  // Unknown keys are refused, not skipped: a misspelt `equivalence` would silently drop every rule.
  const unknown = Object.keys(rerun).find((k) => !RERUN_KEYS.includes(k));
  if (unknown !== undefined) fail(['rerun', unknown], `is not a rerun setting (known: ${RERUN_KEYS.join(', ')})`);
  const python = rerun.python;
  if (python !== undefined && (typeof python !== 'string' || python.trim() === '')) fail(['rerun', 'python'], 'must be an interpreter path or name');
  const network = rerun.network;
  if (network !== undefined && typeof network !== 'boolean') fail(['rerun', 'network'], 'must be true or false');
  const executor = rerun.executor;
  if (executor !== undefined && executor !== 'local' && executor !== 'slurm') fail(['rerun', 'executor'], 'must be local or slurm');
  const slurm = rerun.slurm;
  let sbatchArgs: string[] | undefined;
  if (slurm !== undefined && slurm !== null) {
    if (!isRecord(slurm)) fail(['rerun', 'slurm'], 'must be a mapping (with sbatch_args)');
    const unknownSlurm = Object.keys(slurm as Record<string, unknown>).find((k) => k !== 'sbatch_args');
    if (unknownSlurm !== undefined) fail(['rerun', 'slurm', unknownSlurm], 'is not a slurm setting (known: sbatch_args)');
    const raw = (slurm as Record<string, unknown>).sbatch_args;
    if (raw !== undefined && (!Array.isArray(raw) || raw.some((a) => typeof a !== 'string'))) fail(['rerun', 'slurm', 'sbatch_args'], 'must be a list of sbatch options');
    sbatchArgs = raw as string[] | undefined;
  }
  const rules = parseEquivalenceRules(rerun.equivalence, ['rerun', 'equivalence'], fail);
  return { ...(typeof python === 'string' ? { python } : {}), ...(typeof network === 'boolean' ? { network } : {}), ...(executor === 'local' || executor === 'slurm' ? { executor } : {}), ...(sbatchArgs ? { sbatchArgs } : {}), judge: createJudge(rules), file: config.file };
}
