import { appendEntries, entriesAfter, type AppendInput } from '../../db/journal';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';

/**
 * The server's set-based registry projection (server/registry-batch.ts) gives exactly the rows the
 * console's entry-by-entry projection gives, whatever the order of acceptances, interruptions and
 * ends within and across batches.
 */
const T0 = Date.UTC(2026, 10, 20, 9);
const COLUMNS = ['grant_id', 'console_id', 'requested_at', 'starts_at', 'ends_at', 'granted_min', 'site_id', 'service_id', 'motive', 'justification', 'cameras', 'operator_matricule', 'ended_at', 'end_reason', 'accepted_seq', 'ended_seq', 'interrupted_ms'];

/** A small deterministic generator: the same « random » journal at every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

function journal(seed: number, n: number): AppendInput[] {
  const r = rng(seed);
  const out: AppendInput[] = [];
  let g = 0;
  while (out.length < n) {
    const roll = r();
    // Names a grant already seen, one not yet accepted (g + 1), or one never accepted.
    const target = roll < 0.8 ? `g${Math.floor(r() * (g + 1))}` : roll < 0.9 ? `g${g + 1}` : 'nowhere';
    const ts = T0 + out.length * 1000;
    if (r() < 0.35) out.push(...grantEntries(ts, { grantId: `g${++g}` }).slice(0, 1));
    else if (r() < 0.5) out.push({ kind: 'transmission.interrupted', actor: 'system', ts, payload: { grantId: target, from: ts - 1000 - Math.floor(r() * 600000), to: ts } });
    else out.push({ kind: 'transmission.ended', actor: 'OP101', ts, payload: { grantId: target, reason: r() < 0.5 ? 'expired' : 'fault', scheduledEndAt: ts, observedAt: ts, endedAt: ts + Math.floor(r() * 1000) } });
  }
  return out;
}

describe.each(['sqlite', 'postgres'] as const)('set-based projection on %s', (kind) => {
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

  test.each([
    [1, 17],
    [2, 64],
    [3, 500],
  ])('journal %d sent in batches of %d: the same registry rows as the console', async (seed, batch) => {
    const local = await freshDb();
    const consoleId = `poste-s${seed}`;
    try {
      const token = await issueToken(central.db, 'consoles', consoleId, Date.now());
      await appendEntries(local.db, consoleId, journal(seed, 600));
      for (let after = 0; ; after += batch) {
        const entries = await entriesAfter(local.db, consoleId, after, batch);
        if (entries.length === 0) break;
        const r = await fetch(`${central.url}/v1/consoles/${consoleId}/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ entries }) });
        expect(r.status).toBe(200);
      }
      const norm = (rows: Record<string, unknown>[]) => rows.map((row) => COLUMNS.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c]))));
      const mine = norm(await local.db('registry').orderBy('grant_id').select(COLUMNS));
      const theirs = norm(await central.db('registry').where({ console_id: consoleId }).orderBy('grant_id').select(COLUMNS));
      expect(theirs).toEqual(mine);
      // The journal exercised every case: ended, interrupted, both, open.
      expect(mine.some((r) => r[12] !== null)).toBe(true);
      expect(mine.some((r) => r[12] === null)).toBe(true);
      expect(mine.some((r) => r[16] !== '0')).toBe(true);
    } finally {
      await local.cleanup();
    }
  }, 60000);
});
