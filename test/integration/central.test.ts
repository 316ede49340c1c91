import type { Knex } from 'knex';
import { appendEntry, entriesAfter, verifyChain } from '../../db/journal';
import { canonicalJson, entryHash } from '../../db/journal-codec';
import { Mirror, type MirrorStatus } from '../../main/mirror/mirror';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, startFaultProxy, type Central } from '../helpers/central';
import { appendGrant, freshDb } from '../helpers/db';
import { waitFor } from '../helpers/ws-client';

/** The same suite on real PostgreSQL (started by .ci/run) and on SQLite (the embedded demo). */
const clock = { now: () => Date.now() };
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);

async function fill(db: Knex, consoleId: string, grants: number): Promise<void> {
  for (let i = 0; i < grants; i++) await appendGrant(db, consoleId, T0 + i * 60000, { grantId: `${consoleId}-g${i}` });
}

async function serverEntries(central: Central, consoleId: string) {
  const rows = await central.db('journal').where({ console_id: consoleId }).orderBy('seq');
  return rows.map((r: any) => ({ seq: Number(r.seq), hash: r.hash }));
}

function mirrorFor(db: Knex, consoleId: string, serverUrl: string, token: string, statuses: MirrorStatus[] = []) {
  return new Mirror({ db, consoleId, serverUrl, token, clock, log: silent, onStatus: (s) => statuses.push(s), batchMax: 50, timeoutMs: 800, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
}

describe.each(['sqlite', 'postgres'] as const)('central server and mirror on %s', (kind) => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let tokenA: string;
  let tokenB: string;
  let reader: string;

  beforeAll(async () => {
    dbInfo = await freshCentralDb(kind);
    central = await startCentral(dbInfo.url);
    tokenA = await issueToken(central.db, 'consoles', 'poste-a', Date.now());
    tokenB = await issueToken(central.db, 'consoles', 'poste-b', Date.now());
    reader = await issueToken(central.db, 'readers', 'superviseur', Date.now());
  }, 30000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  const post = (consoleId: string, token: string | undefined, body: unknown) =>
    fetch(`${central.url}/v1/consoles/${consoleId}/journal`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  test('a batch sent twice is stored once; refusals store nothing', async () => {
    const local = await freshDb();
    try {
      await fill(local.db, 'poste-a', 3);
      const entries = await entriesAfter(local.db, 'poste-a', 0, 100);
      const r1 = await post('poste-a', tokenA, { entries });
      expect(r1.status).toBe(200);
      expect(await r1.json()).toMatchObject({ ackSeq: 6, stored: 6 });
      const r2 = await post('poste-a', tokenA, { entries });
      expect(await r2.json()).toMatchObject({ ackSeq: 6, stored: 0 });
      expect((await serverEntries(central, 'poste-a')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);

      await appendEntry(local.db, 'poste-a', { kind: 'session.opened', actor: 'OP101', ts: T0, payload: { matricule: 'OP101' } });
      const next = await entriesAfter(local.db, 'poste-a', 6, 10);
      expect((await post('poste-a', undefined, { entries: next })).status).toBe(401);
      expect((await post('poste-a', 'x'.repeat(43), { entries: next })).status).toBe(401);
      expect((await post('poste-a', tokenB, { entries: next })).status).toBe(403);
      expect((await post('poste-a', tokenA, '{"entries": [')).status).toBe(400);
      expect((await post('poste-a', tokenA, { entries: next, extra: 1 })).status).toBe(400);
      expect((await post('poste-a', tokenA, { entries: [{ ...next[0], seq: 'seven' }] })).status).toBe(400);
      expect((await post('poste-a', tokenA, { entries: Array(501).fill(next[0]) })).status).toBe(413);
      expect((await post('poste-a', tokenA, { entries: [{ ...next[0], payload: { matricule: 'X'.repeat(1024 * 1024) } }] })).status).toBe(413);
      const tampered = { ...next[0]!, payload: { matricule: 'OP999' } };
      const r409 = await post('poste-a', tokenA, { entries: [tampered] });
      expect(r409.status).toBe(409);
      expect(await r409.json()).toMatchObject({ expectedSeq: 7 });
      // A re-hashed tampered entry still does not chain... unless it is consistent; a gap is refused too.
      const gap = { ...next[0]!, seq: 8 };
      const rgap = await post('poste-a', tokenA, { entries: [{ ...gap, hash: entryHash(gap) }] });
      expect(rgap.status).toBe(409);
      // A different entry at a stored seq.
      const stored2 = entries[1]!;
      const forged = { ...stored2, actor: 'OP999' };
      expect((await post('poste-a', tokenA, { entries: [{ ...forged, hash: entryHash(forged) }] })).status).toBe(409);
      // An entry edited in the console's file but sent with its old hash: the server compares the
      // whole canonical entry it holds, and names what differs.
      const edited = { ...entries[2]!, payload: { ...(entries[2]!.payload as Record<string, unknown>), justification: 'Motif réécrit après coup par quelqu’un.' } };
      const rEdited = await post('poste-a', tokenA, { entries: [edited] });
      expect(rEdited.status).toBe(409);
      expect(await rEdited.json()).toMatchObject({ expectedSeq: 7, reason: 'different entry at stored seq 3: payload' });
      const rActor = await post('poste-a', tokenA, { entries: [{ ...entries[3]!, actor: 'OP999', ts: entries[3]!.ts + 1 }] });
      expect(await rActor.json()).toMatchObject({ reason: 'different entry at stored seq 4: ts, actor' });
      // The very same entries again are still acknowledged, on both databases.
      expect(await (await post('poste-a', tokenA, { entries: entries.slice(0, 3) })).json()).toMatchObject({ ackSeq: 6, stored: 0 });
      expect((await serverEntries(central, 'poste-a')).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      const ack = await fetch(`${central.url}/v1/consoles/poste-a/ack`, { headers: { authorization: `Bearer ${tokenA}` } });
      expect(await ack.json()).toEqual({ seq: 6, hash: entries[5]!.hash, signing: { required: false, publicKey: null } });
      const reg = await fetch(`${central.url}/v1/registry?consoleId=poste-a`, { headers: { authorization: `Bearer ${reader}` } });
      expect(((await reg.json()) as { rows: unknown[] }).rows).toHaveLength(3);
      expect((await fetch(`${central.url}/v1/registry`, { headers: { authorization: `Bearer ${tokenA}` } })).status).toBe(401);
      expect((await fetch(`${central.url}/healthz`)).status).toBe(200);
    } finally {
      await local.cleanup();
    }
  }, 30000);

  test('killed between sending and recording the ack: the resend makes no duplicate; two consoles at once; catch-up after an outage, in order', async () => {
    const a = await freshDb();
    const b = await freshDb();
    try {
      await fill(a.db, 'poste-a2', 5);
      await issueToken(central.db, 'consoles', 'poste-a2', Date.now()).then((t) => (tokenA = t));
      const tokenB2 = await issueToken(central.db, 'consoles', 'poste-b2', Date.now());
      // The batch reaches the server, the console dies before recording the ack.
      expect((await post('poste-a2', tokenA, { entries: await entriesAfter(a.db, 'poste-a2', 0, 100) })).status).toBe(200);
      expect(await a.db('mirror_state').select()).toEqual([]);
      await fill(b.db, 'poste-b2', 40);
      const ma = mirrorFor(a.db, 'poste-a2', central.url, tokenA);
      const mb = mirrorFor(b.db, 'poste-b2', central.url, tokenB2);
      ma.start();
      mb.start();
      await waitFor(() => ma.current?.state === 'synchronised' && mb.current?.state === 'synchronised', 20000, 'both synchronised');

      await central.stop();
      const statuses: MirrorStatus[] = [];
      const ma2 = mirrorFor(a.db, 'poste-a2', central.url, tokenA, statuses);
      await ma.stop();
      ma2.start();
      await fill(a.db, 'poste-a3', 0);
      for (let i = 5; i < 30; i++) await appendGrant(a.db, 'poste-a2', T0 + i * 60000, { grantId: `poste-a2-g${i}` });
      await waitFor(() => statuses.some((s) => s.state === 'offline'), 10000, 'offline');
      await central.start();
      await waitFor(() => ma2.current?.state === 'synchronised', 30000, 'caught up');
      await ma2.stop();
      await mb.stop();
      const onServer = await serverEntries(central, 'poste-a2');
      expect(onServer.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      const local = await entriesAfter(a.db, 'poste-a2', 0, 1000);
      expect(onServer.map((e) => e.hash)).toEqual(local.map((e) => e.hash));
      expect((await serverEntries(central, 'poste-b2')).length).toBe(80);
      expect(await a.db('mirror_state').where({ console_id: 'poste-a2' }).first('acked_seq')).toEqual({ acked_seq: 60 });
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  }, 90000);

  test('through a fault-injecting proxy (500s, timeouts, cut connections): exactly the console entries, chain verified', async () => {
    const local = await freshDb();
    const proxy = await startFaultProxy(central.url, 0.3, ['error500', 'hang', 'cut']);
    try {
      const token = await issueToken(central.db, 'consoles', 'poste-f', Date.now());
      await fill(local.db, 'poste-f', 150);
      const m = mirrorFor(local.db, 'poste-f', proxy.url, token);
      m.start();
      await waitFor(() => m.current?.state === 'synchronised', 60000, 'synchronised through faults');
      await m.stop();
      const onServer = await serverEntries(central, 'poste-f');
      const mine = await entriesAfter(local.db, 'poste-f', 0, 1000);
      expect(onServer).toEqual(mine.map((e) => ({ seq: e.seq, hash: e.hash })));
      // Every kind of fault happened, at least the scripted first three.
      expect(proxy.counts.error500).toBeGreaterThanOrEqual(1);
      expect(proxy.counts.hang).toBeGreaterThanOrEqual(1);
      expect(proxy.counts.cut).toBeGreaterThanOrEqual(1);
      // The server's copy verifies with the shared codec.
      const rows = await central.db('journal').where({ console_id: 'poste-f' }).orderBy('seq');
      let prev: { seq: number; hash: string } | undefined;
      const { checkEntry } = await import('../../db/journal-codec');
      for (const r of rows as any[]) {
        const e = { seq: Number(r.seq), uuid: r.uuid, console_id: r.console_id, ts: Number(r.ts), kind: r.kind, actor: r.actor, payload: JSON.parse(r.payload), prev_hash: r.prev_hash, hash: r.hash };
        expect(checkEntry(e, prev)).toBeUndefined();
        expect(canonicalJson(e.payload)).toBe(r.payload);
        prev = { seq: e.seq, hash: e.hash };
      }
    } finally {
      await proxy.close();
      await local.cleanup();
    }
  }, 90000);

  test('a conflict stops the mirror, is journaled once, and nothing is skipped', async () => {
    const local = await freshDb();
    try {
      const token = await issueToken(central.db, 'consoles', 'poste-c', Date.now());
      await fill(local.db, 'poste-c', 2);
      // The server holds a different history for this console (e.g. a restored old file).
      const other = await freshDb();
      await appendEntry(other.db, 'poste-c', { kind: 'session.opened', actor: 'OP102', ts: T0, payload: { matricule: 'OP102' } });
      expect((await post('poste-c', token, { entries: await entriesAfter(other.db, 'poste-c', 0, 10) })).status).toBe(200);
      await other.cleanup();
      const statuses: MirrorStatus[] = [];
      const m = mirrorFor(local.db, 'poste-c', central.url, token, statuses);
      m.start();
      await waitFor(() => m.current?.state === 'conflict', 10000, 'conflict');
      await m.stop();
      const again = mirrorFor(local.db, 'poste-c', central.url, token);
      again.start();
      await waitFor(() => again.current?.state === 'conflict', 10000, 'conflict again');
      await again.stop();
      const conflicts = await local.db('journal').where({ console_id: 'poste-c', kind: 'mirror.conflict' });
      expect(conflicts).toHaveLength(1);
      expect((await serverEntries(central, 'poste-c')).length).toBe(1);
      expect(await verifyChain(local.db, 'poste-c')).toMatchObject({ ok: true });
    } finally {
      await local.cleanup();
    }
  }, 30000);
});
