/**
 * Declared equivalence rules (`rerun.equivalence` in the project's config): when the rerun's bytes
 * differ from the recorded ones, a rule whose glob matches the output may still accept them —
 * lines to ignore, line order, numeric tolerance, or PNG/PDF metadata. Whatever a rule tolerated
 * is reported with the rule's name, so an equivalence is never silent.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { ConfigKeyPath } from '../config/clewConfig';
import { asText, explainDifference, isPdf, isPng, pdfMetadataChanges, pdfWithoutMetadata, pngChunkChanges, samePixels } from './explain';
import type { DifferenceJudge } from './types';

export interface Tolerance {
  abs?: number;
  rel?: number;
}

export interface EquivalenceRule {
  /** The declared name, or a description such as `results/*.csv: tolerance abs=1e-9`. */
  name: string;
  /** The glob (or exact path) the rule was declared for, relative to the project root. */
  pattern: string;
  matches(relPath: string): boolean;
  tolerance?: Tolerance;
  ignoreLines: RegExp[];
  sortLines: boolean;
  ignoreMetadata: boolean;
}

/** Reports a malformed rule at a key path of the config; never returns. */
export type ConfigFail = (keys: ConfigKeyPath, message: string) => never;

const RULE_KEYS = ['glob', 'path', 'name', 'tolerance', 'ignore_lines', 'sort_lines', 'ignore_metadata'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function normalise(rel: string): string {
  return rel.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

function describe(rule: Omit<EquivalenceRule, 'name' | 'matches'>): string {
  const parts: string[] = [];
  if (rule.tolerance) parts.push(`tolerance ${Object.entries(rule.tolerance).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (rule.ignoreLines.length) parts.push(`ignore_lines ${rule.ignoreLines.map((r) => String(r)).join(' ')}`);
  if (rule.sortLines) parts.push('sort_lines');
  if (rule.ignoreMetadata) parts.push('ignore_metadata');
  return `${rule.pattern}: ${parts.join(', ')}`;
}

function parseTolerance(value: unknown, at: ConfigKeyPath, fail: ConfigFail): Tolerance {
  if (!isRecord(value)) fail(at, 'must be a mapping with abs and/or rel, e.g. {abs: 1e-9}');
  const tolerance: Tolerance = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== 'abs' && k !== 'rel') fail([...at, k], `is not a tolerance (use abs or rel)`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail([...at, k], `must be a non-negative number, got ${JSON.stringify(v)}`);
    tolerance[k] = v;
  }
  if (tolerance.abs === undefined && tolerance.rel === undefined) fail(at, 'needs abs or rel');
  return tolerance;
}

function parseRule(value: unknown, at: ConfigKeyPath, fail: ConfigFail): EquivalenceRule {
  if (!isRecord(value)) fail(at, 'must be a mapping such as {glob: "results/*.csv", tolerance: {abs: 1e-9}}');
  const unknown = Object.keys(value).filter((k) => !RULE_KEYS.includes(k));
  if (unknown.length) fail([...at, unknown[0]], `is not a rule key (known: ${RULE_KEYS.join(', ')})`);
  const { glob, path: exact, name } = value;
  if ((glob === undefined) === (exact === undefined)) fail(at, 'needs exactly one of glob or path');
  const pattern = glob ?? exact;
  if (typeof pattern !== 'string' || pattern.trim() === '') fail([...at, glob === undefined ? 'path' : 'glob'], 'must be a non-empty string');
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) fail([...at, 'name'], 'must be a non-empty string');
  const bool = (key: string): boolean => {
    const v = value[key];
    if (v !== undefined && typeof v !== 'boolean') fail([...at, key], `must be true or false, got ${JSON.stringify(v)}`);
    return v === true;
  };
  const lines = value.ignore_lines;
  if (lines !== undefined && !Array.isArray(lines)) fail([...at, 'ignore_lines'], 'must be a list of regular expressions');
  const ignoreLines = (lines ?? []).map((source: unknown, i: number) => {
    if (typeof source !== 'string') return fail([...at, 'ignore_lines', i], 'must be a string (a regular expression)');
    try {
      return new RegExp(source);
    } catch (err) {
      return fail([...at, 'ignore_lines', i], `is not a valid regular expression (${err instanceof Error ? err.message : String(err)})`);
    }
  });
  const rule = {
    pattern: normalise(pattern),
    tolerance: value.tolerance === undefined ? undefined : parseTolerance(value.tolerance, [...at, 'tolerance'], fail),
    ignoreLines,
    sortLines: bool('sort_lines'),
    ignoreMetadata: bool('ignore_metadata'),
  };
  if (!rule.tolerance && !rule.ignoreLines.length && !rule.sortLines && !rule.ignoreMetadata) {
    fail(at, 'tolerates nothing (give tolerance, ignore_lines, sort_lines or ignore_metadata)');
  }
  let matches: (rel: string) => boolean;
  if (glob === undefined) {
    matches = (rel) => normalise(rel) === rule.pattern;
  } else {
    try {
      const isMatch = picomatch(rule.pattern, { dot: true });
      matches = (rel) => isMatch(normalise(rel));
    } catch (err) {
      return fail([...at, 'glob'], `is not a valid glob (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return { ...rule, name: typeof name === 'string' ? name : describe(rule), matches };
}

/** The rules of `rerun.equivalence`, checked; `fail` reports the first thing wrong. */
export function parseEquivalenceRules(value: unknown, at: ConfigKeyPath, fail: ConfigFail): EquivalenceRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(at, 'must be a list of rules');
  return value.map((rule, i) => parseRule(rule, [...at, i], fail));
}

const NUMBER_TOKEN = /([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;

function within(a: number, b: number, t: Tolerance): boolean {
  const d = Math.abs(a - b);
  return (t.abs !== undefined && d <= t.abs) || (t.rel !== undefined && d <= t.rel * Math.max(Math.abs(a), Math.abs(b)));
}

/** Compares line by line, numbers token by token within the tolerance; undefined when not equivalent. */
function compareWithin(a: string[], b: string[], t: Tolerance): { tolerated: number; largest: number } | undefined {
  if (a.length !== b.length) return undefined;
  const seen = { tolerated: 0, largest: 0 };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    // split() with a capture group alternates text (even) and numbers (odd).
    const [ta, tb] = [a[i].split(NUMBER_TOKEN), b[i].split(NUMBER_TOKEN)];
    if (ta.length !== tb.length) return undefined;
    for (let k = 0; k < ta.length; k++) {
      if (ta[k] === tb[k]) continue;
      if (k % 2 === 0 || !within(Number(ta[k]), Number(tb[k]), t)) return undefined;
      seen.tolerated++;
      seen.largest = Math.max(seen.largest, Math.abs(Number(ta[k]) - Number(tb[k])));
    }
  }
  return seen;
}

function textEquivalent(rule: EquivalenceRule, recorded: string, rerun: string): string | undefined {
  const notes: string[] = [];
  const prepare = (text: string): { lines: string[]; ignored: number } => {
    const all = text.split('\n');
    const lines = rule.ignoreLines.length ? all.filter((l) => !rule.ignoreLines.some((r) => r.test(l.replace(/\r$/, '')))) : all;
    return { lines, ignored: all.length - lines.length };
  };
  const [a, b] = [prepare(recorded), prepare(rerun)];
  if (a.ignored || b.ignored) notes.push(`ignored lines matching ${rule.ignoreLines.map(String).join(' or ')} (${a.ignored} recorded, ${b.ignored} rerun)`);
  if (rule.sortLines) {
    const unsorted = a.lines.join('\n') === b.lines.join('\n');
    a.lines.sort();
    b.lines.sort();
    if (!unsorted && a.lines.join('\n') === b.lines.join('\n')) notes.push('line order differs');
  }
  if (a.lines.join('\n') === b.lines.join('\n')) return notes.join('; ') || 'equal once the rule is applied';
  if (!rule.tolerance) return undefined;
  const seen = compareWithin(a.lines, b.lines, rule.tolerance);
  if (!seen) return undefined;
  const t = Object.entries(rule.tolerance).map(([k, v]) => `${k}=${v}`).join(' ');
  notes.push(`${seen.tolerated === 1 ? '1 number differs' : `${seen.tolerated} numbers differ`} within tolerance ${t} (largest |Δ| ${Number(seen.largest.toPrecision(3))})`);
  return notes.join('; ');
}

/** What the rule tolerated, when it accepts the two versions; undefined when it does not. */
export function applyRule(rule: EquivalenceRule, relPath: string, recorded: Buffer, rerun: Buffer): string | undefined {
  const ext = path.extname(relPath).toLowerCase();
  if (rule.ignoreMetadata && (ext === '.png' || (isPng(recorded) && isPng(rerun)))) {
    if (!samePixels(recorded, rerun)) return undefined;
    const chunks = pngChunkChanges(recorded, rerun);
    const meta = chunks.filter((c) => c !== 'IDAT');
    // IDAT is the pixel data itself: equal pixels in different IDAT bytes means other compression.
    return `pixels identical; ignored ${meta.length ? `PNG metadata (${meta.join(', ')})` : 'PNG metadata'}${chunks.includes('IDAT') ? ' and compression' : ''}`;
  }
  if (rule.ignoreMetadata && (ext === '.pdf' || (isPdf(recorded) && isPdf(rerun)))) {
    if (pdfWithoutMetadata(recorded) !== pdfWithoutMetadata(rerun)) return undefined;
    const keys = pdfMetadataChanges(recorded, rerun);
    return `content identical; ignored PDF metadata${keys.length ? ` (${keys.join(', ')})` : ''}`;
  }
  if (!rule.tolerance && !rule.ignoreLines.length && !rule.sortLines) return undefined;
  const [a, b] = [asText(recorded), asText(rerun)];
  return a === undefined || b === undefined ? undefined : textEquivalent(rule, a, b);
}

/** The judge rerun uses: the first matching rule that accepts wins; anything else is explained. */
export function createJudge(rules: readonly EquivalenceRule[]): DifferenceJudge {
  return {
    explain: explainDifference,
    equivalent(relPath, recorded, rerun) {
      for (const rule of rules) {
        if (!rule.matches(relPath)) continue;
        try {
          const note = applyRule(rule, relPath, recorded, rerun);
          if (note !== undefined) return { rule: rule.name, note };
        } catch {
          // A rule that cannot be applied accepts nothing; the mismatch is then explained.
        }
      }
      return undefined;
    },
  };
}
