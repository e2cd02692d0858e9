/**
 * The zenodo backend against a local HTTP server implementing the parts of Zenodo's REST deposit
 * API Clew uses (create deposition, bucket upload, publish), checking the bearer token: the
 * uploaded file is the stamp's proof JSON, publishing only happens when asked, a missing token or
 * a refusal is one clear error and stores nothing, and the check stays offline.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { ClewError } from '../../../src/engine/errors';
import { openStore } from '../../../src/engine/store/open';
import type { Store } from '../../../src/engine/store/types';
import { checkStamp, stamp } from '../../../src/engine/stamps/stamps';
import type { Materialised } from '../../conformance/fixtures';
import { materialiseCopy } from './helpers';

const TOKEN = 'test-token-123';

interface FakeZenodo {
  base: string;
  calls: string[];
  depositions: Map<number, { metadata: Record<string, unknown>; files: Map<string, Buffer>; published: boolean }>;
  /** Answer uploads with a wrong checksum (a corrupted transfer). */
  corruptChecksum: boolean;
  close(): Promise<void>;
}

async function startFakeZenodo(): Promise<FakeZenodo> {
  let nextId = 41;
  const fake: FakeZenodo = { base: '', calls: [], depositions: new Map(), corruptChecksum: false, close: async () => new Promise<void>((r) => server.close(() => r())) };
  const send = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '';
      fake.calls.push(`${req.method} ${url}`);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, { status: 401, message: 'The server could not verify that you are authorized to access the URL requested.' });
      let m: RegExpMatchArray | null;
      if (req.method === 'POST' && url === '/api/deposit/depositions') {
        const id = ++nextId;
        const parsed = JSON.parse(body.toString() || '{}') as { metadata?: Record<string, unknown> };
        fake.depositions.set(id, { metadata: parsed.metadata ?? {}, files: new Map(), published: false });
        return send(res, 201, { id, links: { bucket: `${fake.base}/api/files/bucket-${id}`, html: `${fake.base}/deposit/${id}`, publish: `${fake.base}/api/deposit/depositions/${id}/actions/publish` } });
      }
      if (req.method === 'PUT' && (m = url.match(/^\/api\/files\/bucket-(\d+)\/(.+)$/))) {
        const dep = fake.depositions.get(Number(m[1]));
        if (!dep) return send(res, 404, { message: 'bucket not found' });
        dep.files.set(decodeURIComponent(m[2]), body);
        const md5 = fake.corruptChecksum ? '0'.repeat(32) : createHash('md5').update(body).digest('hex');
        return send(res, 201, { key: m[2], size: body.length, checksum: `md5:${md5}` });
      }
      if (req.method === 'POST' && (m = url.match(/^\/api\/deposit\/depositions\/(\d+)\/actions\/publish$/))) {
        const dep = fake.depositions.get(Number(m[1]));
        if (!dep) return send(res, 404, { message: 'deposition not found' });
        dep.published = true;
        return send(res, 202, { id: Number(m[1]), doi: `10.5072/zenodo.${m[1]}`, doi_url: `https://doi.org/10.5072/zenodo.${m[1]}`, links: { html: `${fake.base}/records/${m[1]}` } });
      }
      return send(res, 404, { message: `no route ${req.method} ${url}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

describe('zenodo stamps against a local deposit API', () => {
  let m: Materialised;
  let store: Store;
  let zenodo: FakeZenodo;
  const ctx = async () => ({ store, view: await store.snapshot(), cwd: m.root });
  const count = async () => (await store.snapshot()).all('SELECT stamp_id FROM stamps').length;
  before(async () => {
    zenodo = await startFakeZenodo();
    m = materialiseCopy('seq-clean');
    store = await openStore(m.dbPath);
  });
  after(async () => {
    await store.close();
    await zenodo.close();
    m.cleanup();
  });

  test('no token: a clear error naming ZENODO_TOKEN, no request, nothing stored', async () => {
    const before = await count();
    await assert.rejects(stamp(await ctx(), { backend: 'zenodo', serviceUrl: zenodo.base, env: {} }), (e: unknown) => e instanceof ClewError && /ZENODO_TOKEN/.test(e.message));
    assert.deepEqual(zenodo.calls, []);
    assert.equal(await count(), before);
  });

  test('deposition with the proof JSON uploaded, not published unless asked; check stays offline', async () => {
    const record = await stamp(await ctx(), { backend: 'zenodo', env: { ZENODO_TOKEN: TOKEN, ZENODO_URL: zenodo.base } });
    const [id, dep] = [...zenodo.depositions.entries()].at(-1) ?? [];
    assert.ok(id && dep);
    assert.equal(dep.published, false);
    assert.match(String(dep.metadata.title), new RegExp(record.stamp_id));
    const uploaded = dep.files.get(`${record.stamp_id}.json`)?.toString();
    const local = fs.readFileSync(path.join(path.dirname(m.dbPath), 'stamps', `${record.stamp_id}.json`), 'utf8');
    assert.equal(uploaded, local);
    assert.deepEqual(JSON.parse(local), { stamp_id: record.stamp_id, root_hash: record.root_hash, timestamp: record.timestamp, run_count: record.run_count, backend: 'zenodo' });
    assert.equal(record.service_url, `${zenodo.base}/deposit/${id}`);
    assert.deepEqual(JSON.parse(record.response_token ?? ''), { deposition_id: id, file: `${record.stamp_id}.json`, checksum: `md5:${createHash('md5').update(local).digest('hex')}`, doi: null });
    const calls = zenodo.calls.length;
    const c = await checkStamp(await ctx(), record.stamp_id);
    assert.ok(!('status' in c) && c.verdict === 'holds');
    assert.equal(zenodo.calls.length, calls, 'check never contacts Zenodo');
  });

  test('--publish mints the DOI and records its URL', async () => {
    const record = await stamp(await ctx(), { backend: 'zenodo', serviceUrl: zenodo.base, publish: true, env: { ZENODO_TOKEN: TOKEN } });
    const [id, dep] = [...zenodo.depositions.entries()].at(-1) ?? [];
    assert.equal(dep?.published, true);
    assert.equal(record.service_url, `https://doi.org/10.5072/zenodo.${id}`);
    assert.equal((JSON.parse(record.response_token ?? '') as { doi: string }).doi, `10.5072/zenodo.${id}`);
  });

  test("a refused token or a corrupted upload is one clear error and stores nothing", async () => {
    const before = await count();
    await assert.rejects(stamp(await ctx(), { backend: 'zenodo', serviceUrl: zenodo.base, env: { ZENODO_TOKEN: 'wrong' } }), (e: unknown) => e instanceof ClewError && /HTTP 401/.test(e.message) && /not verify that you are authorized/.test(e.message));
    zenodo.corruptChecksum = true;
    try {
      await assert.rejects(stamp(await ctx(), { backend: 'zenodo', serviceUrl: zenodo.base, env: { ZENODO_TOKEN: TOKEN } }), (e: unknown) => e instanceof ClewError && /checksum/.test(e.message));
    } finally {
      zenodo.corruptChecksum = false;
    }
    assert.equal(await count(), before);
  });
});
