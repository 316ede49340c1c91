import { conventionInForce } from '../../db/catalogue';
import { renewLapsedDemoConventions, seedDemo } from '../../db/seeds/demo';
import { freshDb } from '../helpers/db';

/**
 * A kept demo data folder must not refuse every request from 1 January: the demo's lapsed
 * conventions renew at start, journaled as a catalogue change (real SQLite file).
 */
describe('demo conventions renew when they lapse', () => {
  const seededAt = Date.parse('2026-06-17T12:05:00Z');
  const nextYear = Date.parse('2027-01-01T08:00:00Z');

  test('a demo seeded in 2026 and started on 1 January 2027 gets 2027 conventions, journaled once', async () => {
    const t = await freshDb();
    try {
      await seedDemo(t.db, seededAt);
      expect(await renewLapsedDemoConventions(t.db, 'c-1', seededAt)).toEqual([]);
      expect(await conventionInForce(t.db, 'tripode', nextYear)).toBeUndefined();

      expect(await renewLapsedDemoConventions(t.db, 'c-1', nextYear)).toEqual(['conv-tripode-2027', 'conv-bobinet-2027']);
      expect(await conventionInForce(t.db, 'tripode', nextYear)).toMatchObject({ id: 'conv-tripode-2027', validFrom: '2027-01-01', validTo: '2027-12-31' });
      expect(await conventionInForce(t.db, 'bobinet-sellier', nextYear)).toMatchObject({ id: 'conv-bobinet-2027' });
      const changes = await t.db('journal').where({ kind: 'catalogue.changed' }).orderBy('seq');
      expect(changes.map((c: { payload: string }) => JSON.parse(c.payload))).toEqual([
        expect.objectContaining({ entity: 'convention', id: 'conv-tripode-2027', change: 'renewed', before: expect.objectContaining({ id: 'conv-tripode-2026', validTo: '2026-12-31' }) }),
        expect.objectContaining({ entity: 'convention', id: 'conv-bobinet-2027', change: 'renewed' }),
      ]);
      // A second start the same year changes nothing.
      expect(await renewLapsedDemoConventions(t.db, 'c-1', nextYear + 3600000)).toEqual([]);
      expect(await t.db('journal').where({ kind: 'catalogue.changed' }).count({ n: '*' })).toEqual([{ n: 2 }]);
    } finally {
      await t.cleanup();
    }
  });
});
