/**
 * Clew's MCP server against scitex-clew's recorded tools (answers/mcp.json of seq-mismatch): every
 * tool by name with every parameter (required as upstream, same defaults), and every recorded call
 * on a fresh copy at the recorded root answering a superset of upstream's JSON, compared as the
 * CLI conformance test compares (test/support/containsJson.ts; a DAG's runs as a set). The only
 * other normalisations are listed in DIFFERENCES.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FIXTURES_DIR, materialise, type Materialised } from '../conformance/fixtures';
import { assertContains, sortDag } from '../support/containsJson';
import { answerJson, answerText, startServer, type McpSession } from './mcpClient';

const DIFFERENCES = {
  mermaidFixes: "clew_mermaid draws Clew's fixed diagram (as `clew mermaid`): node labels are compared, not colours or layout.",
  ownSkills: "clew_skills_list lists Clew's own pages, not the Python package's: the answer's keys and types are compared, not the names.",
} as const;

interface UpstreamParam {
  name: string;
  annotation: string;
  default: unknown;
}
interface Recorded {
  server: string;
  tools: { name: string; params: UpstreamParam[] }[];
  calls: { tool: string; arguments: Record<string, unknown>; result: string }[];
}

const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES_DIR, 'seq-mismatch', 'answers', 'mcp.json'), 'utf8')) as Recorded;

/** Node labels of a mermaid text without verdict icons (the CLI test's rule mermaidFixes). */
function mermaidLabels(text: string): string[] {
  const labels: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^ {4}\S+?(?:\[\("|\["|\[\/")(.*?)(?:"\)\]|"\]|"\\\]):::\w+$/.exec(line);
    if (m) labels.push(m[1].replace(/^(✓✓|✓|✗|⚠) /, ''));
  }
  return labels.sort();
}

describe('MCP server: scitex-clew tools on seq-mismatch', () => {
  let m: Materialised;
  let session: McpSession;
  before(async () => {
    m = materialise('seq-mismatch', 'recorded');
    session = await startServer(m.root);
  });
  after(async () => {
    await session?.close();
    m?.cleanup();
  });

  test('tools/list has every upstream tool with its parameters, required and defaults as upstream', async () => {
    const { tools } = await session.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.equal(recorded.tools.length, 29);
    for (const up of recorded.tools) {
      const tool = byName.get(up.name);
      assert.ok(tool, `missing tool ${up.name}`);
      assert.ok((tool.description ?? '').length > 20, `${up.name}: a description`);
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { default?: unknown }>;
      const required = new Set(tool.inputSchema.required ?? []);
      assert.deepEqual(Object.keys(properties).sort(), up.params.map((p) => p.name).sort(), `${up.name}: parameters`);
      for (const p of up.params) {
        const optional = p.default !== null || /Optional/.test(p.annotation);
        assert.equal(required.has(p.name), !optional, `${up.name}.${p.name}: required`);
        if (p.default !== null) assert.deepEqual(properties[p.name].default, p.default, `${up.name}.${p.name}: default`);
      }
    }
    assert.equal(tools.length, recorded.tools.length, 'no tools beyond upstream');
  });

  test('every recorded call answers a superset of upstream JSON', async () => {
    assert.equal(recorded.calls.length, 20);
    for (const [i, call] of recorded.calls.entries()) {
      const where = `call ${i} ${call.tool}(${JSON.stringify(call.arguments)})`;
      const result = await session.client.callTool({ name: call.tool, arguments: call.arguments });
      assert.notEqual(result.isError, true, `${where}: ${JSON.stringify(result.content)}`);
      const ours = answerJson(result as Parameters<typeof answerJson>[0]);
      const expected = JSON.parse(call.result) as Record<string, unknown>;
      assert.deepEqual((result as { structuredContent?: unknown }).structuredContent, ours, `${where}: structuredContent is the text's JSON`);
      if (call.tool === 'clew_mermaid') {
        // Rule mermaidFixes.
        assert.deepEqual(mermaidLabels((ours as { mermaid: string }).mermaid), mermaidLabels(expected.mermaid as string), where);
      } else if (call.tool === 'clew_skills_list') {
        // Rule ownSkills.
        const s = ours as { success: boolean; package: string; skills: string[] };
        assert.equal(s.success, true);
        assert.equal(typeof s.package, 'string');
        assert.ok(s.skills.length > 0 && s.skills.every((n) => typeof n === 'string'), where);
        for (const name of s.skills) {
          const page = answerJson((await session.client.callTool({ name: 'clew_skills_get', arguments: { name } })) as Parameters<typeof answerJson>[0]) as { content: string };
          assert.match(page.content, /^# /, `${name}: a Markdown page`);
        }
      } else if (call.tool === 'clew_dag') {
        assertContains(sortDag(ours), sortDag(expected), where);
      } else {
        assertContains(ours, expected, where);
      }
    }
    void DIFFERENCES;
    assert.doesNotMatch(session.stderr(), /internal error/);
  });

  test('answers are JSON documents in one text item, as upstream', async () => {
    const result = await session.client.callTool({ name: 'clew_stats', arguments: {} });
    assert.match(answerText(result as Parameters<typeof answerText>[0]), /^\{\n {2}"total_runs": 9,/);
  });
});
