import type { Knex } from 'knex';
import { entriesAfter } from '../../db/journal';
import { fitBatch, Mirror, type MirrorStatus } from '../../main/mirror/mirror';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { waitFor } from '../helpers/ws-client';

/** Batches are counted in bytes on the wire, and a 413 splits the batch instead of retrying it. */
const clock = { now: () => Date.now() };
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);
// 1,000 characters of JSON, 3,000 bytes of UTF-8.
const ACCENTED = '€'.repeat(1000);

async function fillAccented(db: Knex, consoleId: string, grants: number): Promise<void> {
  for (let i = 0; i < grants; i++) await appendGrant(db, consoleId, T0 + i * 60000, { grantId: `${consoleId}-g${i}`, justification: ACCENTED });
}

describe.each(['sqlite', 'postgres'] as const)('batch sizes on %s', (kind) => {
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

  test('a batch of accented entries is cut by its UTF-8 bytes, under the limit', async () => {
    const local = await freshDb();
    try {
      await fillAccented(local.db, 'poste-u', 250);
      const entries = await entriesAfter(local.db, 'poste-u', 0, 500);
      const limit = 900 * 1024;
      // Counted in characters this batch fits; in bytes it does not.
      expect(JSON.stringify({ entries }).length).toBeLessThan(limit);
      expect(Buffer.byteLength(JSON.stringify({ entries }))).toBeGreaterThan(limit);
      const { batch, body } = fitBatch(entries, limit);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limit);
      expect(batch.length).toBeLessThan(entries.length);
      expect(JSON.parse(body)).toEqual({ entries: batch });
      // The next entry would not have fitted.
      expect(Buffer.byteLength(JSON.stringify({ entries: entries.slice(0, batch.length + 1) }))).toBeGreaterThan(limit);

      const token = await issueToken(central.db, 'consoles', 'poste-u', Date.now());
      const statuses: MirrorStatus[] = [];
      const m = new Mirror({ db: local.db, consoleId: 'poste-u', serverUrl: central.url, token, clock, log: silent, onStatus: (s) => statuses.push(s), backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'synchronised', 30000, 'synchronised');
      await m.stop();
      expect(statuses.filter((s) => s.state === 'refused' || s.state === 'too_large')).toEqual([]);
      expect(await central.db('journal').where({ console_id: 'poste-u' }).count({ n: '*' })).toEqual([{ n: kind === 'postgres' ? '500' : 500 }]);
    } finally {
      await local.cleanup();
    }
  }, 60000);

  test('a 413 (a console set to send more than the server takes) splits the batch, and the mirror catches up', async () => {
    const local = await freshDb();
    try {
      await fillAccented(local.db, 'poste-v', 250);
      const token = await issueToken(central.db, 'consoles', 'poste-v', Date.now());
      // The same database behind a server that takes at most 256 KiB per request.
      const small = await startCentral(dbInfo.url, 0, { db: central.db, bodyLimit: 256 * 1024 });
      const statuses: MirrorStatus[] = [];
      const m = new Mirror({ db: local.db, consoleId: 'poste-v', serverUrl: small.url, token, clock, log: silent, onStatus: (s) => statuses.push(s), batchBytes: 4 * 1024 * 1024, backoffMinMs: 20, backoffMaxMs: 60000, pollMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'synchronised', 30000, 'synchronised after splitting');
      await m.stop();
      await small.stop();
      expect(statuses.filter((s) => s.state === 'refused' || s.state === 'too_large')).toEqual([]);
      const onServer = await central.db('journal').where({ console_id: 'poste-v' }).orderBy('seq').select('seq');
      expect(onServer.map((r: { seq: number }) => Number(r.seq))).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    } finally {
      await local.cleanup();
    }
  }, 60000);

  test('one entry larger than the server takes is its own state, « lot trop volumineux », not « accès refusé »', async () => {
    const local = await freshDb();
    const tiny = await startCentral(dbInfo.url, 0, { db: central.db, bodyLimit: 2048 });
    try {
      await fillAccented(local.db, 'poste-w', 1);
      const token = await issueToken(central.db, 'consoles', 'poste-w', Date.now());
      const m = new Mirror({ db: local.db, consoleId: 'poste-w', serverUrl: tiny.url, token, clock, log: silent, backoffMinMs: 20, backoffMaxMs: 60000, pollMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'too_large', 30000, 'too large');
      await m.stop();
      expect(m.current).toMatchObject({ state: 'too_large', seq: 1, ackedSeq: 0 });
      expect((m.current as { bytes: number }).bytes).toBeGreaterThan(2048);
    } finally {
      await tiny.stop();
      await local.cleanup();
    }
  }, 60000);
});
