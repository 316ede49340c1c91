// `npm run bench -- <name>`: bundles test/bench/<name>.ts with esbuild and runs it. Each bench
// writes bench-results/<name>.json ({ name, metrics, env }) and prints a table (test/bench/report.ts).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = path.join(root, 'test', 'bench');
const available = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>   (available: ${available.join(', ') || 'none'})`);
  process.exit(2);
}
const entry = path.join(benchDir, `${name}.bench.ts`);
const out = path.join(root, 'dist', 'bench', `${name}.js`);
if (!existsSync(entry)) process.exit(2);
await build({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: true, logLevel: 'warning' });
const r = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', out, ...rest], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
