import { appendEntries, entriesAfter } from '../../db/journal';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';

/** Every registry change on the server is scoped by console: a console never touches another's rows. */
const T0 = Date.UTC(2026, 10, 20, 9);

describe.each(['sqlite', 'postgres'] as const)('consoles isolated on %s', (kind) => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;

  beforeAll(async () => {
    dbInfo = await freshCentralDb(kind);
    central = await startCentral(dbInfo.url);
  }, 30000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  const post = (consoleId: string, token: string, body: unknown) =>
    fetch(`${central.url}/v1/consoles/${consoleId}/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  test("a chain-valid entry from console B naming console A's grant changes nothing of A's row", async () => {
    const a = await freshDb();
    const b = await freshDb();
    try {
      const tokenA = await issueToken(central.db, 'consoles', 'poste-ia', Date.now());
      const tokenB = await issueToken(central.db, 'consoles', 'poste-ib', Date.now());
      await appendEntries(a.db, 'poste-ia', grantEntries(T0, { grantId: 'shared-grant' }));
      expect((await post('poste-ia', tokenA, { entries: await entriesAfter(a.db, 'poste-ia', 0, 10) })).status).toBe(200);
      const before = await central.db('registry').where({ console_id: 'poste-ia' }).select();
      expect(before).toHaveLength(1);

      // Console B, with its own valid chain, interrupts and ends « shared-grant », then accepts a grant of the same id.
      await appendEntries(b.db, 'poste-ib', [
        { kind: 'transmission.interrupted', actor: 'system', ts: T0 + 1000, payload: { grantId: 'shared-grant', from: T0, to: T0 + 3600000 } },
        { kind: 'transmission.ended', actor: 'OP101', ts: T0 + 2000, payload: { grantId: 'shared-grant', reason: 'expired', scheduledEndAt: T0 + 2000, observedAt: T0 + 2000, endedAt: T0 + 2000 } },
        ...grantEntries(T0 + 5000, { grantId: 'shared-grant' }),
        { kind: 'transmission.ended', actor: 'OP101', ts: T0 + 6000, payload: { grantId: 'shared-grant', reason: 'expired', scheduledEndAt: T0 + 6000, observedAt: T0 + 6000, endedAt: T0 + 6000 } },
      ]);
      const r = await post('poste-ib', tokenB, { entries: await entriesAfter(b.db, 'poste-ib', 0, 10) });
      expect(r.status).toBe(200);

      // A's row is exactly as it was; B has its own row, ended by its own entry.
      expect(await central.db('registry').where({ console_id: 'poste-ia' }).select()).toEqual(before);
      const rowB = await central.db('registry').where({ console_id: 'poste-ib' }).first();
      expect(rowB).toMatchObject({ grant_id: 'shared-grant', end_reason: 'expired' });
      expect(Number(rowB.ended_at)).toBe(T0 + 6000);
      // A still ends its own grant.
      await appendEntries(a.db, 'poste-ia', [{ kind: 'transmission.ended', actor: 'OP101', ts: T0 + 9000, payload: { grantId: 'shared-grant', reason: 'stopped_by_operator', scheduledEndAt: T0 + 9000, observedAt: T0 + 9000, endedAt: T0 + 9000, stoppedBy: 'OP101' } }]);
      expect((await post('poste-ia', tokenA, { entries: await entriesAfter(a.db, 'poste-ia', 2, 10) })).status).toBe(200);
      const rowA = await central.db('registry').where({ console_id: 'poste-ia' }).first();
      expect(rowA).toMatchObject({ end_reason: 'stopped_by_operator' });
      expect(Number(rowA.interrupted_ms)).toBe(0);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  }, 30000);
});
