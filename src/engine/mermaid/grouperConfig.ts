/**
 * Upstream's default grouper (spec §7.1): the `grouper` key of the nearest
 * `.scitex/clew/config.{yaml,yml,json}` (the project config `findClewConfig` finds), as a name or
 * a spec mapping (spec §7.4). A grouper Clew cannot draw, or a file it cannot read, is reported,
 * not guessed: callers say so and draw without one.
 */
import { findClewConfig } from '../config/clewConfig';
import { grouperFromSpec } from './grouperSpec';
import type { Grouper } from './types';

export { grouperFromSpec } from './grouperSpec';

export interface GrouperConfig {
  /** The config file the grouper came from. */
  file: string;
  grouper?: Grouper;
  /** Set when the file names a grouper Clew cannot draw, or cannot be read: why. */
  problem?: string;
}

export function findGrouperConfig(cwd: string): GrouperConfig | undefined {
  const config = findClewConfig(cwd);
  if (!config) return undefined;
  if ('problem' in config) return { file: config.file, problem: config.problem };
  const spec = typeof config.data === 'object' && config.data !== null ? (config.data as { grouper?: unknown }).grouper : undefined;
  if (spec === undefined || spec === null) return { file: config.file };
  const grouper = grouperFromSpec(spec);
  if (typeof grouper !== 'string') return { file: config.file, grouper };
  const line = config.lineOf(['grouper']);
  return { file: config.file, problem: `${line !== undefined ? `line ${line}: ` : ''}${grouper}` };
}
