/**
 * scitex-clew's own command line, driven through `node dist/cli.js`: every entry of every
 * fixture's answers/cli.json (argv, exit code, stdout as the real upstream printed them) is run
 * in order on a relocated copy of its workspace and compared: exit code, then the JSON (parsed)
 * or the text lines that matter. The deliberate differences are listed once, in DIFFERENCES,
 * and are the only things normalised. Every entry is compared, stamp commands included; an entry
 * that is not compared fails the test.
 */
import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES_DIR, materialise, type Materialised } from '../conformance/fixtures';
import { assertContains as assertContainsJson, sortDag } from '../support/containsJson';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/**
 * Every normalisation this test applies, with its reason (README "Deliberate differences").
 * Each key names a rule the comparison code below refers to.
 */
const DIFFERENCES = {
  verdictExit: 'status, chain and dag exit with the verdict (0 verified, 10 suspect/unknown, 11 missing, 12 mismatch) so CI can gate on them; upstream exits 0.',
  textByDefault: "status and dag --strict print Clew's text unless --json is given; upstream prints JSON there even without --json (§13.16).",
  chainDagText: "chain and dag text is Clew's own layout; the runs, their verdicts and the overall verdict are checked, not the layout.",
  stampVerdict: "check-stamp JSON adds `verdict` (Clew's one-word answer), `missing_sessions` (stamped runs no longer in the store) and, for RFC 3161 stamps, `token` (the token's own check).",
  apiKeys: 'chain/dag JSON carries the Python API keys next to the CLI keys (one object for both kinds of caller); status JSON adds other/other_count (runs upstream counts nowhere, §13.10) and hashes_from_cache.',
  dagOrder: 'the order of independent runs in dag comes from a Python set upstream (§13.1): runs and topological_order are compared as sets.',
  mermaidFixes: "print-mermaid draws Clew's fixed diagram (red reaches all descendants, real edges, short legacy hashes not red): node labels are compared, not colours or layout.",
} as const;

/** Keys Clew adds to upstream's objects (rules apiKeys / stampVerdict). */
const EXTRA_KEYS = new Set([
  'files',
  'combined_hash_expected',
  'combined_hash_current',
  'level',
  'provenance',
  'exception_reason',
  'is_verified_from_scratch',
  'other',
  'other_count',
  'hashes_from_cache',
  'runs',
  'status',
  'is_verified',
  'chain_length',
  'failed_runs_count',
  'nodes',
  'edges',
  'mode',
  'verdict',
  'missing_sessions',
  'token',
]);


type Entry = Materialised['cli'][number];
interface Tally {
  json: number;
  text: number;
  exit: number;
  /** Entries also run as a child process. */
  children: number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `expected` must be contained in `actual`; extra keys only those in EXTRA_KEYS. */
function assertContains(actual: unknown, expected: unknown, where: string): void {
  assertContainsJson(actual, expected, where, (k) => EXTRA_KEYS.has(k));
}

function verdictExit(status: string): number {
  return { verified: 0, OK: 0, mismatch: 12, missing: 11 }[status] ?? 10;
}

/** Node labels of a mermaid text without verdict icons (rule mermaidFixes). */
function mermaidLabels(text: string): string[] {
  const labels: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^ {4}\S+?(?:\[\("|\["|\[\/")(.*?)(?:"\)\]|"\]|"\\\]):::\w+$/.exec(line);
    if (m) labels.push(m[1].replace(/^(✓✓|✓|✗|⚠) /, ''));
  }
  return labels.sort();
}

function commandOf(args: string[]): string {
  return args.find((a) => a !== '--json') ?? '';
}

interface Outcome {
  code: number | null;
  out: string;
  err: string;
}

/** Exactly what `node dist/cli.js` runs (its exported entry), minus a process start per entry. */
const bundle = createRequire(__filename)(CLI) as { runCli(argv: string[], io: { out(t: string): void; err(t: string): void; color: boolean; cwd: string; env: NodeJS.ProcessEnv }): Promise<number> };

/** No user config or store override from the machine running the tests. */
function testEnv(configHome: string): NodeJS.ProcessEnv {
  return { ...process.env, SCITEX_CLEW_DB_PATH: '', SCITEX_DIR: configHome, NO_COLOR: '1' };
}

/**
 * In-process through the built bundle: a process start costs about a second on a busy machine,
 * and ~340 entries must fit the runner's 5-minute budget per file. One entry per scenario also
 * runs as a real child process (spawned below) to prove the two agree.
 */
async function runInProcess(m: Materialised, configHome: string, args: string[]): Promise<Outcome> {
  let out = '';
  let err = '';
  const keep = process.cwd();
  // Engine code that resolves relative paths without an explicit cwd uses the process's.
  process.chdir(m.root);
  try {
    const code = await bundle.runCli(args, {
      out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
      err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
      color: false,
      cwd: m.root,
      env: testEnv(configHome),
    });
    return { code, out, err };
  } finally {
    process.chdir(keep);
  }
}

function runChild(m: Materialised, configHome: string, args: string[]): Outcome {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: m.root, encoding: 'utf8', env: testEnv(configHome) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function compareEntry(m: Materialised, entry: Entry, ours: Outcome, tally: Tally): void {
  const args = entry.argv.slice(1);
  const name = commandOf(args);
  const where = `${m.scenario}: clew ${args.join(' ')}`;
  const expectedJson = parseJson(entry.stdout);
  const oursJson = parseJson(ours.out);
  const asJson = args.includes('--json');
  assert.doesNotMatch(ours.err, /internal error/, `${where}: ${ours.err}`);

  // Exit code: upstream's, except the verdict commands (rule verdictExit).
  let expectedExit = entry.exit_code;
  if ((name === 'status' || name === 'chain' || name === 'dag') && entry.exit_code === 0) {
    if (name === 'status') {
      const s = expectedJson as { mismatch_count: number; missing_count: number };
      expectedExit = s.mismatch_count > 0 ? 12 : s.missing_count > 0 ? 11 : 0;
    } else if (args.includes('--strict')) {
      const s = expectedJson as { is_verified: boolean; root_cause: { status: string } | null; topological_order: string[] };
      expectedExit = s.is_verified ? 0 : s.root_cause ? verdictExit(s.root_cause.status) : 10;
    } else {
      const status = expectedJson ? (expectedJson as { status: string }).status : /status=(\w+)/.exec(entry.stdout)?.[1];
      assert.ok(status, `${where}: no verdict in the upstream answer`);
      expectedExit = verdictExit(status);
    }
  }
  assert.equal(ours.code, expectedExit, `${where}: exit (stderr: ${ours.err})`);
  tally.exit++;

  if (name === 'print-mermaid') {
    const up = (expectedJson as { mermaid?: string } | undefined)?.mermaid ?? entry.stdout;
    const mine = (oursJson as { mermaid?: string } | undefined)?.mermaid ?? ours.out;
    if (expectedJson) {
      const { mermaid: _u, ...rest } = expectedJson as Record<string, unknown>;
      const { mermaid: _o, ...mineRest } = oursJson as Record<string, unknown>;
      assertContains(mineRest, rest, where);
    }
    assert.deepEqual(mermaidLabels(mine), mermaidLabels(up), `${where}: node labels`);
    assert.ok(mermaidLabels(up).length > 0, `${where}: upstream drew nodes`);
    if (expectedJson) tally.json++;
    else tally.text++;
    return;
  }

  if (expectedJson !== undefined && entry.stdout.trim().startsWith('{')) {
    if (!asJson && (name === 'status' || (name === 'dag' && args.includes('--strict')))) {
      // Rule textByDefault: the text must still name what upstream's JSON reports.
      const s = expectedJson as { mismatched?: { session_id: string }[]; missing?: { session_id: string }[]; root_cause?: { session_id: string } | null };
      for (const r of [...(s.mismatched ?? []), ...(s.missing ?? [])]) assert.match(ours.out, new RegExp(r.session_id), `${where}: names ${r.session_id}`);
      if (s.root_cause) assert.match(ours.out, new RegExp(`root cause: ${s.root_cause.session_id}`), `${where}: root cause`);
      tally.text++;
      return;
    }
    assert.ok(oursJson !== undefined, `${where}: stdout is not JSON:\n${ours.out}`);
    const expected = expectedJson;
    const isDag = name === 'dag';
    assertContains(isDag ? sortDag(oursJson) : oursJson, isDag ? sortDag(expected) : expected, where);
    tally.json++;
    return;
  }

  const upLines = entry.stdout.replace(/\n$/, '').split('\n');
  if (name === 'chain' || name === 'dag') {
    // Rule chainDagText: every run with its verdict, and the overall verdict.
    const overall = /status=(\w+)/.exec(upLines[0])?.[1] as string;
    assert.match(ours.out, new RegExp(`\\b${overall}\\b`), `${where}: overall verdict`);
    for (const line of upLines.slice(1)) {
      const r = /\[(?:OK|!!)\] (\S+) \((\w+)\)/.exec(line);
      if (!r) continue;
      const mine = ours.out.split('\n').find((l) => l.includes(r[1]));
      assert.ok(mine, `${where}: run ${r[1]} listed`);
      // In dag text the run's status is its own (upstream's dag verifies runs without propagation).
      assert.match(mine, new RegExp(`\\b${r[2]}\\b`), `${where}: ${r[1]} is ${r[2]}`);
    }
    tally.text++;
    return;
  }
  assert.deepEqual(ours.out.replace(/\n$/, '').split('\n'), upLines, `${where}: text`);
  tally.text++;
}

const scenarios = fs
  .readdirSync(FIXTURES_DIR)
  .filter((n) => fs.existsSync(path.join(FIXTURES_DIR, n, 'scenario.json')))
  .sort();
const totals: Tally = { json: 0, text: 0, exit: 0, children: 0 };
let entriesSeen = 0;

describe("scitex-clew's command line against the fixtures' answers/cli.json", () => {
  const configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'clew-upstream-cli-config-'));
  after(() => fs.rmSync(configHome, { recursive: true, force: true }));

  test('the fixtures are there', () => {
    assert.ok(scenarios.length > 0, `no scenarios under ${FIXTURES_DIR}`);
  });

  for (const scenario of scenarios) {
    test(scenario, async () => {
      const answers = path.join(FIXTURES_DIR, scenario, 'answers', 'cli.json');
      assert.ok(fs.existsSync(answers), `${scenario}: answers/cli.json is absent`);
      const m = materialise(scenario, 'relocated');
      try {
        assert.ok(m.cli.length > 0, `${scenario}: answers/cli.json has no entries`);
        let spawned = false;
        for (const entry of m.cli) {
          entriesSeen++;
          for (const key of ['argv', 'exit_code', 'stdout'] as const) assert.ok(entry[key] !== undefined, `${scenario}: an entry has no ${key}`);
          const args = entry.argv.slice(1);
          const ours = await runInProcess(m, configHome, args);
          if (!spawned) {
            // The same entry as a real process: same exit code and output.
            spawned = true;
            const child = runChild(m, configHome, args);
            assert.deepEqual([child.code, child.out], [ours.code, ours.out], `${scenario}: child process agrees on clew ${args.join(' ')}`);
            totals.children++;
          }
          compareEntry(m, entry, ours, totals);
        }
      } finally {
        m.cleanup();
      }
    });
  }

});

describe('upstream CLI coverage', () => {
  test('every entry was compared', () => {
    const compared = totals.exit;
    console.log(`upstream CLI: ${entriesSeen} entries, ${compared} compared (exit codes ${totals.exit}, JSON ${totals.json}, text ${totals.text}; ${totals.children} also as a child process)`);
    console.log(`deliberate differences normalised: ${Object.keys(DIFFERENCES).join(', ')}`);
    assert.ok(compared > 0);
    assert.equal(compared, entriesSeen);
    assert.equal(totals.json + totals.text, compared);
    assert.equal(totals.children, scenarios.length);
  });
});
