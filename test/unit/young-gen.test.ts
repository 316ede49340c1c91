import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';

/**
 * main/young-gen.ts in a fresh Node process (a V8 flag is process-wide, and Jest's own heap has
 * grown long before a test runs): a steady flow of short-lived objects, some of which survive a
 * while (as the relay's pieces do), grows V8's young generation to 32 MB unless it is bounded.
 */
function youngGenAfterFlow(env: Record<string, string>): { bounded: boolean; newSpaceMb: number } {
  const dir = mkdtempSync(path.join(tmpdir(), 'csu-young-gen-'));
  try {
    const src = readFileSync(path.join(__dirname, '../../main/young-gen.ts'), 'utf8');
    writeFileSync(path.join(dir, 'young-gen.js'), transformSync(src, { loader: 'ts', format: 'cjs' }).code);
    const driver = `
      const { boundYoungGeneration, newSpaceBytes } = require('./young-gen.js');
      const bounded = boundYoungGeneration();
      const ring = new Array(20000);
      for (let i = 0; i < 4e6; i++) ring[i % ring.length] = { b: Buffer.allocUnsafe(64), i, s: 'piece ' + i };
      process.stdout.write(JSON.stringify({ bounded, newSpaceMb: newSpaceBytes() / 2 ** 20 }));
    `;
    const r = spawnSync(process.execPath, ['-e', driver], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60000 });
    if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as { bounded: boolean; newSpaceMb: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("main's young generation stays at its starting size under a steady flow; V8's default lets it grow", () => {
  const bounded = youngGenAfterFlow({});
  const defaults = youngGenAfterFlow({ CSU_V8_DEFAULTS: '1' });
  expect(bounded.bounded).toBe(true);
  expect(defaults.bounded).toBe(false);
  expect(bounded.newSpaceMb).toBeLessThanOrEqual(2);
  // Without the bound the same flow takes it well past that (to 32 MB on Node 20).
  expect(defaults.newSpaceMb).toBeGreaterThanOrEqual(8);
}, 120000);
