/** Live processes whose command line holds a marker, read straight from /proc (no pgrep needed). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(path.join('/proc', name, 'cmdline'), 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    if (cmdline.includes(marker)) found.push(Number(name));
  }
  return found;
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}
