/**
 * The CLI's output (src/cli/io.ts): written straight to descriptors 1 and 2, whole and in order
 * however large, no colour into a pipe, and quiet when the reader goes away (`clew … | head -1`).
 * Real child processes writing into real pipes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { processIo } from '../../src/cli/io';

// Child modes: this bundle run as a child writes through processIo and ends as the CLI does,
// letting the event loop drain (no process.exit). node:test has touched process.stdout by now,
// which leaves a pipe non-blocking: the EAGAIN fallback to the stream is exercised too.
const mode = process.env.CLEW_IO_PROBE;
if (mode === 'large') {
  const io = processIo();
  for (let i = 0; i < 2000; i++) io.out(`line ${i} ${'x'.repeat(1000)}`);
  io.out(`color=${io.color}`);
  io.err('done');
} else if (mode === 'endless') {
  const io = processIo();
  for (let i = 0; i < 200_000; i++) io.out(`line ${i} ${'y'.repeat(200)}`);
  io.err('survived');
} else {
  registerTests();
}

function registerTests(): void {

test('2 MB through a pipe: every line, in order, then what the stream wrote after; no colour into a pipe', () => {
  const r = spawnSync(process.execPath, [__filename], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CLEW_IO_PROBE: 'large' } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 2001);
  lines.slice(0, 2000).forEach((l, i) => assert.ok(l.startsWith(`line ${i} x`), `line ${i}`));
  assert.equal(lines[2000], 'color=false');
  assert.equal(r.stderr, 'done\n');
});

test('the reader closes the pipe early: the writer drops the rest and exits 0, without an EPIPE trace', async () => {
  const child = spawn(process.execPath, [__filename], { env: { ...process.env, CLEW_IO_PROBE: 'endless' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.equal(stderr, 'survived\n');
});
}
