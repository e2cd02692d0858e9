/** What differs between a recorded output and the rerun's, per kind of file, and how rerun prints it. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { explainDifference } from '../../../src/engine/rerun/explain';
import { rerunLines } from '../../../src/engine/rerun/text';
import type { RerunFileResult, RerunInfo, RerunVerification } from '../../../src/engine/rerun/types';

const explain = (file: string, recorded: string | Buffer, rerun: string | Buffer) =>
  explainDifference(file, Buffer.from(recorded), Buffer.from(rerun));

/** A w×h opaque white PNG with the given pixels painted red, and optional tEXt chunks. */
function pngFile(w: number, h: number, red: [number, number][] = [], text: Record<string, string> = {}): Buffer {
  const png = new PNG({ width: w, height: h });
  png.data.fill(255);
  for (const [x, y] of red) png.data.set([255, 0, 0, 255], (y * w + x) * 4);
  const plain = PNG.sync.write(png);
  const chunks = Object.entries(text).map(([k, v]) => pngChunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1')));
  // After the signature (8 bytes) and IHDR (25 bytes), where encoders put tEXt.
  return Buffer.concat([plain.subarray(0, 33), ...chunks, plain.subarray(33)]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const lines = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => `${f(i + 1)}\n`).join('');

test('text: the summary names the first changed line and what it became; the diff shows it', () => {
  const recorded = lines(20, (i) => `step ${i} ok`);
  const rerun = recorded.replace('step 12 ok', 'step 12 FAILED');
  const e = explain('log.txt', recorded, rerun);
  assert.equal(e.kind, 'text');
  assert.equal(e.summary, '1 line changed, first at line 12: "step 12 ok" → "step 12 FAILED"');
  assert.deepEqual(e.lines, { removed: 1, added: 1, first: 12 });
  assert.match(e.diff ?? '', /^-step 12 ok$/m);
  assert.match(e.diff ?? '', /^\+step 12 FAILED$/m);
  assert.ok(!(e.diff ?? '').includes('step 5 ok'), 'only a little context around the change');
});

test('text: added lines, many changes truncated, line endings only', () => {
  assert.match(explain('a.txt', 'a\nb\n', 'a\nb\nc\nd\n').summary, /^2 lines added, first at line 3: "c" added/);
  const big = explain('a.txt', lines(300, (i) => `v ${i}`), lines(300, (i) => (i % 2 ? `v ${i}` : `w ${i}`)));
  assert.match(big.summary, /^150 lines changed, first at line 2/);
  const diff = (big.diff ?? '').split('\n');
  assert.equal(diff.length, 41);
  assert.match(diff[40], /^… \d+ more diff lines$/);
  assert.match(explain('a.txt', 'a\r\nb\r\n', 'a\nb\n').summary, /only line endings differ \(2 CRLF recorded, 0 rerun\)/);
  assert.equal(explain('a.txt', 'a\nb', 'a\nb\n').summary, 'only the newline at the end of the file was added');
});

test('csv: changed cells by header name with a numeric delta, and row-count changes', () => {
  const recorded = 'model,auc,n\nA,0.91,100\nB,0.85,100\n';
  const e = explain('results/scores.csv', recorded, 'model,auc,n\nA,0.91,100\nB,0.87,100\n');
  assert.equal(e.kind, 'csv');
  assert.equal(e.changed_cells, 1);
  assert.deepEqual(e.cells, [{ row: 3, column: 'auc', recorded: '0.85', rerun: '0.87', delta: 0.02 }]);
  assert.equal(e.summary, '1 cell changed, first at row 3, auc: "0.85" → "0.87" (Δ 0.02)');

  const rows = explain('s.csv', recorded, `${recorded}C,0.5,100\n`);
  assert.deepEqual(rows.rows, { recorded: 3, rerun: 4 });
  assert.match(rows.summary, /3 rows recorded, 4 rerun/);
  assert.match(rows.diff ?? '', /^\+C,0\.5,100$/m);

  const noHeader = explain('m.csv', '1,2\n3,4\n', '1,2\n3,x\n');
  assert.deepEqual(noHeader.cells, [{ row: 2, column: 'column 2', recorded: '4', rerun: 'x' }], 'no delta when one side is not a number');
  assert.match(explain('q.csv', 'a,b\n1,2\n', '"a","b"\n1,2\n').summary, /same cells; only formatting differs/);
});

test('csv that does not parse is explained as text; tsv splits on tabs and ignores quotes', () => {
  const broken = explain('bad.csv', 'a,"b\n1,2\n', 'a,"c\n1,2\n');
  assert.equal(broken.kind, 'text');
  assert.match(broken.summary, /first at line 1/);
  const tsv = explain('t.tsv', 'name\tvalue\n"odd\t1.5\n', 'name\tvalue\n"odd\t1.25\n');
  assert.equal(tsv.kind, 'tsv');
  assert.deepEqual(tsv.cells, [{ row: 2, column: 'value', recorded: '1.5', rerun: '1.25', delta: -0.25 }]);
});

test('json: changed, added and removed key paths; invalid JSON falls back to text', () => {
  const e = explain('m.json', JSON.stringify({ metrics: { auc: 0.91, 'f-1': 0.8 }, items: [1, 2] }), JSON.stringify({ metrics: { auc: 0.92, 'f-1': 0.8 }, items: [1], seed: 7 }));
  assert.equal(e.kind, 'json');
  assert.equal(e.changed_keys, 3);
  assert.deepEqual(e.keys, [
    { path: '$.metrics.auc', change: 'changed', recorded: '0.91', rerun: '0.92' },
    { path: '$.items[1]', change: 'removed', recorded: '2' },
    { path: '$.seed', change: 'added', rerun: '7' },
  ]);
  assert.equal(e.summary, '3 key paths differ (1 changed, 1 added, 1 removed); first: $.metrics.auc 0.91 → 0.92');
  assert.match(explain('m.json', '{"a":1,"b":2}', '{"b":2,"a":1}').summary, /same JSON values; only formatting or key order differs/);
  assert.equal(explain('m.json', '{"a": 1', '{"a": 2').kind, 'text');
});

test('png: changed pixels are counted; a tEXt-only change is metadata; other sizes are named', () => {
  const base = pngFile(10, 10);
  const e = explain('fig.png', base, pngFile(10, 10, [[1, 1], [2, 2], [9, 9]]));
  assert.equal(e.kind, 'png');
  assert.deepEqual(e.pixels, { changed: 3, total: 100 });
  assert.equal(e.summary, '3 pixels of 100 changed (3.00%)');

  const meta = explain('fig.png', pngFile(10, 10, [], { Software: 'matplotlib 3.8' }), pngFile(10, 10, [], { Software: 'matplotlib 3.9' }));
  assert.equal(meta.metadata_only, true);
  assert.equal(meta.summary, 'pixels identical, only metadata differs (tEXt)');

  const size = explain('fig.png', base, pngFile(12, 10));
  assert.deepEqual(size.dimensions, { recorded: '10×10', rerun: '12×10' });
  assert.equal(size.summary, 'image size changed: 10×10 → 12×10');

  const truncated = explain('fig.png', base, base.subarray(0, 40));
  assert.equal(truncated.kind, 'binary', 'an undecodable PNG is compared as bytes');
});

test('binary: sizes and the first differing offset', () => {
  const a = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]);
  const b = Buffer.from(a);
  b[5] = 0xff;
  const e = explain('w.bin', a, b);
  assert.deepEqual(e.bytes, { recorded: 8, rerun: 8, first_difference: 5 });
  assert.equal(e.summary, '8 bytes each, first difference at byte 5 (0x5)');
  const longer = explain('w.bin', a, Buffer.concat([a, Buffer.from([9, 9])]));
  assert.equal(longer.summary, 'size changed 8 → 10 bytes, the rerun version has 2 extra bytes at the end');
});

test('pdf: equal but for dates and producer is reported as metadata only', () => {
  const pdf = (date: string, producer: string) => `%PDF-1.4\n1 0 obj << /Producer (${producer}) /CreationDate (D:${date}) >> endobj\nxref\n0 2\n0000000000 65535 f \ntrailer << /Info 1 0 R >>\nstartxref\n${40 + producer.length}\n%%EOF\n`;
  const e = explain('fig.pdf', pdf('20240101120000', 'matplotlib (3.8)'), pdf('20250101120000', 'matplotlib (3.10)'));
  assert.equal(e.kind, 'pdf');
  assert.equal(e.summary, 'content identical, only metadata differs (/CreationDate, /Producer)');
  assert.equal(explain('fig.pdf', pdf('1', 'x'), pdf('1', 'x').replace('endobj', 'endobj % changed')).kind, 'pdf');
  assert.equal(explain('fig.pdf', pdf('1', 'x'), pdf('1', 'x').replace('endobj', 'endobj % changed')).metadata_only, undefined);
});

test('never throws, whatever the bytes and the extension claim', () => {
  const noise = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256));
  for (const file of ['x.csv', 'x.tsv', 'x.json', 'x.png', 'x.pdf', 'x.txt', 'x']) {
    const e = explainDifference(file, noise, Buffer.concat([noise, Buffer.from([1])]));
    assert.equal(typeof e.summary, 'string', file);
    assert.ok(e.summary.length > 0, file);
  }
});

function run(files: RerunFileResult[]): RerunVerification {
  const rerun: RerunInfo = { sandbox: 'overlay', command: ['python3', 's.py'], cwd: '/p', exit_code: 0, signal: null, timed_out: false, duration_ms: 1200, reason: null, what_if: false, chained: false, recorded: true, kept: null, stdout_tail: '', stderr_tail: '', network: false, side_effects: [], side_effects_deleted: [] };
  return { session_id: 's1', script_path: '/p/s.py', status: 'mismatch', files, combined_hash_expected: null, combined_hash_current: null, level: 'rerun', provenance: null, exception_reason: null, is_verified: false, is_verified_from_scratch: false, rerun };
}

function file(path: string, status: 'mismatch' | 'verified', extra: Partial<RerunFileResult>): RerunFileResult {
  return { path, role: 'output', expected_hash: 'a', current_hash: 'b', status, frozen: false, is_verified: status === 'verified', ...extra };
}

test('rerun text output: the summary and a few cells under a mismatch, the rule under an equivalence', () => {
  const cells = explain('r.csv', 'x,y\n1,2\n3,4\n5,6\n', 'x,y\n1,2.5\n3,4.5\n5,6.5\n');
  const diff = explain('log.txt', lines(30, (i) => `a ${i}`), lines(30, (i) => `b ${i}`));
  const out = rerunLines(run([
    file('/p/r.csv', 'mismatch', { explanation: cells }),
    file('/p/log.txt', 'mismatch', { explanation: diff }),
    file('/p/stamp.txt', 'verified', { equivalent_by: 'timestamps', explanation: { kind: 'equivalent', summary: 'ignored lines matching /^# at/ (1 recorded, 1 rerun)' } }),
    file('/p/same.txt', 'verified', {}),
  ])).join('\n');
  assert.match(out, /r\.csv\n {8}3 cells changed, first at row 2, y: "2" → "2\.5" \(Δ 0\.5\)\n {8}row 2, y: 2 → 2\.5 \(Δ 0\.5\)\n {8}row 3, y: 4 → 4\.5/);
  assert.match(out, /log\.txt\n {8}30 lines changed, first at line 1[^\n]*\n {8}--- recorded\n/);
  assert.match(out, /… 51 more diff lines \(see --json\)/, '63 diff lines (2 headers, 1 hunk line, 30 removed, 30 added), 12 shown, counting what explain.ts already cut');
  assert.match(out, /stamp\.txt {2}verified by rule timestamps\n {8}ignored lines matching/);
  assert.ok(!out.includes('same.txt'), 'plainly verified files stay quiet');
});
