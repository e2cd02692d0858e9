/**
 * "Verified from scratch" (spec §7.1) is read from the store's verification_results log: only a
 * run whose NEWEST row is a verified rerun gets the thick-bordered ✓✓ node and file_rerun outputs.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openStore } from '../../../src/engine/store/open';
import { createFileHasher } from '../../../src/engine/hash/fileHasher';
import { provenanceDiagram } from '../../../src/engine/mermaid/provenanceDiagram';
import { materialise } from '../../conformance/fixtures';

test('only the newest verification_results row of a run decides', async () => {
  const m = materialise('seq-clean', 'relocated');
  after(() => m.cleanup());
  const [first, second] = execFileSync('python3', [
    '-c',
    `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
a, b = [r[0] for r in c.execute("SELECT session_id FROM runs ORDER BY started_at LIMIT 2")]
rows = [(a, '2026-01-01 00:00:00', 'verified'), (a, '2026-01-02 00:00:00', 'mismatch'), (b, '2026-01-01 00:00:00', 'verified')]
c.executemany("INSERT INTO verification_results (session_id, verified_at, level, status) VALUES (?, ?, 'rerun', ?)", rows)
c.commit()
print(a, b)`,
    m.dbPath,
  ]).toString().trim().split(' ');
  const store = await openStore(m.dbPath);
  const hasher = createFileHasher({ useCache: false });
  try {
    const diagram = await provenanceDiagram({ view: await store.snapshot(), hasher, cwd: m.root }, { upstreamQuirks: true });
    const classOf = (sessionId: string) => diagram.nodes.find((n) => n.sessionId === sessionId)?.className;
    assert.equal(classOf(first), 'verified', 'its newest rerun failed');
    assert.equal(classOf(second), 'verified_scratch');
    assert.match(diagram.text, /\[\("✓✓ 📊 clean_A\.csv"\)\]:::file_rerun/);
    assert.equal(diagram.nodes.filter((n) => n.className === 'verified_scratch').length, 1);
  } finally {
    await hasher.dispose();
    await store.close();
  }
});
