/**
 * Detects a moved project: recorded paths that do not exist as recorded but whose tails exist
 * under the current project root. The recorded root chosen is the prefix that makes the most of
 * them exist; no move is reported when the paths still exist where they were recorded (a copy
 * of a project next to its original reads the original, as upstream would).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isUnder } from '../util/paths';
import type { PathMapping } from './pathMap';

/** Candidate roots come from a sample of the missing paths: enough to find the root, cheap on big stores. */
const SAMPLE = 64;
/** Candidates are scored on an evenly spread sample: the choice is a majority, not a census. */
const SCORED = 2000;

function spread<T>(items: readonly T[], n: number): readonly T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]);
}

export function detectMove(recorded: readonly string[], currentRoot: string, fileExists: (p: string) => boolean = fs.existsSync): PathMapping | undefined {
  // Each path is asked about once or twice per candidate: remember the answers.
  const known = new Map<string, boolean>();
  const exists = (p: string): boolean => {
    let e = known.get(p);
    if (e === undefined) known.set(p, (e = fileExists(p)));
    return e;
  };
  const root = path.resolve(currentRoot);
  // Paths already under the current root are where they belong, moved or not.
  const outside = spread(recorded.filter((p) => !isUnder(p, root)), SCORED);
  const missing = outside.filter((p) => !exists(p));
  if (missing.length === 0) return undefined;
  const candidates = new Set<string>();
  for (const p of missing.slice(0, SAMPLE)) {
    const segments = p.split(path.sep);
    // prefix = segments[0..i), tail = segments[i..]; the root itself ('' + '/') is never a candidate.
    for (let i = 2; i < segments.length; i++) {
      if (exists(path.join(root, ...segments.slice(i)))) candidates.add(segments.slice(0, i).join(path.sep));
    }
  }
  let best: { from: string; gains: number } | undefined;
  for (const from of candidates) {
    const under = outside.filter((p) => isUnder(p, from));
    const gains = under.filter((p) => !exists(p) && exists(root + p.slice(from.length))).length;
    const kept = under.filter((p) => exists(p)).length;
    // Never map paths away from where they exist; ties go to the shorter prefix (longer tails matched).
    if (gains === 0 || gains <= kept) continue;
    if (!best || gains > best.gains || (gains === best.gains && from.length < best.from.length)) best = { from, gains };
  }
  return best ? { from: best.from, to: root } : undefined;
}
