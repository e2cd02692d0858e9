/**
 * Clew's MCP server beyond upstream's recorded answers: a bad argument or an unsupported feature
 * is an error result and never stops the server; a folder without a store still gets a server that
 * says so in each answer (and creates no store); stdout carries the protocol only; the write tools
 * change the store through the CLI's writer; `mcp start --dry-run` and `mcp list-tools`.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, newProject, query, recordSh, STORE, tempBase, write } from '../support/recordedProject';
import { answerJson, serverEnv, startServer } from './mcpClient';

const base = tempBase('clew-mcp-server-');
after(() => fs.rmSync(base, { recursive: true, force: true }));

type Result = Parameters<typeof answerJson>[0];

test('a bad argument is an error result naming the argument; the server keeps answering', async () => {
  const session = await startServer(newProject(base, 'bad-args'));
  try {
    for (const [name, args, mentions] of [
      ['clew_list_runs', { limit: 'many' }, /limit/],
      ['clew_run', {}, /session_or_path/],
      ['clew_add_claim', { file_path: 'paper.tex', claim_type: 'poem' }, /claim_type/],
      ['clew_hash_file', { path: 'absent.csv' }, /File not found: absent\.csv/],
    ] as const) {
      const result = await session.client.callTool({ name, arguments: args });
      assert.equal(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
      assert.match(JSON.stringify(result.content), mentions, name);
    }
    const skills = await session.client.callTool({ name: 'clew_skills_list', arguments: {} });
    assert.notEqual(skills.isError, true);
  } finally {
    await session.close();
  }
});

test("tools of features Clew lacks answer 'not supported by Clew yet: <feature>' and say so in their description", async () => {
  const session = await startServer(newProject(base, 'unsupported'));
  try {
    const { tools } = await session.client.listTools();
    for (const [name, args, feature] of [
      ['clew_add_citation', { cite_key: 'smith2020' }, 'citations'],
      ['clew_list_citations', {}, 'citations'],
      ['clew_verify_citations', { entries: [] }, 'citations'],
      ['clew_verify_all_citations', { entries: [] }, 'citations'],
      ['clew_is_claim_grounded', { claim_location: 'paper.tex:L3' }, 'grounding'],
      ['clew_export_manuscript_hints', {}, 'manuscript hints'],
    ] as const) {
      const result = await session.client.callTool({ name, arguments: args });
      assert.equal(result.isError, true, name);
      assert.match((answerJson(result as Result) as { error: string }).error, new RegExp(`^not supported by Clew yet: ${feature}`), name);
      assert.match(tools.find((t) => t.name === name)?.description ?? '', /^Not supported by Clew yet/, name);
    }
  } finally {
    await session.close();
  }
});

test('a folder without a store: the server starts, every answer says there is none, no store is created', async () => {
  const root = newProject(base, 'no-store');
  write(root, 'data.csv', 'a,b\n1,2\n');
  const session = await startServer(root);
  try {
    for (const name of ['clew_status', 'clew_list_runs', 'clew_add_claim', 'clew_stamp', 'clew_rerun_dag']) {
      const args = name === 'clew_add_claim' ? { file_path: 'paper.tex', claim_type: 'value' } : {};
      const result = await session.client.callTool({ name, arguments: args });
      assert.equal(result.isError, true, name);
      assert.match((answerJson(result as Result) as { error: string }).error, /^no Clew store at .*clew\.db/, name);
    }
    const hash = answerJson((await session.client.callTool({ name: 'clew_hash_file', arguments: { path: 'data.csv' } })) as Result) as { hash: string; store_note: string };
    assert.match(hash.hash, /^[0-9a-f]{64}$/);
    assert.match(hash.store_note, /^no Clew store at /);
    assert.match(session.stderr(), /no Clew store at /);
  } finally {
    await session.close();
  }
  assert.equal(fs.existsSync(path.join(root, '.scitex')), false);
});

test('stdout carries JSON-RPC only, also when the client closes stdin right after its last request', async () => {
  const root = newProject(base, 'stdout');
  const requests = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'clew_skills_list', arguments: {} } },
  ];
  const child = spawn(process.execPath, [CLI, 'mcp', 'start', '-y'], { cwd: root, env: serverEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n').filter((l) => l.length > 0);
  const messages = lines.map((l) => JSON.parse(l) as { jsonrpc: string; id?: number });
  assert.ok(messages.every((m) => m.jsonrpc === '2.0'), stdout);
  assert.deepEqual(messages.map((m) => m.id), [1, 2], 'both requests answered before exiting');
  assert.match(stderr, /MCP server on stdio/);
});

test('claims tools write the store through the CLI writer: add, verify, supersede, remove', async () => {
  const root = newProject(base, 'claims');
  write(root, 'make.sh', 'echo 42 > result.txt\n');
  recordSh(root, 'make.sh', [], ['result.txt'], 'make-run');
  write(root, 'paper.tex', 'The answer is 42.\n');
  const session = await startServer(root);
  try {
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await session.client.callTool({ name, arguments: args });
      assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
      return answerJson(result as Result) as Record<string, unknown>;
    };
    const claim = await call('clew_add_claim', { file_path: 'paper.tex', claim_type: 'value', line_number: 1, claim_value: '42', source_file: 'result.txt' });
    assert.equal(claim.source_session, 'make-run');
    const verified = await call('clew_verify_claim', { claim_id_or_location: `paper.tex:L1` });
    assert.equal((verified.claim as { status: string }).status, 'verified');
    assert.deepEqual(query<{ status: string }>(root, 'SELECT status FROM claims'), [{ status: 'verified' }]);
    const listed = await call('clew_list_claims', {});
    assert.equal(listed.count, 1);
    assert.equal((await call('clew_supersede_claim', { claim_id_or_location: String(claim.claim_id) })).superseded, true);
    assert.deepEqual(query<{ status: string }>(root, 'SELECT status FROM claims'), [{ status: 'superseded' }]);
    assert.equal((await call('clew_remove_claim', { claim_id_or_location: String(claim.claim_id) })).removed, true);
    assert.deepEqual(query(root, 'SELECT * FROM claims'), []);
    const gone = await session.client.callTool({ name: 'clew_remove_claim', arguments: { claim_id_or_location: String(claim.claim_id) } });
    assert.equal(gone.isError, true);
    const second = await call('clew_add_claim', { file_path: 'paper.tex', claim_type: 'value', line_number: 1, claim_value: '42', source_file: 'result.txt' });
    const intermediate = await call('clew_register_intermediate', { name: 'n', value: '42', supports: `${String(second.claim_id)}, other`, session_id: 'make-run' });
    assert.deepEqual(JSON.parse(String(intermediate.claim_value)), { name: 'n', supports: [String(second.claim_id), 'other'], value: "'42'" });
    const exported = await call('clew_export_manuscript_claims', { path: 'feed.json', read_only: false });
    assert.equal(exported.path, path.join(root, 'feed.json'));
    assert.ok(fs.existsSync(path.join(root, 'feed.json')));
    const stamp = await call('clew_stamp', {});
    assert.equal(stamp.run_count, 1);
    assert.equal((await call('clew_check_stamp', {})).matches, true);
  } finally {
    await session.close();
  }
  assert.ok(fs.existsSync(path.join(root, STORE)));
});

test('the MCP SDK stays out of every bundle but dist/mcpServer.js (the CLI\'s startup is benchmarked)', () => {
  for (const bundle of ['cli.js', 'cliMain.js', 'recordMain.js', 'extension.js']) {
    assert.doesNotMatch(fs.readFileSync(path.join(path.dirname(CLI), bundle), 'utf8'), /modelcontextprotocol/, bundle);
  }
  assert.match(fs.readFileSync(path.join(path.dirname(CLI), 'mcpServer.js'), 'utf8'), /modelcontextprotocol/);
});

test('mcp start --dry-run prints the tool count; mcp list-tools lists the 29 tools', () => {
  const root = newProject(base, 'list');
  const dry = spawnSync(process.execPath, [CLI, 'mcp', 'start', '--dry-run'], { cwd: root, encoding: 'utf8', env: serverEnv() });
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^clew MCP server: 29 tools \(dry run, not started\)\n$/);
  const listed = spawnSync(process.execPath, [CLI, 'mcp', 'list-tools', '--json'], { cwd: root, encoding: 'utf8', env: serverEnv() });
  assert.equal(listed.status, 0, listed.stderr);
  const json = JSON.parse(listed.stdout) as { total: number; tools: { name: string; description: string }[] };
  assert.equal(json.total, 29);
  assert.equal(json.tools[0].name, 'clew_list_runs');
  const text = spawnSync(process.execPath, [CLI, 'mcp', 'list-tools'], { cwd: root, encoding: 'utf8', env: serverEnv() });
  assert.equal(text.stdout.trim().split('\n').length, 29);
  const bad = spawnSync(process.execPath, [CLI, 'mcp', 'serve'], { cwd: root, encoding: 'utf8', env: serverEnv() });
  assert.equal(bad.status, 2);
});
