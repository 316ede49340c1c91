import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CSP, CSP_META } from '../../main/csp';
import { repoRoot } from '../helpers/tmp';

describe('Content-Security-Policy', () => {
  test('the meta tag of index.html is the header policy (minus frame-ancestors)', () => {
    const html = readFileSync(path.join(repoRoot, 'renderer', 'index.html'), 'utf8');
    const m = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(m?.[1]).toBe(CSP_META);
    expect(CSP).toContain("frame-ancestors 'none'");
  });

  test('no unsafe sources', () => {
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/);
    expect(CSP).toContain("default-src 'none'");
  });
});
