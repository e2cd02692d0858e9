/**
 * The Snakefile text for names Snakemake or Python could misread (the real snakemake runs such a
 * project in test/cli/exportSnakemake.test.ts): every name a JSON/Python literal on one line,
 * braced names through stand-ins whose real name is in a comment, shell braces doubled, rule all
 * listing only the outputs no rule reads, a session id with a newline kept inside its comment.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ExportModel, ExportRun, RecordedFile } from '../../../src/engine/export/model';
import { LITERAL_DIR, needsStandIn, snakefileText, standInOf } from '../../../src/engine/export/snakemake';

const ROOT = '/p';

function file(rel: string): RecordedFile {
  return { path: `${ROOT}/${rel}`, sha256: '0'.repeat(64), size: 1, host: null, recordedAt: null, rowId: 1 };
}

function run(sessionId: string, argv: string[], inputs: string[], outputs: string[]): ExportRun {
  return {
    sessionId, scriptPath: null, scriptHash: null, startedAt: null, finishedAt: null, status: 'success', exitCode: 0, combinedHash: null, provenance: null, exceptionReason: null,
    replay: { argv, cwd: ROOT, executable: null, env: {} },
    inputs: inputs.map(file), outputs: outputs.map(file), parents: [], latestVerification: undefined,
  };
}

const RAW = 'raw {sample}.csv';
const MID = 'mid "q" \\ \n<script>alert(1)</script>.txt';
const FINAL = "final {x,y} é日本 it's.txt";

function model(): ExportModel {
  return {
    dbPath: '/p/.scitex/clew/runtime/clew.db',
    projectRoot: ROOT,
    runs: [run('s1', ['sh', 'a {b}.sh'], [RAW], [MID]), run('s2\nrule evil:', ['cat', MID], [MID], [FINAL]), run('s3', ['wc', MID], [MID, RAW], ['plain.txt'])],
    claims: [], stamps: [], targets: [], recordedPathOf: (p) => p,
  };
}

test('stand-ins: brace-free, one per name, under the literal folder', () => {
  assert.equal(needsStandIn(RAW), true);
  assert.equal(needsStandIn('plain.txt'), false);
  const s = standInOf(FINAL);
  assert.ok(s.startsWith(`${LITERAL_DIR}/`));
  assert.doesNotMatch(s, /[{}\s'"]/);
  assert.notEqual(standInOf('a {x}.txt'), standInOf('a {y}.txt'), 'names that sanitise alike still differ');
});

test('every name is a literal on its line; braced ones go through stand-ins; rule all has the final outputs only', () => {
  const { text, rules } = snakefileText(model());
  assert.equal(rules, 3);
  const lines = text.split('\n');
  // No name broke out of its line: every line is a comment, a rule header, a section, an indented entry, Python or blank.
  for (const line of lines) assert.match(line, /^(#.*|rule \w+:|import .*|_CLEW_LITERAL = \{|\}|for .*|\s+.*|)$/, JSON.stringify(line));
  assert.ok(!lines.some((l) => l.startsWith('rule evil')), 'a newline in a session id stays in its comment');
  const all = /^rule all:\n {4}input:\n((?: {8}.*\n)+)/m.exec(text)?.[1] ?? '';
  assert.deepEqual(all.trim().split('\n').map((l) => l.trim()), [`${JSON.stringify(standInOf(FINAL))},  # ${JSON.stringify(FINAL)}`, '"plain.txt",']);
  // No braces, but a quote, a backslash, a newline and markup: listed as it is, as one JSON literal.
  assert.ok(text.includes(`        ${JSON.stringify(MID)},`));
  const entries = lines.filter((l) => /^ {8}".*",(?: {2}# .*)?$/.test(l));
  assert.equal(entries.length, 2 + 7, 'rule all (2) and every input and output (2 + 2 + 3)');
  for (const entry of entries) {
    const literal = /^ {8}("(?:[^"\\]|\\.)*")/.exec(entry)?.[1] ?? '';
    const name = JSON.parse(literal) as string;
    if (!name.startsWith(LITERAL_DIR)) assert.equal(needsStandIn(name), false, `${name} is listed bare but holds braces`);
  }
  // The preamble maps each stand-in back to its file.
  assert.ok(text.includes(`    ${JSON.stringify(standInOf(RAW))}: ${JSON.stringify(RAW)},`));
  assert.ok(text.includes(`    ${JSON.stringify(standInOf(FINAL))}: ${JSON.stringify(FINAL)},`));
});

test('shell lines: braces doubled for Snakemake, names single-quoted, a braced output refreshes its stand-in', () => {
  const { text } = snakefileText(model());
  const shells = [...text.matchAll(/^ {4}shell:\n {8}(".*")$/gm)].map((m) => JSON.parse(m[1]) as string);
  assert.equal(shells[0], "cd . && sh 'a {{b}}.sh'");
  const final = shells[1];
  assert.ok(final.startsWith('( cd . && cat '), final);
  assert.ok(final.includes(`touch -r 'final {{x,y}} é日本 it'\\''s.txt' -- ${standInOf(FINAL).replace(/\{/g, '{{')}`), final);
  // Undoubled braces are only ever pairs Snakemake turns back into one brace.
  for (const s of shells) assert.doesNotMatch(s.replace(/\{\{|\}\}/g, ''), /[{}]/, s);
});

test('a DAG whose every output is read (a cycle) still gets a rule all', () => {
  const m = model();
  m.runs = [run('a', ['sh', 'a.sh'], ['y.txt'], ['x.txt']), run('b', ['sh', 'b.sh'], ['x.txt'], ['y.txt'])];
  const all = /^rule all:\n {4}input:\n((?: {8}.*\n)+)/m.exec(snakefileText(m).text)?.[1] ?? '';
  assert.deepEqual(all.trim().split('\n').map((l) => l.trim()), ['"x.txt",', '"y.txt",']);
});
