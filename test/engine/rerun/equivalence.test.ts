/** Declared equivalence rules: which outputs they apply to, what they tolerate, and that they say so. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { createJudge, parseEquivalenceRules } from '../../../src/engine/rerun/equivalence';
import type { ConfigKeyPath } from '../../../src/engine/config/clewConfig';

function fail(keys: ConfigKeyPath, message: string): never {
  throw new Error(`${keys.join('.')} ${message}`);
}

/** A judge from rules as they would appear in the config. */
function judge(...rules: unknown[]) {
  return createJudge(parseEquivalenceRules(rules, ['rerun', 'equivalence'], fail));
}

const b = (text: string): Buffer => Buffer.from(text);

test('ignore_lines: a timestamp line is ignored, the rule is named, and anything else still differs', () => {
  const j = judge({ glob: 'logs/*.txt', name: 'timestamps', ignore_lines: ['^# generated at '] });
  const recorded = b('# generated at 2024-01-01 10:00\nloss 0.31\n');
  const same = j.equivalent('logs/run.txt', recorded, b('# generated at 2025-06-30 18:12\nloss 0.31\n'));
  assert.deepEqual(same, { rule: 'timestamps', note: 'ignored lines matching /^# generated at / (1 recorded, 1 rerun)' });
  assert.equal(j.equivalent('logs/run.txt', recorded, b('# generated at 2025-06-30 18:12\nloss 0.32\n')), undefined);
});

test('tolerance: numbers within abs or rel pass with how much was tolerated; outside, or text changes, do not', () => {
  const j = judge({ glob: 'results/*.csv', tolerance: { abs: 1e-9 } });
  const recorded = b('x,mean\n1,0.3333333333\n2,1e-3\n');
  const within = j.equivalent('results/s.csv', recorded, b('x,mean\n1,0.33333333335\n2,0.001\n'));
  assert.equal(within?.rule, 'results/*.csv: tolerance abs=1e-9', 'a generated name says glob and tolerance');
  assert.match(within?.note ?? '', /^2 numbers differ within tolerance abs=1e-9 \(largest \|Δ\| 5e-11\)$/);
  assert.equal(j.equivalent('results/s.csv', recorded, b('x,mean\n1,0.3333334\n2,1e-3\n')), undefined, 'beyond abs');
  assert.equal(j.equivalent('results/s.csv', recorded, b('x,median\n1,0.3333333333\n2,1e-3\n')), undefined, 'a word changed');
  assert.equal(j.equivalent('results/s.csv', recorded, b('x,mean\n1,0.3333333333\n')), undefined, 'a row dropped');

  const rel = judge({ path: 'out/metrics.json', tolerance: { rel: 1e-3 } });
  const json = b('{"auc": 1000.0, "n": 5}\n');
  assert.ok(rel.equivalent('out/metrics.json', json, b('{"auc": 1000.9, "n": 5}\n')), '0.9 ≤ 1e-3 × 1000.9');
  assert.equal(rel.equivalent('out/metrics.json', json, b('{"auc": 1002, "n": 5}\n')), undefined);
  assert.equal(rel.equivalent('out/metrics.json', json, b('{"auc": 1000.0, "n": 5, "x": 1}\n')), undefined);
});

test('sort_lines: the same lines in another order pass; different lines do not', () => {
  const j = judge({ glob: '**/*.txt', sort_lines: true, name: 'unordered' });
  assert.deepEqual(j.equivalent('a/b/ids.txt', b('3\n1\n2\n'), b('1\n2\n3\n')), { rule: 'unordered', note: 'line order differs' });
  assert.equal(j.equivalent('a/b/ids.txt', b('3\n1\n2\n'), b('1\n2\n4\n')), undefined);
  assert.equal(judge({ glob: '**/*.txt', ignore_lines: ['^#'] }).equivalent('ids.txt', b('3\n1\n'), b('1\n3\n')), undefined, 'order matters without sort_lines');
});

test('globs match project-relative paths: **, *, ?, {a,b}; path is exact; other files are untouched', () => {
  const tolerant = { tolerance: { abs: 1 } };
  const cases: [string, string, boolean][] = [
    ['results/**/*.csv', 'results/a/b/c.csv', true],
    ['results/**/*.csv', 'results/c.csv', true],
    ['results/**/*.csv', 'other/c.csv', false],
    ['*.csv', 'results/c.csv', false],
    ['*.csv', 'c.csv', true],
    ['run?.log', 'run1.log', true],
    ['run?.log', 'run10.log', false],
    ['{train,test}.tsv', 'test.tsv', true],
    ['{train,test}.tsv', 'valid.tsv', false],
    ['./out/*.txt', 'out/x.txt', true],
  ];
  for (const [glob, rel, expected] of cases) {
    const got = judge({ glob, ...tolerant }).equivalent(rel, b('v 1\n'), b('v 1.5\n'));
    assert.equal(Boolean(got), expected, `${glob} vs ${rel}`);
  }
  assert.ok(judge({ path: 'out/x.txt', ...tolerant }).equivalent('out/x.txt', b('1'), b('2')));
  assert.equal(judge({ path: 'out/*.txt', ...tolerant }).equivalent('out/x.txt', b('1'), b('2')), undefined, 'path is not a glob');
});

test('the first matching rule that accepts wins, and only its name is reported', () => {
  const j = judge(
    { glob: 'out/*.txt', name: 'strict', tolerance: { abs: 1e-12 } },
    { glob: 'data/*.txt', name: 'elsewhere', tolerance: { abs: 10 } },
    { glob: 'out/**', name: 'loose', tolerance: { abs: 0.5 } },
  );
  assert.equal(j.equivalent('out/x.txt', b('1.0'), b('1.2'))?.rule, 'loose');
  assert.equal(j.equivalent('out/x.txt', b('1.0'), b('1.0000000000000002'))?.rule, 'strict');
});

function pngWith(text: Record<string, string>, red = false, level = 9): Buffer {
  const png = new PNG({ width: 6, height: 4 });
  png.data.fill(255);
  if (red) png.data.set([255, 0, 0, 255], 0);
  const plain = PNG.sync.write(png, { deflateLevel: level });
  const chunks = Object.entries(text).map(([k, v]) => {
    const body = Buffer.concat([Buffer.from('tEXt', 'latin1'), Buffer.from(`${k}\0${v}`, 'latin1')]);
    const frame = Buffer.alloc(4);
    frame.writeUInt32BE(body.length - 4, 0);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body), 0);
    return Buffer.concat([frame, body, crc]);
  });
  return Buffer.concat([plain.subarray(0, 33), ...chunks, plain.subarray(33)]);
}

test('ignore_metadata: PNGs with the same pixels pass whatever their chunks say; changed pixels do not', () => {
  const j = judge({ glob: 'figures/*.png', ignore_metadata: true });
  const recorded = pngWith({ 'Creation Time': '2024-01-01' });
  const same = j.equivalent('figures/f.png', recorded, pngWith({ 'Creation Time': '2025-02-02' }));
  assert.deepEqual(same, { rule: 'figures/*.png: ignore_metadata', note: 'pixels identical; ignored PNG metadata (tEXt)' });
  assert.equal(j.equivalent('figures/f.png', pngWith({}, false, 9), pngWith({}, false, 0))?.note, 'pixels identical; ignored PNG metadata and compression', 'a different compression level alone');
  assert.equal(j.equivalent('figures/f.png', recorded, pngWith({ 'Creation Time': '2025-02-02' }, true)), undefined);
});

test('ignore_metadata: PDFs equal but for dates, ID, producer and XMP pass; other changes do not', () => {
  const pdf = (date: string, id: string, body = 'BT (Hello) Tj ET') =>
    b(`%PDF-1.7\n1 0 obj << /CreationDate (D:${date}) /ModDate (D:${date}) /Producer (tool ${id}) >> endobj\n` +
      `2 0 obj << /Type /Metadata /Length ${60 + id.length} >> stream\n<?xpacket begin="x"?><x:xmpmeta>${id}</x:xmpmeta><?xpacket end="w"?>\nendstream endobj\n` +
      `3 0 obj << /Length ${body.length} >> stream\n${body}\nendstream endobj\nxref\n0 4\n000000${id.length} 65535 f \ntrailer << /ID [<${id}><${id}>] >>\nstartxref\n${300 + id.length}\n%%EOF\n`);
  const j = judge({ glob: '**/*.pdf', ignore_metadata: true, name: 'pdf-dates' });
  const got = j.equivalent('fig/a.pdf', pdf('20240101', 'AB12'), pdf('20250101', 'CD3456'));
  assert.equal(got?.rule, 'pdf-dates');
  assert.equal(got?.note, 'content identical; ignored PDF metadata (/CreationDate, /ModDate, /Producer, /ID, XMP)');
  assert.equal(j.equivalent('fig/a.pdf', pdf('20240101', 'AB12'), pdf('20250101', 'CD3456', 'BT (Hullo) Tj ET')), undefined);
});

test('a rule never accepts content it cannot read as its kind', () => {
  const j = judge({ glob: '**', tolerance: { abs: 1 }, ignore_metadata: true });
  assert.equal(j.equivalent('x.bin', Buffer.from([0, 1, 2]), Buffer.from([0, 1, 3])), undefined, 'binary with a text rule');
  assert.equal(j.equivalent('x.png', b('not a png'), b('not a png either')), undefined);
});

test('rules are checked as they are read: each mistake is named by its key', () => {
  const bad: [unknown, RegExp][] = [
    [{ glob: 'a', ignore_lines: ['('] }, /: rerun\.equivalence\.0\.ignore_lines\.0 is not a valid regular expression/],
    [{ glob: 'a', tolerance: { abs: '1e-9' } }, /: rerun\.equivalence\.0\.tolerance\.abs must be a non-negative number, got "1e-9"/],
    [{ glob: 'a', tolerance: { abs: -1 } }, /tolerance\.abs must be a non-negative number/],
    [{ glob: 'a', tolerance: { absolute: 1 } }, /tolerance\.absolute is not a tolerance/],
    [{ glob: 'a', tolerance: {} }, /tolerance needs abs or rel/],
    [{ glob: 'a', sort_lines: 'yes' }, /sort_lines must be true or false/],
    [{ glob: 'a', sort_line: true }, /: rerun\.equivalence\.0\.sort_line is not a rule key/],
    [{ sort_lines: true }, /needs exactly one of glob or path/],
    [{ glob: 'a', path: 'b', sort_lines: true }, /needs exactly one of glob or path/],
    [{ glob: 'a' }, /tolerates nothing/],
    [{ glob: 'a', ignore_lines: '^#' }, /ignore_lines must be a list/],
    ['results/*.csv', /must be a mapping/],
  ];
  for (const [rule, message] of bad) assert.throws(() => judge(rule), message, JSON.stringify(rule));
  assert.throws(() => parseEquivalenceRules({ glob: 'a' }, ['rerun', 'equivalence'], fail), /rerun\.equivalence must be a list of rules/);
});

test('without a matching rule the judge only explains', () => {
  const j = judge({ glob: 'other/**', tolerance: { abs: 1 } });
  assert.equal(j.equivalent('out/a.txt', b('1\n'), b('2\n')), undefined);
  assert.match(j.explain('/p/out/a.txt', b('1\n'), b('2\n')).summary, /^1 line changed, first at line 1/);
});
