/**
 * Upstream's default grouper (spec §7.1): the `grouper` key of the nearest
 * `.scitex/clew/config.{yaml,yml,json}`, walking up from the working directory to the first
 * `.scitex/clew/` holding such a file. YAML is read as the small subset such a key needs:
 *   grouper: session_bundle
 *   grouper: {type: session_bundle, max_files: 2}
 *   grouper:
 *     type: session_bundle
 *     max_files: 2
 * Groupers Clew does not implement are reported, not guessed (the caller says so and draws
 * without one).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Grouper } from './types';

export interface GrouperConfig {
  /** The config file the grouper came from. */
  file: string;
  grouper?: Grouper;
  /** Set when the file names a grouper Clew cannot draw, or cannot be read: why. */
  problem?: string;
}

const NAMES = ['config.yaml', 'config.yml', 'config.json'];

function scalar(text: string): string | number {
  const t = text.trim().replace(/^(["'])(.*)\1$/, '$2');
  return /^\d+$/.test(t) ? Number(t) : t;
}

/** The `grouper` value of a YAML config, as a name or a flat mapping; undefined when absent. */
function yamlGrouper(text: string): string | Record<string, string | number> | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\s+#.*$/, ''));
  const at = lines.findIndex((l) => /^grouper\s*:/.test(l));
  if (at < 0) return undefined;
  const inline = lines[at].replace(/^grouper\s*:/, '').trim();
  if (inline.startsWith('{')) {
    const body = inline.replace(/^\{|\}$/g, '');
    return Object.fromEntries(body.split(',').filter((p) => p.includes(':')).map((p) => {
      const [k, ...v] = p.split(':');
      return [k.trim(), scalar(v.join(':'))];
    }));
  }
  if (inline) return String(scalar(inline));
  const mapping: Record<string, string | number> = {};
  for (const line of lines.slice(at + 1)) {
    const m = /^\s+([\w-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) break;
    mapping[m[1]] = scalar(m[2]);
  }
  return mapping;
}

/** A grouper from upstream's spec (a name or `{type, max_files}`), or why Clew cannot draw it. */
export function grouperFromSpec(spec: unknown): Grouper | string {
  const type = typeof spec === 'string' ? spec : typeof spec === 'object' && spec !== null ? (spec as { type?: unknown }).type : undefined;
  if (type === 'identity' || type === 'drop_all_files') return { type };
  if (type === 'session_bundle') {
    const max = typeof spec === 'object' && spec !== null ? Number((spec as { max_files?: unknown }).max_files ?? 3) : 3;
    return Number.isInteger(max) && max >= 0 ? { type, maxFiles: max } : `session_bundle with max_files ${String(max)}`;
  }
  return `the '${String(type)}' grouper is not supported by Clew`;
}

export function findGrouperConfig(cwd: string): GrouperConfig | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of NAMES) {
      const file = path.join(dir, '.scitex', 'clew', name);
      if (!fs.existsSync(file)) continue;
      try {
        const text = fs.readFileSync(file, 'utf8');
        const spec = name.endsWith('.json') ? (JSON.parse(text) as { grouper?: unknown }).grouper : yamlGrouper(text);
        if (spec === undefined || spec === null) return { file };
        const grouper = grouperFromSpec(spec);
        return typeof grouper === 'string' ? { file, problem: grouper } : { file, grouper };
      } catch (err) {
        return { file, problem: `cannot read it (${err instanceof Error ? err.message : String(err)})` };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
