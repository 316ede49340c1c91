import type { Knex } from 'knex';
import { appendEntry, entriesAfter, verifyChain } from '../../db/journal';
import { saveMirrorAck } from '../../db/mirror-state';
import { Mirror, type MirrorStatus } from '../../main/mirror/mirror';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { waitFor } from '../helpers/ws-client';

/** A server restored from a backup is caught up again (GET /ack, resend, journaled); a real divergence stops with its seq. */
const clock = { now: () => Date.now() };
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);

async function fill(db: Knex, consoleId: string, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) await appendGrant(db, consoleId, T0 + i * 60000, { grantId: `${consoleId}-g${i}` });
}

function mirrorFor(db: Knex, consoleId: string, url: string, token: string, statuses: MirrorStatus[]) {
  return new Mirror({ db, consoleId, serverUrl: url, token, clock, log: silent, onStatus: (s) => statuses.push(s), batchMax: 40, timeoutMs: 2000, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
}

describe.each(['sqlite', 'postgres'] as const)('recovery on %s', (kind) => {
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

  test('the central database restored from a backup (its last 30 rows gone): the mirror resends from GET /ack and says so in the journal', async () => {
    const local = await freshDb();
    try {
      const token = await issueToken(central.db, 'consoles', 'poste-r', Date.now());
      await fill(local.db, 'poste-r', 0, 50);
      const statuses: MirrorStatus[] = [];
      const m1 = mirrorFor(local.db, 'poste-r', central.url, token, statuses);
      m1.start();
      await waitFor(() => m1.current?.state === 'synchronised', 20000, 'first sync');
      await m1.stop();
      // The restore: the server's copy ends at seq 70, with its registry as it was then.
      await central.db('journal').where({ console_id: 'poste-r' }).andWhere('seq', '>', 70).delete();
      await central.db('registry').where({ console_id: 'poste-r' }).andWhere('accepted_seq', '>', 70).delete();
      await fill(local.db, 'poste-r', 50, 60);

      const m2 = mirrorFor(local.db, 'poste-r', central.url, token, statuses);
      m2.start();
      await waitFor(() => m2.current?.state === 'synchronised', 20000, 'caught up after the restore');
      await m2.stop();
      expect(statuses.some((s) => s.state === 'conflict')).toBe(false);
      const resyncs = await local.db('journal').where({ console_id: 'poste-r', kind: 'mirror.resync' });
      expect(resyncs).toHaveLength(1);
      expect(JSON.parse(resyncs[0].payload)).toEqual({ serverSeq: 70, ackedSeq: 100 });
      // Exactly the console's journal, in order, with the resync entry itself.
      const mine = await entriesAfter(local.db, 'poste-r', 0, 1000);
      const onServer = await central.db('journal').where({ console_id: 'poste-r' }).orderBy('seq').select('seq', 'hash');
      expect(onServer.map((r: { seq: number; hash: string }) => ({ seq: Number(r.seq), hash: r.hash }))).toEqual(mine.map((e) => ({ seq: e.seq, hash: e.hash })));
      expect(await central.db('registry').where({ console_id: 'poste-r' }).count({ n: '*' }).first()).toMatchObject({ n: kind === 'postgres' ? '60' : 60 });
      expect(await verifyChain(local.db, 'poste-r')).toMatchObject({ ok: true });
    } finally {
      await local.cleanup();
    }
  }, 60000);

  test('a server behind with a different history is a divergence: stopped, journaled once with its seq and kind', async () => {
    const local = await freshDb();
    const other = await freshDb();
    try {
      const token = await issueToken(central.db, 'consoles', 'poste-d', Date.now());
      // The server holds 6 entries of another history for this console.
      await fill(other.db, 'poste-d', 100, 103);
      const r = await fetch(`${central.url}/v1/consoles/poste-d/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ entries: await entriesAfter(other.db, 'poste-d', 0, 10) }) });
      expect(r.status).toBe(200);
      // This console believes the server acknowledged its first 10 entries.
      await fill(local.db, 'poste-d', 0, 8);
      const tenth = (await entriesAfter(local.db, 'poste-d', 9, 1))[0]!;
      await saveMirrorAck(local.db, 'poste-d', { seq: 10, hash: tenth.hash, at: Date.now() });
      const statuses: MirrorStatus[] = [];
      const m = mirrorFor(local.db, 'poste-d', central.url, token, statuses);
      m.start();
      await waitFor(() => m.current?.state === 'conflict', 20000, 'conflict');
      await m.stop();
      expect(m.current).toMatchObject({ state: 'conflict', kind: 'divergence', seq: 6, expectedSeq: 7, ackedSeq: 10 });
      const again = mirrorFor(local.db, 'poste-d', central.url, token, statuses);
      again.start();
      await waitFor(() => again.current?.state === 'conflict', 20000, 'conflict again');
      await again.stop();
      const conflicts = await local.db('journal').where({ console_id: 'poste-d', kind: 'mirror.conflict' });
      expect(conflicts).toHaveLength(1);
      expect(JSON.parse(conflicts[0].payload)).toMatchObject({ kind: 'divergence', seq: 6 });
      expect(await local.db('journal').where({ console_id: 'poste-d', kind: 'mirror.resync' })).toEqual([]);
      expect(await central.db('journal').where({ console_id: 'poste-d' }).count({ n: '*' }).first()).toMatchObject({ n: kind === 'postgres' ? '6' : 6 });
    } finally {
      await local.cleanup();
      await other.cleanup();
    }
  }, 60000);

  test('a different entry at a stored seq says where: seq of the entry, not the next seq', async () => {
    const local = await freshDb();
    const other = await freshDb();
    try {
      const token = await issueToken(central.db, 'consoles', 'poste-e', Date.now());
      await fill(other.db, 'poste-e', 200, 210);
      await fetch(`${central.url}/v1/consoles/poste-e/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ entries: await entriesAfter(other.db, 'poste-e', 0, 100) }) });
      await fill(local.db, 'poste-e', 0, 1);
      await appendEntry(local.db, 'poste-e', { kind: 'session.opened', actor: 'OP101', ts: T0, payload: { matricule: 'OP101' } });
      const statuses: MirrorStatus[] = [];
      const m = mirrorFor(local.db, 'poste-e', central.url, token, statuses);
      m.start();
      await waitFor(() => m.current?.state === 'conflict', 20000, 'conflict');
      await m.stop();
      expect(m.current).toMatchObject({ state: 'conflict', kind: 'divergence', seq: 1, expectedSeq: 21 });
    } finally {
      await local.cleanup();
      await other.cleanup();
    }
  }, 60000);
});
