import { appendEntries, entriesAfter } from '../../db/journal';
import { entryHash } from '../../db/journal-codec';
import { newSigningKey, signHead, verifyHead } from '../../db/journal-signature';
import { Mirror, type MirrorStatus } from '../../main/mirror/mirror';
import { addSignedConsole } from '../../server/enrolment';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { appendGrant, freshDb, grantEntries } from '../helpers/db';
import { waitFor } from '../helpers/ws-client';

/** Signed entries: a console enrols its Ed25519 key with a one-time code; a stolen token alone cannot append. */
const clock = { now: () => Date.now() };
const silent = { info() {}, warn() {}, error() {} };
const T0 = Date.UTC(2026, 10, 20, 9);

describe.each(['sqlite', 'postgres'] as const)('signed entries on %s', (kind) => {
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

  const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${central.url}/v1/consoles/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });

  test('the mirror enrols its key with the code, signs every batch; the server keeps and checks the signatures', async () => {
    const local = await freshDb();
    try {
      const { token, code } = await addSignedConsole(central.db, 'poste-sig', Date.now());
      const key = newSigningKey();
      for (let i = 0; i < 30; i++) await appendGrant(local.db, 'poste-sig', T0 + i * 60000, { grantId: `sig-${i}` });
      const statuses: MirrorStatus[] = [];
      const m = new Mirror({ db: local.db, consoleId: 'poste-sig', serverUrl: central.url, token, signing: { privateKeyPem: key.privateKeyPem, enrolmentCode: () => code }, clock, log: silent, onStatus: (s) => statuses.push(s), batchMax: 25, backoffMinMs: 20, backoffMaxMs: 300, pollMs: 50 });
      m.start();
      await waitFor(() => m.current?.state === 'synchronised', 20000, 'synchronised');
      await m.stop();
      const stored = await central.db('consoles').where({ id: 'poste-sig' }).first('public_key', 'enrolment_sha256');
      expect(stored).toEqual({ public_key: key.publicKeyPem, enrolment_sha256: null });
      // One signature per batch of 25, on its last entry; each verifies with the public key alone.
      const signed = await central.db('journal').where({ console_id: 'poste-sig' }).whereNotNull('signature').orderBy('seq').select('seq', 'hash', 'signature');
      expect(signed.map((r: { seq: number }) => Number(r.seq))).toEqual([25, 50, 60]);
      for (const r of signed) expect(verifyHead(key.publicKeyPem, 'poste-sig', Number(r.seq), r.hash, r.signature)).toBe(true);
      // The code was for one use.
      expect((await post('poste-sig/key', token, { code, publicKey: newSigningKey().publicKeyPem })).status).toBe(409);
    } finally {
      await local.cleanup();
    }
  }, 60000);

  test('with the token but not the key: unsigned, badly signed or replayed-signature batches are refused, nothing stored', async () => {
    const local = await freshDb();
    try {
      const { token, code } = await addSignedConsole(central.db, 'poste-vol', Date.now());
      // Before enrolment nothing is accepted, and a wrong code enrols nothing.
      await appendEntries(local.db, 'poste-vol', grantEntries(T0, { grantId: 'vol-1' }));
      const entries = await entriesAfter(local.db, 'poste-vol', 0, 10);
      expect(await (await post('poste-vol/journal', token, { entries })).json()).toEqual({ error: 'not enrolled' });
      expect((await post('poste-vol/key', token, { code: 'x'.repeat(16), publicKey: newSigningKey().publicKeyPem })).status).toBe(401);
      expect((await post('poste-vol/key', token, { code, publicKey: 'not a key'.repeat(5) })).status).toBe(400);
      const real = newSigningKey();
      expect((await post('poste-vol/key', token, { code, publicKey: real.publicKeyPem })).status).toBe(200);

      const head = entries[entries.length - 1]!;
      const good = signHead(real.privateKeyPem, 'poste-vol', head.seq, head.hash);
      expect((await post('poste-vol/journal', token, { entries: entries.slice(0, 1) })).status).toBe(401);
      const forger = newSigningKey();
      expect((await post('poste-vol/journal', token, { entries }, { 'x-csu-signature': signHead(forger.privateKeyPem, 'poste-vol', head.seq, head.hash) })).status).toBe(401);
      expect((await post('poste-vol/journal', token, { entries }, { 'x-csu-signature': 'AAAA' })).status).toBe(401);
      // A genuine signature of entry 2 does not cover a re-hashed forgery at entry 2.
      const forged = { ...head, actor: 'OP999' };
      const rehashed = { ...forged, hash: entryHash(forged) };
      expect((await post('poste-vol/journal', token, { entries: [entries[0], rehashed] }, { 'x-csu-signature': good })).status).toBe(401);
      expect(await central.db('journal').where({ console_id: 'poste-vol' })).toEqual([]);
      // The real console, with its key, is not locked out by any of that.
      expect((await post('poste-vol/journal', token, { entries }, { 'x-csu-signature': good })).status).toBe(200);
    } finally {
      await local.cleanup();
    }
  }, 60000);
});
