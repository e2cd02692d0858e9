/**
 * Says what differs between the recorded version of an output and the rerun's, in terms of the
 * file's own structure: changed lines of text, changed cells of a table, changed key paths of a
 * JSON document, changed pixels of a PNG, or sizes and the first differing byte of anything else.
 * Never throws: whatever cannot be parsed as its extension promises is explained as text or bytes.
 */
import * as path from 'node:path';
import { structuredPatch } from 'diff';
import { parse as parseCsv } from 'csv-parse/sync';
import { PNG } from 'pngjs';
import pixelmatch from 'pixelmatch';
import type { CellChange, DifferenceSummary, KeyChange } from './types';

/** Diff lines kept in a summary: enough to see the change, small enough for a terminal and JSON output. */
const DIFF_LINES = 40;
/** Cells / key paths listed (all are counted). */
const LIST_CAP = 20;
const LINE_CHARS = 200;
const SNIPPET_CHARS = 60;
/** Myers diff is quadratic in the worst case; past this a plain first-difference search answers. */
const DIFF_TIMEOUT_MS = 2000;

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** Strips floating-point noise from a difference (0.52 − 0.5 is 0.020000000000000018). */
function roundDelta(x: number): number {
  return Number(x.toPrecision(12));
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function quoted(text: string): string {
  return JSON.stringify(clip(text, SNIPPET_CHARS));
}

/** UTF-8 text, or undefined for bytes that are not (NUL bytes count as binary, as git decides). */
export function asText(buf: Buffer): string | undefined {
  if (buf.includes(0)) return undefined;
  try {
    // ignoreBOM keeps a byte-order mark in the string, so a BOM-only change is still visible.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    return undefined;
  }
}

function firstDifferentLine(a: string, b: string): number {
  const la = a.split('\n');
  const lb = b.split('\n');
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  return i + 1;
}

export function explainText(recorded: string, rerun: string, kind = 'text'): DifferenceSummary {
  if (recorded === rerun) return { kind, summary: 'same text' };
  if (recorded.replace(/\r\n/g, '\n') === rerun.replace(/\r\n/g, '\n')) {
    const crlf = (s: string): number => s.split('\r\n').length - 1;
    return { kind, summary: `only line endings differ (${crlf(recorded)} CRLF recorded, ${crlf(rerun)} rerun)` };
  }
  if (`${recorded}\n` === rerun || recorded === `${rerun}\n`) {
    return { kind, summary: `only the newline at the end of the file was ${recorded.length < rerun.length ? 'added' : 'removed'}` };
  }
  const patch = structuredPatch('recorded', 'rerun', recorded, rerun, undefined, undefined, { context: 2, timeout: DIFF_TIMEOUT_MS });
  if (!patch) return { kind, summary: `text differs from line ${firstDifferentLine(recorded, rerun)} on (too many changes to list)` };
  let removed = 0;
  let added = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('-')) removed++;
      else if (line.startsWith('+')) added++;
    }
  }
  // The first changed line, counted in the recorded file, and what it became.
  const hunk = patch.hunks[0];
  let first = Math.max(1, hunk?.oldStart ?? 1);
  let snippet = '';
  if (hunk) {
    const at = hunk.lines.findIndex((l) => l.startsWith('-') || l.startsWith('+'));
    first = Math.max(1, hunk.oldStart + hunk.lines.slice(0, at).filter((l) => l.startsWith(' ')).length);
    // The run of -/+ lines starting there (no-newline markers included) is one change.
    const end = hunk.lines.findIndex((l, i) => i > at && l.startsWith(' '));
    const block = hunk.lines.slice(at, end < 0 ? undefined : end);
    const [a, b] = [block.find((l) => l.startsWith('-')), block.find((l) => l.startsWith('+'))];
    if (a !== undefined && b !== undefined) snippet = `: ${quoted(a.slice(1))} → ${quoted(b.slice(1))}`;
    else if (a !== undefined) snippet = `: ${quoted(a.slice(1))} removed`;
    else if (b !== undefined) snippet = `: ${quoted(b.slice(1))} added`;
  }
  const what = removed === added ? `${plural(removed, 'line')} changed`
    : added === 0 ? `${plural(removed, 'line')} removed`
      : removed === 0 ? `${plural(added, 'line')} added`
        : `${plural(removed, 'line')} removed and ${added.toLocaleString('en-US')} added`;
  const lines = ['--- recorded', '+++ rerun', ...patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines])]
    .map((l) => clip(l, LINE_CHARS));
  const shown = lines.length > DIFF_LINES ? [...lines.slice(0, DIFF_LINES), `… ${lines.length - DIFF_LINES} more diff lines`] : lines;
  return { kind, summary: `${what}, first at line ${first}${snippet}`, diff: shown.join('\n'), lines: { removed, added, first } };
}

function parseTable(text: string, kind: 'csv' | 'tsv'): string[][] | undefined {
  try {
    // TSV has no quoting convention; a stray quote must not make the file unreadable.
    return parseCsv(text, { delimiter: kind === 'tsv' ? '\t' : ',', quote: kind === 'tsv' ? false : '"', relax_column_count: true, skip_empty_lines: true });
  } catch {
    return undefined;
  }
}

/** A header is a first row of names: none empty, none a number, above at least one more row. */
function headerOf(rows: string[][]): string[] | undefined {
  const [first] = rows;
  if (!first || rows.length < 2) return undefined;
  return first.every((c) => c.trim() !== '' && parseNumber(c) === undefined) ? first : undefined;
}

export function explainTable(recorded: string, rerun: string, kind: 'csv' | 'tsv'): DifferenceSummary | undefined {
  const a = parseTable(recorded, kind);
  const b = parseTable(rerun, kind);
  if (!a || !b) return undefined;
  const header = headerOf(a);
  const columnName = (c: number): string => {
    const name = header?.[c];
    return name !== undefined && header?.indexOf(name) === c ? name : `column ${c + 1}`;
  };
  const cells: CellChange[] = [];
  let changed = 0;
  for (let r = 0; r < Math.min(a.length, b.length); r++) {
    for (let c = 0; c < Math.max(a[r].length, b[r].length); c++) {
      const [va, vb] = [a[r][c] ?? '', b[r][c] ?? ''];
      if (va === vb) continue;
      changed++;
      if (cells.length >= LIST_CAP) continue;
      const [na, nb] = [parseNumber(va), parseNumber(vb)];
      cells.push({ row: r + 1, column: columnName(c), recorded: va, rerun: vb, ...(na !== undefined && nb !== undefined ? { delta: roundDelta(nb - na) } : {}) });
    }
  }
  const rows = a.length !== b.length ? { recorded: a.length, rerun: b.length } : undefined;
  if (changed === 0 && !rows) {
    return { ...explainText(recorded, rerun, kind), summary: 'same cells; only formatting differs (quoting, spacing or line endings)' };
  }
  const parts: string[] = [];
  const c0 = cells[0];
  if (c0) parts.push(`${plural(changed, 'cell')} changed, first at row ${c0.row}, ${c0.column}: ${quoted(c0.recorded)} → ${quoted(c0.rerun)}${c0.delta === undefined ? '' : ` (Δ ${c0.delta})`}`);
  if (rows) parts.push(`${rows.recorded} rows recorded, ${rows.rerun} rerun`);
  const result: DifferenceSummary = { kind, summary: parts.join('; '), cells, changed_cells: changed };
  if (rows) {
    // Inserted or dropped rows shift every later cell; the line diff shows where it happened.
    result.rows = rows;
    result.diff = explainText(recorded, rerun).diff;
  }
  return result;
}

function keyPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function short(v: unknown): string {
  return clip(JSON.stringify(v) ?? String(v), SNIPPET_CHARS);
}

/** Collects differing key paths (all counted in `count`, the first LIST_CAP kept). */
function walkJson(a: unknown, b: unknown, at: string, out: { keys: KeyChange[]; count: number }): void {
  const note = (change: KeyChange): void => {
    out.count++;
    if (out.keys.length < LIST_CAP) out.keys.push(change);
  };
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length) note({ path: keyPath(at, i), change: 'added', rerun: short(b[i]) });
      else if (i >= b.length) note({ path: keyPath(at, i), change: 'removed', recorded: short(a[i]) });
      else walkJson(a[i], b[i], keyPath(at, i), out);
    }
  } else if (isRecord(a) && isRecord(b)) {
    for (const k of Object.keys(a)) {
      if (!Object.hasOwn(b, k)) note({ path: keyPath(at, k), change: 'removed', recorded: short(a[k]) });
      else walkJson(a[k], b[k], keyPath(at, k), out);
    }
    for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) note({ path: keyPath(at, k), change: 'added', rerun: short(b[k]) });
  } else if (a !== b) {
    note({ path: at, change: 'changed', recorded: short(a), rerun: short(b) });
  }
}

export function explainJson(recorded: string, rerun: string): DifferenceSummary | undefined {
  let a: unknown;
  let b: unknown;
  try {
    a = JSON.parse(recorded);
    b = JSON.parse(rerun);
  } catch {
    return undefined;
  }
  const out = { keys: [] as KeyChange[], count: 0 };
  walkJson(a, b, '$', out);
  if (out.count === 0) return { ...explainText(recorded, rerun, 'json'), summary: 'same JSON values; only formatting or key order differs' };
  const by = (c: KeyChange['change']): number => out.keys.filter((k) => k.change === c).length;
  const first = out.keys[0];
  const what = first.change === 'changed' ? `${first.path} ${first.recorded} → ${first.rerun}` : `${first.path} ${first.change}`;
  const mix = out.count === out.keys.length ? ` (${[['changed', by('changed')], ['added', by('added')], ['removed', by('removed')]].filter(([, n]) => n).map(([c, n]) => `${n} ${c}`).join(', ')})` : '';
  return { kind: 'json', summary: `${plural(out.count, 'key path')} differ${out.count === 1 ? 's' : ''}${mix}; first: ${what}`, keys: out.keys, changed_keys: out.count };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function isPng(buf: Buffer): boolean {
  return buf.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** Decoded RGBA pixels; `exact` keeps 16-bit samples as they are instead of scaling them to 8 bits. */
export function decodePng(buf: Buffer, exact = false): PNG | undefined {
  try {
    return PNG.sync.read(buf, exact ? { skipRescale: true } : {});
  } catch {
    return undefined;
  }
}

function pixelBytes(png: PNG): Buffer {
  // With skipRescale, 16-bit images come back as a Uint16Array rather than a Buffer.
  const data = png.data as ArrayBufferView;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Whether two PNGs decode to the same dimensions and the same samples. */
export function samePixels(recorded: Buffer, rerun: Buffer): boolean {
  const [a, b] = [decodePng(recorded, true), decodePng(rerun, true)];
  return Boolean(a && b && a.width === b.width && a.height === b.height && pixelBytes(a).equals(pixelBytes(b)));
}

/** The chunk types whose contents differ (tEXt, tIME, IDAT…), to say which metadata changed. */
export function pngChunkChanges(recorded: Buffer, rerun: Buffer): string[] {
  const chunks = (buf: Buffer): Map<string, string[]> => {
    const found = new Map<string, string[]>();
    for (let at = 8; at + 12 <= buf.length;) {
      const length = buf.readUInt32BE(at);
      const type = buf.toString('latin1', at + 4, at + 8);
      const body = buf.subarray(at + 8, Math.min(buf.length, at + 8 + length)).toString('base64');
      found.set(type, [...(found.get(type) ?? []), body]);
      at += 12 + length;
    }
    return found;
  };
  const [a, b] = [chunks(recorded), chunks(rerun)];
  const types = [...new Set([...a.keys(), ...b.keys()])];
  const joined = (m: Map<string, string[]>, t: string): string => (m.get(t) ?? []).join('\n');
  return types.filter((t) => joined(a, t) !== joined(b, t));
}

export function explainPng(recorded: Buffer, rerun: Buffer): DifferenceSummary | undefined {
  const [a, b] = [decodePng(recorded), decodePng(rerun)];
  if (!a || !b) return undefined;
  if (a.width !== b.width || a.height !== b.height) {
    const dimensions = { recorded: `${a.width}×${a.height}`, rerun: `${b.width}×${b.height}` };
    return { kind: 'png', summary: `image size changed: ${dimensions.recorded} → ${dimensions.rerun}`, dimensions };
  }
  const total = a.width * a.height;
  if (samePixels(recorded, rerun)) {
    const chunks = pngChunkChanges(recorded, rerun);
    const which = chunks.length === 1 && chunks[0] === 'IDAT' ? 'only the compression differs' : `only metadata differs${chunks.length ? ` (${chunks.join(', ')})` : ''}`;
    return { kind: 'png', summary: `pixels identical, ${which}`, metadata_only: true, pixels: { changed: 0, total } };
  }
  // threshold 0 with anti-aliasing counted: every pixel whose colour changed at all.
  const changed = pixelmatch(a.data, b.data, null, a.width, a.height, { threshold: 0, includeAA: true });
  if (changed === 0) return { kind: 'png', summary: 'pixels differ only below 8-bit precision or in fully transparent areas', pixels: { changed: 0, total } };
  const share = (100 * changed) / total;
  return { kind: 'png', summary: `${plural(changed, 'pixel')} of ${total.toLocaleString('en-US')} changed (${share < 0.01 ? '<0.01' : share.toFixed(2)}%)`, pixels: { changed, total } };
}

/** A PDF string: literal `( … )` with escapes and one level of balanced parentheses, or hex `< … >`. */
const PDF_STRING = String.raw`(\((?:[^()\\]|\\[\s\S]|\((?:[^()\\]|\\[\s\S])*\))*\)|<[0-9A-Fa-f\s]*>)`;
const PDF_VOLATILE_KEYS = ['CreationDate', 'ModDate', 'Producer'];
const PDF_DATED_KEYS = new RegExp(String.raw`\/(${PDF_VOLATILE_KEYS.join('|')})\s*${PDF_STRING}`, 'g');

/**
 * A PDF with its volatile metadata blanked: creation/modification dates, producer, document ID
 * and the XMP packet, plus the byte offsets (xref, startxref, stream lengths) that shift when
 * those change length. Metadata inside compressed object streams is not reached, so such files
 * stay different — stricter, never falsely equal.
 */
export function pdfWithoutMetadata(buf: Buffer): string {
  return buf.toString('latin1')
    .replace(PDF_DATED_KEYS, '/$1()')
    .replace(/\/ID\s*\[[^\]]*\]/g, '/ID[]')
    .replace(/<\?xpacket begin[\s\S]*?<\?xpacket end[^>]*>/g, '')
    .replace(/<x:xmpmeta[\s\S]*?<\/x:xmpmeta>/g, '')
    .replace(/\bxref\s[\s\S]*?(?=trailer)/g, 'xref\n')
    .replace(/startxref\s+\d+/g, 'startxref')
    .replace(/\/(Length|Prev|XRefStm)\s+\d+/g, '/$1');
}

export function isPdf(buf: Buffer): boolean {
  return buf.subarray(0, 5).toString('latin1') === '%PDF-';
}

/** Which PDF metadata entries differ, by name. */
export function pdfMetadataChanges(recorded: Buffer, rerun: Buffer): string[] {
  const [a, b] = [recorded.toString('latin1'), rerun.toString('latin1')];
  const value = (text: string, pattern: RegExp): string => (pattern.exec(text) ?? []).join('');
  const patterns: [string, RegExp][] = [
    ...PDF_VOLATILE_KEYS.map((k): [string, RegExp] => [`/${k}`, new RegExp(String.raw`\/${k}\s*${PDF_STRING}`)]),
    ['/ID', /\/ID\s*\[[^\]]*\]/],
    ['XMP', /<x:xmpmeta[\s\S]*?<\/x:xmpmeta>/],
  ];
  return patterns.filter(([, p]) => value(a, p) !== value(b, p)).map(([name]) => name);
}

function explainPdf(recorded: Buffer, rerun: Buffer): DifferenceSummary | undefined {
  if (pdfWithoutMetadata(recorded) !== pdfWithoutMetadata(rerun)) return undefined;
  const keys = pdfMetadataChanges(recorded, rerun);
  return { kind: 'pdf', summary: `content identical, only metadata differs${keys.length ? ` (${keys.join(', ')})` : ''}`, metadata_only: true };
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  const block = 64 * 1024;
  let at = 0;
  while (at < n && a.subarray(at, Math.min(n, at + block)).equals(b.subarray(at, Math.min(n, at + block)))) at += block;
  while (at < n && a[at] === b[at]) at++;
  return Math.min(at, n);
}

export function explainBinary(recorded: Buffer, rerun: Buffer, kind = 'binary'): DifferenceSummary {
  const first = firstDifference(recorded, rerun);
  const bytes = { recorded: recorded.length, rerun: rerun.length, first_difference: first };
  const sizes = recorded.length === rerun.length ? `${plural(recorded.length, 'byte')} each` : `size changed ${recorded.length.toLocaleString('en-US')} → ${plural(rerun.length, 'byte')}`;
  const where = first >= Math.min(recorded.length, rerun.length) && recorded.length !== rerun.length
    ? `the ${first === recorded.length ? 'rerun' : 'recorded'} version has ${plural(Math.abs(recorded.length - rerun.length), 'extra byte')} at the end`
    : `first difference at byte ${first.toLocaleString('en-US')} (0x${first.toString(16)})`;
  return { kind, summary: recorded.equals(rerun) ? 'identical bytes' : `${sizes}, ${where}`, bytes };
}

export function explainDifference(filePath: string, recorded: Buffer, rerun: Buffer): DifferenceSummary {
  try {
    const ext = path.extname(filePath).toLowerCase();
    if (ext === '.png' || (isPng(recorded) && isPng(rerun))) {
      const png = explainPng(recorded, rerun);
      if (png) return png;
    }
    if (ext === '.pdf' || (isPdf(recorded) && isPdf(rerun))) return explainPdf(recorded, rerun) ?? explainBinary(recorded, rerun, 'pdf');
    const [a, b] = [asText(recorded), asText(rerun)];
    if (a === undefined || b === undefined) return explainBinary(recorded, rerun);
    if (ext === '.csv' || ext === '.tsv') return explainTable(a, b, ext === '.tsv' ? 'tsv' : 'csv') ?? explainText(a, b);
    if (ext === '.json') return explainJson(a, b) ?? explainText(a, b);
    return explainText(a, b);
  } catch {
    // A parser surprise must not cost the user the explanation altogether.
    return explainBinary(recorded, rerun);
  }
}
