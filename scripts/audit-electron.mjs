// Electron security scan (@doyensec/electronegativity) over main/ and preload/. Fails on any finding.
// Its CLI does not read its options with the commander version npm hoists here, so the scanner
// (runner) is called directly with the same options.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = require('electron/package.json').version;

// Scanned together, as one application: navigation limits and permission handlers live in
// main/, the CSP meta tag in renderer/index.html, the preload in preload/.
const input = mkdtempSync(path.join(os.tmpdir(), 'csu-audit-'));
cpSync(path.join(root, 'main'), path.join(input, 'main'), { recursive: true });
cpSync(path.join(root, 'preload'), path.join(input, 'preload'), { recursive: true });
cpSync(path.join(root, 'renderer', 'index.html'), path.join(input, 'renderer', 'index.html'));

let findings = 0;
let hardErrors = 0;
{
  const r = await run({
    input,
    customScan: [],
    excludeFromScan: [],
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  });
  const errors = r.errors.filter((e) => !e.tolerable);
  hardErrors += errors.length;
  for (const e of errors) console.error(`parse error ${path.relative(input, e.file)}: ${e.message}`);
  for (const i of r.issues) {
    findings++;
    console.log(`${i.id}\t${i.severity?.name ?? i.severity}\t${i.file}:${i.location?.line ?? '?'}\t${i.description ?? ''}`);
  }
  console.log(`main/ + preload/ + renderer/index.html: ${r.globalChecks} global and ${r.atomicChecks} atomic checks, ${r.issues.length} finding(s), ${errors.length} parse error(s)`);
}
rmSync(input, { recursive: true, force: true });
if (findings > 0 || hardErrors > 0) {
  console.error(`electronegativity: ${findings} finding(s), ${hardErrors} parse error(s)`);
  process.exit(1);
}
console.log('electronegativity: no findings');
