import { Writable } from 'node:stream';
import { appendEntries, entriesAfter } from '../../db/journal';
import { entryHash } from '../../db/journal-codec';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';

/** No 500 from client input; error bodies without SQL or stack; logs without payloads. */
const T0 = Date.UTC(2026, 10, 20, 9);
const SECRET_TEXT = 'Justification confidentielle Zoé Martin-Lefèvre';

function noLeak(text: string): void {
  expect(text).not.toMatch(/select |insert into|update "|\bat .*\.(ts|js):\d+|stack/i);
}

describe.each(['sqlite', 'postgres'] as const)('hostile input on %s', (kind) => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let logs = '';
  let token: string;
  let reader: string;

  beforeAll(async () => {
    dbInfo = await freshCentralDb(kind);
    const logStream = new Writable({ write: (c, _e, cb) => ((logs += String(c)), cb()) });
    central = await startCentral(dbInfo.url, 0, { logger: true, logStream });
    token = await issueToken(central.db, 'consoles', 'poste-h', Date.now());
    reader = await issueToken(central.db, 'readers', 'lecteur-h', Date.now());
  }, 30000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  const post = (consoleId: string, tok: string, body: unknown) =>
    fetch(`${central.url}/v1/consoles/${consoleId}/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  test('a reused uuid is a 409 with a reason (the mirror stops in conflict), not a 500', async () => {
    const local = await freshDb();
    try {
      await appendEntries(local.db, 'poste-h', grantEntries(T0, { grantId: 'h-1', justification: SECRET_TEXT }));
      const [e1, e2] = await entriesAfter(local.db, 'poste-h', 0, 10);
      expect((await post('poste-h', token, { entries: [e1] })).status).toBe(200);
      // Entry 2, chain-valid, but carrying entry 1's uuid.
      const reuse = { ...e2!, uuid: e1!.uuid };
      const r = await post('poste-h', token, { entries: [{ ...reuse, hash: entryHash(reuse) }] });
      expect(r.status).toBe(409);
      const body = await r.text();
      expect(JSON.parse(body)).toMatchObject({ error: 'conflict', reason: expect.stringContaining('already stored') });
      noLeak(body);
      // Two entries of one batch with the same uuid.
      const twin = { ...e2!, seq: 3, uuid: e2!.uuid, prev_hash: e2!.hash };
      const r2 = await post('poste-h', token, { entries: [e2, { ...twin, hash: entryHash(twin) }] });
      expect(r2.status).toBe(409);
      noLeak(await r2.text());
      expect(await central.db('journal').where({ console_id: 'poste-h' }).count({ n: '*' }).first()).toMatchObject({ n: kind === 'postgres' ? '1' : 1 });
    } finally {
      await local.cleanup();
    }
  }, 30000);

  test('a body nested 20,000 levels deep is a 400 and the server stays up', async () => {
    const deep = `{"entries":[{"payload":${'['.repeat(20000)}${']'.repeat(20000)}}]}`;
    const r = await post('poste-h', token, deep);
    expect(r.status).toBe(400);
    const text = await r.text();
    // Refused by the depth limit itself, before any parsing or hashing walks it.
    expect(JSON.parse(text).error).toContain('nested deeper than 32');
    noLeak(text);
    // Brackets inside strings are not nesting.
    const inString = await post('poste-h', token, { entries: [{ note: '['.repeat(100) }] });
    expect(inString.status).toBe(400);
    expect(await inString.text()).not.toContain('nested');
    expect((await fetch(`${central.url}/healthz`)).status).toBe(200);
  });

  test('numbers out of range are 400s: query, seq, times', async () => {
    for (const q of ['from=1e99', 'to=-1', 'from=99999999999999999999']) {
      const r = await fetch(`${central.url}/v1/registry?${q}`, { headers: { authorization: `Bearer ${reader}` } });
      expect([q, r.status]).toEqual([q, 400]);
      noLeak(await r.text());
    }
    const local = await freshDb();
    try {
      await appendEntries(local.db, 'poste-h2', grantEntries(T0, { grantId: 'h-2' }));
      const tok = await issueToken(central.db, 'consoles', 'poste-h2', Date.now());
      const [e1] = await entriesAfter(local.db, 'poste-h2', 0, 10);
      const variants = [
        { ...e1!, seq: 1e99 },
        { ...e1!, ts: 1e20 },
        { ...e1!, payload: { ...(e1!.payload as object), startsAt: 1e300 } },
      ];
      for (const v of variants) {
        const r = await post('poste-h2', tok, { entries: [{ ...v, hash: entryHash(v) }] });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        noLeak(await r.text());
      }
    } finally {
      await local.cleanup();
    }
  }, 30000);

  test('a database failure is a bare 500; the log has neither SQL nor the entry', async () => {
    const local = await freshDb();
    try {
      await appendEntries(local.db, 'poste-h3', grantEntries(T0, { grantId: 'h-3', justification: SECRET_TEXT }));
      const tok = await issueToken(central.db, 'consoles', 'poste-h3', Date.now());
      // Break the registry table under the server (a fault of ours, not of the client).
      await central.db.schema.renameTable('registry', 'registry_away');
      let r: Response;
      try {
        r = await post('poste-h3', tok, { entries: await entriesAfter(local.db, 'poste-h3', 0, 10) });
      } finally {
        await central.db.schema.renameTable('registry_away', 'registry');
      }
      expect(r.status).toBe(500);
      expect(await r.json()).toEqual({ error: 'internal error' });
      expect(logs).toContain('request failed');
      expect(logs).not.toContain('Zoé');
      expect(logs).not.toMatch(/insert into/i);
      // Nothing of the failed batch was kept.
      expect((await post('poste-h3', tok, { entries: await entriesAfter(local.db, 'poste-h3', 0, 10) })).status).toBe(200);
    } finally {
      await local.cleanup();
    }
  }, 30000);
});
