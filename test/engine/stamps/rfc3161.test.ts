/**
 * RFC 3161 for real, against a local TSA (openssl ts behind node http on 127.0.0.1): a stamp's
 * token is verified before it is stored, kept whole (hex in the row, DER reply as .tsr that
 * `openssl ts -verify` accepts) and re-verified offline by check. Rejected, each with its reason:
 * a token for another imprint, a reply with another nonce, a TSA not chaining to --tsa-cert, a
 * token altered after signing. A token cut to 256 hex chars (as scitex-clew stores it) is
 * reported as unverifiable, not as forged.
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ClewError } from '../../../src/engine/errors';
import { openStore } from '../../../src/engine/store/open';
import type { Store } from '../../../src/engine/store/types';
import { checkStamp, stamp } from '../../../src/engine/stamps/stamps';
import type { StampCheck } from '../../../src/engine/stamps/types';
import type { Materialised } from '../../conformance/fixtures';
import { materialiseCopy, pythonCheck, pythonSql } from './helpers';
import { startLocalTsa, type LocalTsa } from './localTsa';

function asCheck(r: Awaited<ReturnType<typeof checkStamp>>): StampCheck {
  assert.ok(!('status' in r), 'stamp not found');
  return r;
}

describe('RFC 3161 stamps against a local TSA', () => {
  let m: Materialised;
  let store: Store;
  let tsa: LocalTsa;
  const ctx = async () => ({ store, view: await store.snapshot(), cwd: m.root });
  before(async () => {
    tsa = await startLocalTsa();
    m = materialiseCopy('seq-clean');
    store = await openStore(m.dbPath);
  });
  after(async () => {
    await store.close();
    await tsa.close();
    m.cleanup();
  });

  test('round trip: whole token in the row, .tsr accepted by openssl ts -verify, check re-verifies offline', async () => {
    tsa.mode = 'honest';
    const record = await stamp(await ctx(), { backend: 'rfc3161', serviceUrl: tsa.url, tsaCertPem: tsa.caPem });
    assert.equal(record.service_url, tsa.url);
    assert.ok(record.response_token && record.response_token.length > 256, 'token kept whole');
    assert.equal(pythonCheck(m.dbPath, record.stamp_id).matches, true, 'upstream would check it');
    const tsr = path.join(path.dirname(m.dbPath), 'stamps', `${record.stamp_id}.tsr`);
    const rootBin = path.join(tsa.dir, 'root.bin');
    fs.writeFileSync(rootBin, Buffer.from(record.root_hash, 'hex'));
    const verify = spawnSync('openssl', ['ts', '-verify', '-in', tsr, '-data', rootBin, '-CAfile', tsa.caFile], { encoding: 'utf8' });
    assert.match(verify.stdout, /Verification: OK/, verify.stderr);
    const other = spawnSync('openssl', ['ts', '-verify', '-in', tsr, '-data', rootBin, '-CAfile', tsa.otherCaFile], { encoding: 'utf8' });
    assert.doesNotMatch(other.stdout, /Verification: OK/, 'openssl rejects the other CA too');

    const requestsBefore = tsa.requests;
    const trusted = asCheck(await checkStamp(await ctx(), record.stamp_id, { tsaCertPem: tsa.caPem }));
    assert.equal(trusted.verdict, 'holds');
    assert.equal(trusted.token?.status, 'valid');
    assert.equal(trusted.token?.trusted, true);
    assert.ok(trusted.token?.gen_time && Math.abs(Date.parse(trusted.token.gen_time) - Date.now()) < 15 * 60_000);
    const embedded = asCheck(await checkStamp(await ctx(), record.stamp_id));
    assert.equal(embedded.token?.status, 'valid');
    assert.equal(embedded.token?.trusted, false);
    assert.match(embedded.token?.reason ?? '', /--tsa-cert/);
    assert.equal(tsa.requests, requestsBefore, 'check never contacts the TSA');

    const foreign = asCheck(await checkStamp(await ctx(), record.stamp_id, { tsaCertPem: fs.readFileSync(tsa.otherCaFile, 'utf8') }));
    assert.equal(foreign.verdict, 'token-invalid');
    assert.match(foreign.token?.reason ?? '', /does not chain to the given trust anchor/);
  });

  test('a token altered after signing is rejected by check', async () => {
    tsa.mode = 'honest';
    const record = await stamp(await ctx(), { backend: 'rfc3161', serviceUrl: tsa.url });
    const token = Buffer.from(record.response_token ?? '', 'hex');
    // Flip the last byte of TSTInfo's serialNumber (right after the imprint): still DER, no longer what was signed.
    const imprintAt = token.indexOf(execFileSync('python3', ['-c', 'import hashlib,sys;sys.stdout.buffer.write(hashlib.sha256(bytes.fromhex(sys.argv[1])).digest())', record.root_hash]));
    assert.ok(imprintAt > 0);
    assert.equal(token[imprintAt + 32], 0x02, 'serialNumber INTEGER follows the imprint');
    token[imprintAt + 34 + token[imprintAt + 33] - 1] ^= 0x01;
    pythonSql(m.dbPath, 'UPDATE stamps SET response_token = ? WHERE stamp_id = ?', [token.toString('hex'), record.stamp_id]);
    const c = asCheck(await checkStamp(await ctx(), record.stamp_id, { tsaCertPem: tsa.caPem }));
    assert.equal(c.matches, true, 'the root hash itself is untouched');
    assert.equal(c.verdict, 'token-invalid');
    assert.match(c.token?.reason ?? '', /signature does not verify/);
  });

  test('a token cut to 256 hex characters (scitex-clew) is unverifiable, not forged', async () => {
    tsa.mode = 'honest';
    const record = await stamp(await ctx(), { backend: 'rfc3161', serviceUrl: tsa.url });
    pythonSql(m.dbPath, 'UPDATE stamps SET response_token = substr(response_token, 1, 256) WHERE stamp_id = ?', [record.stamp_id]);
    const c = asCheck(await checkStamp(await ctx(), record.stamp_id));
    assert.equal(c.verdict, 'token-unverifiable');
    assert.match(c.token?.reason ?? '', /256 hex/);
  });

  for (const [mode, reason] of [
    ['wrong-imprint', /different imprint/],
    ['wrong-nonce', /nonce differs/],
  ] as const) {
    test(`a ${mode} reply is rejected and nothing is stored`, async () => {
      tsa.mode = mode;
      const before = (await store.snapshot()).all('SELECT stamp_id FROM stamps').length;
      await assert.rejects(stamp(await ctx(), { backend: 'rfc3161', serviceUrl: tsa.url }), (e: unknown) => e instanceof ClewError && reason.test(e.message) && /nothing stored/.test(e.message));
      assert.equal((await store.snapshot()).all('SELECT stamp_id FROM stamps').length, before);
    });
  }

  test('a TSA that does not chain to --tsa-cert is rejected when stamping', async () => {
    tsa.mode = 'honest';
    await assert.rejects(
      stamp(await ctx(), { backend: 'rfc3161', serviceUrl: tsa.url, tsaCertPem: fs.readFileSync(tsa.otherCaFile, 'utf8') }),
      (e: unknown) => e instanceof ClewError && /does not chain to the given trust anchor/.test(e.message),
    );
  });

  test('an unreachable TSA is one clear error', async () => {
    await assert.rejects(stamp(await ctx(), { backend: 'rfc3161', serviceUrl: 'http://127.0.0.1:9/tsa' }), (e: unknown) => e instanceof ClewError && /cannot reach the TSA/.test(e.message));
  });
});
