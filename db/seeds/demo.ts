/**
 * The embedded demo site (DOMAIN.md): Résidence du Tripode (I3F) and Bobinet-Sellier (Valophis
 * Habitat) in Charenton-le-Pont, their conventions for the current year, two receiving services
 * and demo operators. Cameras are `sim:` sources (a labelled test pattern). Loading it twice
 * changes nothing.
 *
 * Demo passwords (demo only, documented in the README): OP101 / demo-operateur,
 * SUP201 / demo-superviseur, OP102 / demo-non-designe (not designated: requests are refused),
 * ADM301 / demo-administrateur (provisions; not designated, so never watches a camera).
 */
import type { Knex } from 'knex';
import { upsertBailleur, upsertCamera, upsertConvention, upsertOperator, upsertService, upsertSite, lastDayOfOneYear, listConventions, parisDay } from '../catalogue';
import { appendEntry } from '../journal';
import { hashPassword } from '../passwords';
import { MOTIVES } from '../motives';

export const DEMO_OPERATORS = [
  { matricule: 'OP101', name: 'Camille Durand', role: 'operateur', designated: true, password: 'demo-operateur' },
  { matricule: 'SUP201', name: 'Nadia Benali', role: 'superviseur', designated: true, password: 'demo-superviseur' },
  { matricule: 'OP102', name: 'Julien Martin', role: 'operateur', designated: false, password: 'demo-non-designe' },
  { matricule: 'ADM301', name: 'Sophie Lefèvre', role: 'administrateur', designated: false, password: 'demo-administrateur' },
] as const;

const DEMO_SITES = [
  { siteId: 'tripode', prefix: 'conv-tripode', parties: ['I3F'] },
  { siteId: 'bobinet-sellier', prefix: 'conv-bobinet', parties: ['Valophis Habitat'] },
] as const;

const PREFECTURE = 'Préfecture du Val-de-Marne';
const MUNICIPALITY = 'Ville de Charenton-le-Pont';

export async function seedDemo(db: Knex, nowMs: number): Promise<void> {
  const year = parisDay(nowMs).slice(0, 4);

  await upsertBailleur(db, { id: 'i3f', name: 'I3F' });
  await upsertBailleur(db, { id: 'valophis', name: 'Valophis Habitat' });
  await upsertService(db, { id: 'pm-charenton', name: 'Police municipale de Charenton-le-Pont — CSU', kind: 'police_municipale' });
  await upsertService(db, { id: 'pn-charenton', name: 'Commissariat de police nationale de Charenton-le-Pont', kind: 'police_nationale' });

  await upsertSite(db, {
    id: 'tripode',
    name: 'Résidence du Tripode',
    bailleurId: 'i3f',
    addresses: ["1 rue de l'Arcade, 94220 Charenton-le-Pont", '7 quai de Bercy, 94220 Charenton-le-Pont', '8 rue du Port au Lion, 94220 Charenton-le-Pont'],
    town: 'Charenton-le-Pont',
    homes: 260,
  });
  await upsertSite(db, {
    id: 'bobinet-sellier',
    name: 'Bobinet-Sellier',
    bailleurId: 'valophis',
    addresses: ['Résidence Bobinet-Sellier, 94220 Charenton-le-Pont'],
    town: 'Charenton-le-Pont',
    homes: 412,
  });

  const tripodeCams = [
    ['tripode-hall-arcade', "Hall — 1 rue de l'Arcade", 'hall'],
    ['tripode-hall-bercy', 'Hall — 7 quai de Bercy', 'hall'],
    ['tripode-hall-port', 'Hall — 8 rue du Port au Lion', 'hall'],
    ['tripode-parking-n1', 'Parking niveau -1', 'parking'],
    ['tripode-parking-n2', 'Parking niveau -2', 'parking'],
    ['tripode-sous-sol', 'Sous-sol — caves', 'sous_sol'],
  ] as const;
  const bobinetCams = [
    ['bobinet-hall-a', 'Hall bâtiment A', 'hall'],
    ['bobinet-hall-b', 'Hall bâtiment B', 'hall'],
    ['bobinet-parking-1', 'Parking extérieur', 'parking'],
    ['bobinet-parking-2', 'Parking souterrain', 'parking'],
  ] as const;
  for (const [siteId, cams] of [['tripode', tripodeCams], ['bobinet-sellier', bobinetCams]] as const) {
    for (const [id, label, zone] of cams) {
      // Demo cameras have a sub stream as most IP cameras do (the relay draws it at half size).
      await upsertCamera(db, { id, siteId, label, zone, sourceUrl: `sim:${label}`, subStreamUrl: `sim:${label}` });
    }
  }

  for (const d of DEMO_SITES) await upsertConvention(db, demoConvention(d, year));

  for (const o of DEMO_OPERATORS) {
    // Never re-hash an existing operator's password: a demo console may have changed it.
    if (await db('operators').where({ matricule: o.matricule }).first()) continue;
    await upsertOperator(db, { matricule: o.matricule, name: o.name, role: o.role, designated: o.designated, passwordHash: await hashPassword(o.password) });
  }
}

function demoConvention(d: (typeof DEMO_SITES)[number], year: string) {
  const validFrom = `${year}-01-01`;
  return { id: `${d.prefix}-${year}`, siteId: d.siteId, parties: [...d.parties, MUNICIPALITY, PREFECTURE], validFrom, validTo: lastDayOfOneYear(validFrom), motives: [...MOTIVES], serviceIds: ['pm-charenton', 'pn-charenton'] };
}

/**
 * The demo's conventions are dated to the year they were seeded in, so a kept demo data folder
 * would refuse every request from 1 January. At each demo start, a demo site whose conventions
 * have all lapsed gets this year's, journaled like any catalogue change. Never used in production,
 * where a convention is renewed by people (CCH R127-8), not by the console.
 */
export async function renewLapsedDemoConventions(db: Knex, consoleId: string, nowMs: number): Promise<string[]> {
  const day = parisDay(nowMs);
  const year = day.slice(0, 4);
  const renewed: string[] = [];
  for (const d of DEMO_SITES) {
    const conventions = await listConventions(db, d.siteId);
    if (conventions.length === 0 || conventions.some((c) => c.validTo >= day)) continue;
    const last = conventions.reduce((a, b) => (a.validTo >= b.validTo ? a : b));
    const next = demoConvention(d, year);
    await upsertConvention(db, next);
    await appendEntry(db, consoleId, {
      kind: 'catalogue.changed',
      actor: 'system',
      ts: nowMs,
      payload: { entity: 'convention', id: next.id, change: 'renewed', before: { id: last.id, validFrom: last.validFrom, validTo: last.validTo }, after: { id: next.id, siteId: next.siteId, validFrom: next.validFrom, validTo: next.validTo } },
    });
    renewed.push(next.id);
  }
  return renewed;
}
