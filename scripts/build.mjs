// Builds main, preload, renderer and server with esbuild: one tool, no Electron binary needed.
import { build } from 'esbuild';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const define = {
  __APP_VERSION__: JSON.stringify(pkg.version),
  __BUILD_TIME__: JSON.stringify(new Date().toISOString()),
};
const production = process.env.NODE_ENV === 'production';

rmSync(out, { recursive: true, force: true });
mkdirSync(path.join(out, 'renderer'), { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  define,
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  // Main: dependencies stay in node_modules (native sqlite3, knex's dialect loading).
  build({
    ...node,
    entryPoints: { index: 'main/index.ts', headless: 'main/headless.ts', 'admin-cli': 'main/admin/cli.ts' },
    outdir: path.join(out, 'main'),
    packages: 'external',
  }),
  // The offline verifier is a bin of this package (`npx csu-verify bundle.zip`): a script with its interpreter line.
  build({
    ...node,
    entryPoints: { verify: 'main/review/verify-cli.ts' },
    outdir: path.join(out, 'main'),
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
  }),
  build({
    ...node,
    entryPoints: { cli: 'server/cli.ts', embedded: 'server/embedded.ts' },
    outdir: path.join(out, 'server'),
    packages: 'external',
  }),
  // Sandboxed preload: it may require only 'electron', so everything else is bundled in.
  build({
    ...node,
    entryPoints: { index: 'preload/index.ts' },
    outdir: path.join(out, 'preload'),
    external: ['electron'],
  }),
  build({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    sourcemap: true,
    minify: production,
    define: { ...define, 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    jsx: 'automatic',
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: { app: 'renderer/main.tsx', 'preload-web': 'preload/web.ts' },
    outdir: path.join(out, 'renderer'),
  }),
]);

for (const f of ['index.html', 'styles.css']) cpSync(path.join(root, 'renderer', f), path.join(out, 'renderer', f));
cpSync(path.join(root, 'assets', 'icon.svg'), path.join(out, 'renderer', 'icon.svg'));
chmodSync(path.join(out, 'main', 'verify.js'), 0o755);
