/**
 * Upstream's hash-file and hash-directory see archive members (spec §2.6, §3.2): digests equal
 * `sha256sum` of the bytes tar extracts; hash-directory of a folder now archived lists members
 * with the top folder stripped; a corrupt archive is one error line, exit 1.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { makeProject, ODD, OUT, sha256sumOfMember, SUB } from './archiveProject';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

test('hash-file and hash-directory on archived paths match sha256sum of the extracted bytes', () => {
  const p = makeProject(dirs);
  const archive = p.archive('.tar.gz');
  const odd = sha256sumOfMember(archive, `${OUT}/${ODD}`);
  const sub = sha256sumOfMember(archive, `${OUT}/${SUB}`);

  const file = p.clew('hash-file', `${OUT}/${ODD}`);
  assert.equal(file.code, 0, file.err);
  assert.equal(file.out.trim(), odd);
  const asJson = JSON.parse(p.clew('--json', 'hash-file', `${OUT}/${SUB}`).out) as Record<string, string>;
  assert.deepEqual(asJson, { path: `${OUT}/${SUB}`, algorithm: 'sha256', hash: sub, archive });

  for (const target of [OUT, `${OUT}.tar.gz`]) {
    const dir = p.clew('hash-directory', target);
    assert.equal(dir.code, 0, dir.err);
    assert.equal(dir.out.trim(), `${odd}  ${ODD}\n${sub}  ${SUB}`);
  }
  const top = JSON.parse(p.clew('--json', 'hash-directory', OUT, '--no-recursive').out) as { hashes: Record<string, string> };
  assert.deepEqual(top.hashes, { [ODD]: odd });
  const pattern = JSON.parse(p.clew('--json', 'hash-directory', OUT, '--pattern', 'b*').out) as { hashes: Record<string, string> };
  assert.deepEqual(pattern.hashes, { [SUB]: sub });
});

test('hash-file of a path in no archive, or in a corrupt one: File not found (with the reason), exit 1', () => {
  const p = makeProject(dirs);
  const plain = p.clew('hash-file', `${OUT}/absent.csv`);
  assert.deepEqual([plain.code, plain.err.trim()], [1, `ERROR: File not found: ${OUT}/absent.csv`]);
  fs.rmSync(p.file(OUT), { recursive: true });
  fs.writeFileSync(p.file(`${OUT}.tar.xz`), 'not xz at all');
  const corrupt = p.clew('hash-file', `${OUT}/${ODD}`);
  assert.equal(corrupt.code, 1);
  assert.match(corrupt.err, /File not found: .*\(cannot read archive .*out dir\.tar\.xz/);
  const dir = p.clew('hash-directory', OUT);
  assert.equal(dir.code, 1);
  assert.match(dir.err, /ERROR: cannot read archive .*out dir\.tar\.xz/);
});
