import path from 'node:path';
import type { Knex } from 'knex';
import { openDatabase } from '../../db';
import { appendEntries, type AppendInput } from '../../db/journal';
import { tmpDir } from './tmp';

/** A real SQLite file in a fresh folder, migrated. */
export async function freshDb(): Promise<{ db: Knex; file: string; dir: string; cleanup: () => Promise<void> }> {
  const t = tmpDir('csu-db-');
  const file = path.join(t.dir, 'console.sqlite');
  const db = await openDatabase(file);
  return {
    db,
    file,
    dir: t.dir,
    cleanup: async () => {
      await db.destroy();
      t.cleanup();
    },
  };
}

let n = 0;
/** A valid accepted request + started transmission for a grant starting at `startsAt`. */
export function grantEntries(startsAt: number, opts: { grantId?: string; durationMin?: number; siteId?: string; serviceId?: string; motive?: any; justification?: string } = {}): AppendInput[] {
  const grantId = opts.grantId ?? `grant-${++n}`;
  const durationMin = opts.durationMin ?? 120;
  return [
    {
      kind: 'request.accepted',
      actor: 'OP101',
      ts: startsAt,
      payload: {
        grantId,
        siteId: opts.siteId ?? 'tripode',
        siteName: opts.siteId === 'bobinet-sellier' ? 'Bobinet-Sellier' : 'Résidence du Tripode',
        conventionId: 'conv-tripode-2026',
        cameras: [{ id: 'tripode-hall-arcade', label: "Hall — 1 rue de l'Arcade", zone: 'hall' }],
        motive: opts.motive ?? 'degradations',
        justification: opts.justification ?? 'Dégradations signalées dans le hall ce soir.',
        durationMin,
        serviceId: opts.serviceId ?? 'pm-charenton',
        serviceName: 'Police municipale de Charenton-le-Pont — CSU',
        operator: { matricule: 'OP101', name: 'Camille Durand' },
        startsAt,
        endsAt: startsAt + durationMin * 60000,
      },
    },
    { kind: 'transmission.started', actor: 'OP101', ts: startsAt, payload: { grantId, startedAt: startsAt } },
  ];
}

export async function appendGrant(db: Knex, consoleId: string, startsAt: number, opts: Parameters<typeof grantEntries>[1] = {}) {
  return appendEntries(db, consoleId, grantEntries(startsAt, opts));
}
