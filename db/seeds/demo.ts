/**
 * The embedded demo site (DOMAIN.md): Résidence du Tripode (I3F) and Bobinet-Sellier (Valophis
 * Habitat) in Charenton-le-Pont, their conventions for the current year, two receiving services
 * and demo operators. Cameras are `sim:` sources (a labelled test pattern). Loading it twice
 * changes nothing.
 *
 * Demo passwords (demo only, documented in the README): OP101 / demo-operateur,
 * SUP201 / demo-superviseur, OP102 / demo-non-designe (not designated: requests are refused).
 */
import type { Knex } from 'knex';
import { upsertBailleur, upsertCamera, upsertConvention, upsertOperator, upsertService, upsertSite, lastDayOfOneYear, parisDay } from '../catalogue';
import { hashPassword } from '../passwords';
import { MOTIVES } from '../motives';

export const DEMO_OPERATORS = [
  { matricule: 'OP101', name: 'Camille Durand', role: 'operateur', designated: true, password: 'demo-operateur' },
  { matricule: 'SUP201', name: 'Nadia Benali', role: 'superviseur', designated: true, password: 'demo-superviseur' },
  { matricule: 'OP102', name: 'Julien Martin', role: 'operateur', designated: false, password: 'demo-non-designe' },
] as const;

const PREFECTURE = 'Préfecture du Val-de-Marne';
const MUNICIPALITY = 'Ville de Charenton-le-Pont';

export async function seedDemo(db: Knex, nowMs: number): Promise<void> {
  const year = parisDay(nowMs).slice(0, 4);
  const validFrom = `${year}-01-01`;
  const validTo = lastDayOfOneYear(validFrom);

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
      await upsertCamera(db, { id, siteId, label, zone, sourceUrl: `sim:${label}` });
    }
  }

  await upsertConvention(db, {
    id: `conv-tripode-${year}`,
    siteId: 'tripode',
    parties: ['I3F', MUNICIPALITY, PREFECTURE],
    validFrom,
    validTo,
    motives: [...MOTIVES],
    serviceIds: ['pm-charenton', 'pn-charenton'],
  });
  await upsertConvention(db, {
    id: `conv-bobinet-${year}`,
    siteId: 'bobinet-sellier',
    parties: ['Valophis Habitat', MUNICIPALITY, PREFECTURE],
    validFrom,
    validTo,
    motives: [...MOTIVES],
    serviceIds: ['pm-charenton', 'pn-charenton'],
  });

  for (const o of DEMO_OPERATORS) {
    // Never re-hash an existing operator's password: a demo console may have changed it.
    if (await db('operators').where({ matricule: o.matricule }).first()) continue;
    await upsertOperator(db, { matricule: o.matricule, name: o.name, role: o.role, designated: o.designated, passwordHash: await hashPassword(o.password) });
  }
}
