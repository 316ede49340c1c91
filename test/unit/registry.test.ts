import type { Knex } from 'knex';
import { appendEntry } from '../../db/journal';
import { registryRows } from '../../db/registry';
import { appendGrant, freshDb } from '../helpers/db';

const C = 'poste-1';
const JUNE = Date.UTC(2026, 5, 1);
const JULY = Date.UTC(2026, 6, 1);

describe('registry view', () => {
  let env: Awaited<ReturnType<typeof freshDb>>;
  let db: Knex;
  beforeAll(async () => {
    env = await freshDb();
    db = env.db;
    const t1 = Date.UTC(2026, 5, 17, 12, 5);
    await appendGrant(db, C, t1, { grantId: 'g-june', durationMin: 150 });
    await appendEntry(db, C, { kind: 'transmission.ended', actor: 'OP101', ts: t1 + 47 * 60000, payload: { grantId: 'g-june', reason: 'stopped_by_operator', scheduledEndAt: t1 + 150 * 60000, observedAt: t1 + 47 * 60000, endedAt: t1 + 47 * 60000 } });
    // A second end for the same grant must not rewrite the first.
    await appendEntry(db, C, { kind: 'transmission.ended', actor: 'system', ts: t1 + 150 * 60000, payload: { grantId: 'g-june', reason: 'expired', scheduledEndAt: t1 + 150 * 60000, observedAt: t1 + 150 * 60000, endedAt: t1 + 150 * 60000 } });
    await appendGrant(db, C, Date.UTC(2026, 5, 20, 8), { grantId: 'g-june-2', siteId: 'bobinet-sellier', serviceId: 'pn-charenton', motive: 'vols' });
    await appendGrant(db, C, Date.UTC(2026, 6, 2, 8), { grantId: 'g-july' });
  });
  afterAll(() => env.cleanup());

  test('one row per grant with granted and effective durations and how it ended', async () => {
    const rows = await registryRows(db, { from: JUNE, to: JULY });
    expect(rows.map((r) => r.grantId)).toEqual(['g-june', 'g-june-2']);
    expect(rows[0]).toMatchObject({ grantedMin: 150, effectiveMin: 47, endReason: 'stopped_by_operator', serviceName: 'Police municipale de Charenton-le-Pont — CSU', motive: 'degradations', siteName: 'Résidence du Tripode', operatorMatricule: 'OP101' });
    expect(rows[0]!.cameras).toEqual([{ id: 'tripode-hall-arcade', label: "Hall — 1 rue de l'Arcade", zone: 'hall' }]);
    expect(rows[1]).toMatchObject({ effectiveMin: null, endReason: null });
  });

  test('filters by site, service and motive', async () => {
    expect((await registryRows(db, { siteId: 'bobinet-sellier' })).map((r) => r.grantId)).toEqual(['g-june-2']);
    expect((await registryRows(db, { serviceId: 'pm-charenton' })).map((r) => r.grantId)).toEqual(['g-june', 'g-july']);
    expect((await registryRows(db, { motive: 'vols' })).map((r) => r.grantId)).toEqual(['g-june-2']);
    expect(await registryRows(db, { motive: 'attroupements' })).toEqual([]);
  });
});
