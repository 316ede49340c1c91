import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fr from '../../renderer/i18n/locales/fr.json';
import en from '../../renderer/i18n/locales/en.json';
import { repoRoot } from '../helpers/tmp';

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

describe('locales', () => {
  test('French and English have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(fr).sort());
  });

  test('no French value is empty', () => {
    const flat = keys(fr);
    const get = (k: string) => k.split('.').reduce<any>((o, p) => o[p], fr);
    for (const k of flat) expect(String(get(k)).trim()).not.toBe('');
  });

  test('every literal key the code asks for exists in fr.json', () => {
    const known = new Set(keys(fr));
    const files = [...sources(path.join(repoRoot, 'renderer')), ...sources(path.join(repoRoot, 'main'))];
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) {
        const k = m[1]!;
        // i18next plurals: a key asked with { count } lives as key_one / key_other.
        if (!known.has(k) && !(known.has(`${k}_one`) && known.has(`${k}_other`))) missing.push(`${path.relative(repoRoot, f)}: ${k}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
