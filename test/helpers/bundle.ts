import { buildSync } from 'esbuild';
import path from 'node:path';
import { repoRoot } from './tmp';

/** Bundles a TypeScript fixture for a child process; node_modules stay external (resolved from dist/). */
export function bundleFixture(entry: string): string {
  const out = path.join(repoRoot, 'dist', 'test-fixtures', path.basename(entry).replace(/\.ts$/, '.js'));
  buildSync({ entryPoints: [path.join(repoRoot, entry)], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  return out;
}
