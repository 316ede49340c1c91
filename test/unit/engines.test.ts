import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/tmp';

/**
 * package.json's `engines` says the truth: every locked dependency accepts the lowest Node of
 * each line the project declares (Node 20 on our machines), so `npm ci` gives no EBADENGINE
 * warning. A dependency that needs a newer Node is pinned or overridden (package.json
 * `overrides`), or the declared engine changes with it.
 */
// semver comes with npm's own tree (no types published with it).
const semver = require('semver') as { satisfies(v: string, range: string): boolean; minVersion(range: string): { version: string } | null };

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };

/** The first version of each line the range admits: 20.19.0, 22.13.0, 24.0.0 for "^20.19.0 || ^22.13.0 || >=24". */
function lowestOfEachLine(range: string): string[] {
  return range.split('||').map((part) => semver.minVersion(part.trim())!.version);
}

describe('engines', () => {
  test('the project runs on Node 20, the Node of our machines', () => {
    expect(semver.satisfies('20.19.0', pkg.engines.node)).toBe(true);
  });

  test.each(lowestOfEachLine(pkg.engines.node))('every locked dependency accepts Node %s', (node) => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(node, p.engines.node))
      .map(([name, p]) => `${name}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
