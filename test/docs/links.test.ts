/**
 * The user documentation's links work: every relative link in README.md, CONTRIBUTING.md,
 * CHANGELOG.md and docs/*.md names a file of the repository, and every #anchor a heading of the
 * target (GitHub's slugs). Images too: the README's screenshots must exist.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

function docs(): string[] {
  const top = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md'].filter((f) => fs.existsSync(path.join(root, f)));
  const inDocs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`);
  return [...top, ...inDocs];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, duplicates numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Markdown links and images outside code: [text](target) with a relative or #anchor target. */
function linksOf(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]).filter((t) => !/^(https?:|mailto:)/.test(t));
}

test('every relative link and anchor in the documentation resolves', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const doc of docs()) {
    const text = fs.readFileSync(path.join(root, doc), 'utf8');
    for (const link of linksOf(text)) {
      checked++;
      const [file, anchor] = link.split('#', 2);
      const target = file ? path.resolve(path.dirname(path.join(root, doc)), decodeURIComponent(file)) : path.join(root, doc);
      if (!target.startsWith(root) || !fs.existsSync(target)) {
        broken.push(`${doc}: ${link} (no such file)`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchorsOf(fs.readFileSync(target, 'utf8')).has(anchor)) broken.push(`${doc}: ${link} (no such heading)`);
    }
  }
  assert.ok(checked > 20, `links were found (${checked})`);
  assert.deepEqual(broken, []);
});

test('the README stays a user\u2019s page: at most 250 lines, with pictures', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.ok(readme.split('\n').length <= 250, `README.md has ${readme.split('\n').length} lines`);
  assert.ok(linksOf(readme).filter((l) => /\.png$/.test(l)).length >= 5, 'screenshots of the surfaces');
});

test('the anchor rule follows GitHub on the headings the docs use', () => {
  const a = anchorsOf('# Agents (MCP)\n## The store: compatibility and concurrency\n## Deliberate differences from upstream scitex-clew (spec §13)\n## Dup\n## Dup\n```\n# not a heading\n```');
  assert.deepEqual([...a], ['agents-mcp', 'the-store-compatibility-and-concurrency', 'deliberate-differences-from-upstream-scitex-clew-spec-13', 'dup', 'dup-1']);
});
