/**
 * Upstream's groupers (spec §7.4): a run's inputs (or outputs) → single files and groups, drawn as
 * one trapezoid per group. Applied per run and per role, so a group never mixes runs or roles.
 * Results keep upstream's order, because it decides the order of lines in the mermaid text:
 *   pattern     singles first, then one entry per (normalised name) bucket in first-seen order;
 *   directory   one entry per parent folder in first-seen order;
 *   session_bundle  the files unchanged, or one bundle;
 *   compose     groups already formed first, then the next step applied to the files still single.
 * Pure.
 */
import type { Grouper } from './types';

export interface FileGroup<T> {
  group: true;
  /** Sorted by path, as upstream. */
  members: T[];
  label: string;
  /** Which grouper formed it (`pattern:<regex>`, `directory`, `session_bundle`). */
  kind: string;
}

export type Grouped<T> = T | FileGroup<T>;

export function isGroup<T>(item: Grouped<T>): item is FileGroup<T> {
  return typeof item === 'object' && item !== null && (item as { group?: unknown }).group === true;
}

interface HasPath {
  path: string;
}

type Step<T> = (files: T[]) => Grouped<T>[];

function byPath<T extends HasPath>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function makeGroup<T extends HasPath>(members: readonly T[], label: string, kind: string): FileGroup<T> {
  return { group: true, members: byPath(members), label, kind };
}

/** Python's os.path.basename / dirname for the POSIX paths the store holds. */
function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function dirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** Python's list slice `parts[-depth:]`. */
function lastParts(parts: readonly string[], depth: number): string[] {
  const start = -depth;
  const from = start < 0 ? Math.max(parts.length + start, 0) : Math.min(start, parts.length);
  return parts.slice(from);
}

/**
 * Python `re` syntax → a JavaScript RegExp (named groups, `\A`/`\Z`, a leading `(?i)`-style flag
 * group). Unicode classes differ slightly (Python's `\d` also matches non-ASCII digits).
 */
export function pythonRegex(source: string): RegExp {
  let flags = 'g';
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  body = body.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  return new RegExp(body, flags);
}

/** Python `re.sub` replacement text: `\g<name>`, `\g<1>`, `\1` and `\\` are honoured; the rest is literal. */
function substitute(placeholder: string, match: string, groups: readonly (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
  if (!placeholder.includes('\\')) return placeholder;
  return placeholder.replace(/\\g<(\w+)>|\\(\d{1,2})|\\\\/g, (token: string, name?: string, digits?: string) => {
    if (token === '\\\\') return '\\';
    const ref = name ?? digits ?? '';
    if (/^\d+$/.test(ref)) return Number(ref) === 0 ? match : (groups[Number(ref) - 1] ?? '');
    return named?.[ref] ?? '';
  });
}

function patternStep<T extends HasPath>(regex: string, placeholder: string): Step<T> {
  const pattern = pythonRegex(regex);
  return (files) => {
    const singles: T[] = [];
    const buckets = new Map<string, T[]>();
    for (const file of files) {
      const name = basename(file.path);
      const normalised = name.replace(pattern, (match: string, ...rest: unknown[]) => {
        const named = typeof rest[rest.length - 1] === 'object' ? (rest[rest.length - 1] as Record<string, string | undefined>) : undefined;
        const groups = rest.slice(0, named ? -3 : -2) as (string | undefined)[];
        return substitute(placeholder, match, groups, named);
      });
      if (normalised === name) singles.push(file);
      else buckets.set(normalised, [...(buckets.get(normalised) ?? []), file]);
    }
    const out: Grouped<T>[] = [...singles];
    for (const [normalised, members] of buckets) {
      if (members.length < 2) out.push(...members);
      else out.push(makeGroup(members, `${normalised} (×${members.length})`, `pattern:${regex}`));
    }
    return out;
  };
}

function directoryStep<T extends HasPath>(minSize: number, depth: number): Step<T> {
  return (files) => {
    const buckets = new Map<string, T[]>();
    for (const file of files) {
      const parent = dirname(file.path);
      buckets.set(parent, [...(buckets.get(parent) ?? []), file]);
    }
    const out: Grouped<T>[] = [];
    for (const [parent, members] of buckets) {
      if (members.length < minSize) {
        out.push(...members);
        continue;
      }
      const label = lastParts(parent.replace(/\/+$/, '').split('/'), depth).join('/');
      out.push(makeGroup(members, `${label}/ (×${members.length})`, 'directory'));
    }
    return out;
  };
}

function bundleStep<T extends HasPath>(maxFiles: number, role: string): Step<T> {
  return (files) => (files.length <= maxFiles ? [...files] : [makeGroup(files, `${role} bundle (×${files.length})`, 'session_bundle')]);
}

function composeSteps<T extends HasPath>(steps: readonly Step<T>[]): Step<T> {
  return (files) => {
    let current: Grouped<T>[] = [...files];
    for (const step of steps) {
      const single = current.filter((x): x is T => !isGroup(x));
      current = [...current.filter(isGroup), ...step(single)];
    }
    return current;
  };
}

function stepOf<T extends HasPath>(grouper: Grouper, role: string): Step<T> {
  switch (grouper.type) {
    case 'identity':
      return (files) => [...files];
    case 'drop_all_files':
      return () => [];
    case 'session_bundle':
      return bundleStep(grouper.maxFiles, role);
    case 'pattern':
      return patternStep(grouper.regex, grouper.placeholder);
    case 'directory':
      return directoryStep(grouper.minSize, grouper.depth);
    case 'auto':
      return composeSteps([
        ...grouper.patternRegexes.map((r) => patternStep<T>(r, '{X}')),
        directoryStep<T>(grouper.directoryMin, 1),
        bundleStep<T>(grouper.bundleMax, role),
      ]);
    case 'compose':
      return composeSteps(grouper.steps.map((s) => stepOf<T>(s, role)));
  }
}

/** One run's files of one role, grouped as upstream's grouper would. */
export function applyGrouper<T extends HasPath>(grouper: Grouper, role: 'input' | 'output', files: readonly T[]): Grouped<T>[] {
  return stepOf<T>(grouper, role)([...files]);
}
