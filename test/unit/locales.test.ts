import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fr from '../../assets/locales/fr.json';
import en from '../../assets/locales/en.json';
import { repoRoot } from '../helpers/tmp';
import { FILE_PROBLEM_CODES } from '../../db/catalogue-file';
import { ENTRY_KINDS } from '../../db/journal-kinds';
import { END_REASONS, ERROR_CODES, MIRROR_CONFLICT_KINDS, MIRROR_STATES, MOTIVES, REFUSAL_CODES, REGISTRY_EVENT_KINDS, ROLES, ZONES, channels, specOf } from '../../preload/contract';

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

  /** Keys the code builds at run time (`errors.${code}`…), which the literal-key scan above cannot see. */
  const dynamicFamilies: [string, readonly string[]][] = [
    ['errors', ERROR_CODES],
    ['refusals', REFUSAL_CODES],
    ['motives', MOTIVES],
    ['zones', ZONES],
    ['roles', ROLES],
    ['registry.ends', END_REASONS],
    ['banners.ended', END_REASONS],
    ['mirror', MIRROR_STATES],
    ['mirror.conflictReasons', MIRROR_CONFLICT_KINDS],
    // i18next reads dots as nesting: journal kinds are looked up with « _ » (request_refused).
    ['importErrors', FILE_PROBLEM_CODES],
    ['review.kinds', ENTRY_KINDS.map((k) => k.replace('.', '_'))],
    ['registryEvents.kinds', REGISTRY_EVENT_KINDS.map((k) => k.replace('.', '_'))],
  ];

  test.each([['fr', fr], ['en', en]] as const)('%s has every dynamic key: each error, refusal, motive, zone, role, end reason, mirror state', (_lng, dict) => {
    const known = new Set(keys(dict));
    const missing: string[] = [];
    for (const [family, codes] of dynamicFamilies) {
      for (const c of codes) {
        const k = `${family}.${c}`;
        if (!known.has(k) && !(known.has(`${k}_one`) && known.has(`${k}_other`))) missing.push(k);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every code a contract method declares has its French message', () => {
    const known = new Set(keys(fr));
    for (const ch of channels()) for (const c of specOf(ch)!.errors) expect([ch, known.has(`errors.${c}`)]).toEqual([ch, true]);
  });

  test('the six motives read exactly as the convention writes them', () => {
    expect(MOTIVES.map((m) => (fr.motives as Record<string, string>)[m])).toEqual([
      "atteintes à l'intégrité physique",
      'vols',
      'dégradations',
      'attroupements',
      'occupations abusives',
      'intervention des services de police (nationale ou municipale)',
    ]);
  });
});
