import { appendEntries, appendEntry } from '../../db/journal';
import { rebuildRegistryFromJournal, registryDifference } from '../../db/registry-check';
import { appendGrant, freshDb } from '../helpers/db';

const C = 'poste-test';
const T0 = Date.UTC(2026, 5, 17, 12, 5);

describe('registry view checked against the journal (SQL projection)', () => {
  test('the view kept entry by entry equals the SQL projection: accepted, interrupted, ended (first end wins)', async () => {
    const { db, cleanup } = await freshDb();
    try {
      await appendGrant(db, C, T0, { grantId: 'g1' });
      await appendGrant(db, C, T0 + 60000, { grantId: 'g2' });
      await appendEntries(db, C, [
        { kind: 'transmission.interrupted', actor: 'system', ts: T0 + 600000, payload: { grantId: 'g1', from: T0 + 60000, to: T0 + 360000 } },
        { kind: 'transmission.ended', actor: 'system', ts: T0 + 7200000, payload: { grantId: 'g1', reason: 'expired', scheduledEndAt: T0 + 7200000, observedAt: T0 + 7200000, endedAt: T0 + 7200000 } },
        { kind: 'transmission.ended', actor: 'system', ts: T0 + 7300000, payload: { grantId: 'g1', reason: 'fault', scheduledEndAt: T0 + 7200000, observedAt: T0 + 7300000, endedAt: T0 + 7300000 } },
        // After the end: not counted, by either side.
        { kind: 'transmission.interrupted', actor: 'system', ts: T0 + 7400000, payload: { grantId: 'g1', from: T0, to: T0 + 1 } },
      ]);
      await appendEntry(db, C, { kind: 'transmission.interrupted', actor: 'system', ts: T0 + 900000, payload: { grantId: 'g2', from: T0 + 100000, to: T0 + 200000 } });
      expect(await db('registry').orderBy('grant_id').select('grant_id', 'interrupted_ms', 'end_reason')).toEqual([
        { grant_id: 'g1', interrupted_ms: 300000, end_reason: 'expired' },
        { grant_id: 'g2', interrupted_ms: 100000, end_reason: null },
      ]);
      expect(await registryDifference(db)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });

  test('a row removed, another forged, cameras edited: each named by its journal entry; the rebuild restores them', async () => {
    const { db, cleanup } = await freshDb();
    try {
      const [a] = await appendGrant(db, C, T0, { grantId: 'g1' });
      const [b] = await appendGrant(db, C, T0 + 60000, { grantId: 'g2' });
      await db.raw('DROP TRIGGER registry_no_delete');
      await db.raw('DROP TRIGGER registry_no_update');
      await db('registry').where({ grant_id: 'g2' }).delete();
      expect(await registryDifference(db)).toEqual({ grants: 1, firstSeq: b!.seq });
      await rebuildRegistryFromJournal(db);
      expect(await registryDifference(db)).toBeUndefined();
      // Same JSON, other spacing: not a difference.
      const cams = (await db('registry').where({ grant_id: 'g1' }).first()).cameras as string;
      await db('registry').where({ grant_id: 'g1' }).update({ cameras: JSON.stringify(JSON.parse(cams), null, 1) });
      expect(await registryDifference(db)).toBeUndefined();
      await db('registry').where({ grant_id: 'g1' }).update({ cameras: '[]' });
      await db('registry').insert({ ...(await db('registry').where({ grant_id: 'g2' }).first()), grant_id: 'forged', accepted_seq: 999 });
      expect(await registryDifference(db)).toEqual({ grants: 2, firstSeq: a!.seq });
      expect(await rebuildRegistryFromJournal(db)).toBe(2);
      expect(await registryDifference(db)).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});
