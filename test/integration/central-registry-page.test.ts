import { appendEntries, entriesAfter } from '../../db/journal';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';

/** GET /v1/registry: pages by cursor, a total, filters by console, site, service, motive and period. */
const T0 = Date.UTC(2026, 10, 1);
const CONSOLES = ['poste-p1', 'poste-p2', 'poste-p3'];
const GRANTS = 400;
const MOTIVES = ['vols', 'degradations', 'attroupements'] as const;

interface Page {
  rows: { grantId: string; consoleId: string; startsAt: number; siteId: string; motive: string; serviceId: string }[];
  total: number;
  nextCursor: string | null;
}

describe.each(['sqlite', 'postgres'] as const)('paged registry on %s', (kind) => {
  let dbInfo: { url: string; drop: () => Promise<void> };
  let central: Central;
  let reader: string;

  beforeAll(async () => {
    dbInfo = await freshCentralDb(kind);
    central = await startCentral(dbInfo.url);
    reader = await issueToken(central.db, 'readers', 'lecteur-p', Date.now());
    for (const [c, consoleId] of CONSOLES.entries()) {
      const local = await freshDb();
      try {
        const token = await issueToken(central.db, 'consoles', consoleId, Date.now());
        const inputs = [];
        // Two consoles share start times, so the order needs its tie-breakers.
        for (let i = 0; i < GRANTS; i++) {
          inputs.push(...grantEntries(T0 + i * 3600000 + (c === 2 ? 1 : 0), { grantId: `g${i}`, siteId: i % 2 ? 'bobinet-sellier' : 'tripode', motive: MOTIVES[i % 3], serviceId: i % 4 ? 'pm-charenton' : 'pn-charenton' }));
        }
        await appendEntries(local.db, consoleId, inputs);
        for (let after = 0; after < inputs.length; after += 500) {
          const r = await fetch(`${central.url}/v1/consoles/${consoleId}/journal`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ entries: await entriesAfter(local.db, consoleId, after, 500) }) });
          expect(r.status).toBe(200);
        }
      } finally {
        await local.cleanup();
      }
    }
  }, 120000);
  afterAll(async () => {
    await central.stop();
    await central.db.destroy();
    await dbInfo.drop();
  });

  const get = async (q: string): Promise<Page> => {
    const r = await fetch(`${central.url}/v1/registry?${q}`, { headers: { authorization: `Bearer ${reader}` } });
    expect(r.status).toBe(200);
    return (await r.json()) as Page;
  };

  async function all(q: string, limit: number): Promise<{ rows: Page['rows']; totals: number[]; pages: number }> {
    const rows: Page['rows'] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p: Page = await get(`${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      rows.push(...p.rows);
      totals.push(p.total);
      cursor = p.nextCursor;
      pages++;
    } while (cursor);
    return { rows, totals, pages };
  }

  test('every row exactly once, in order, page after page; the total on every page', async () => {
    const first = await get('');
    expect(first.total).toBe(CONSOLES.length * GRANTS);
    expect(first.rows).toHaveLength(500);
    expect(first.nextCursor).toEqual(expect.any(String));
    const { rows, totals, pages } = await all('', 170);
    expect(pages).toBe(Math.ceil(1200 / 170));
    expect(new Set(totals)).toEqual(new Set([1200]));
    const keys = rows.map((r) => `${r.consoleId}/${r.grantId}`);
    expect(new Set(keys).size).toBe(1200);
    const sorted = [...rows].sort((a, b) => a.startsAt - b.startsAt || a.consoleId.localeCompare(b.consoleId) || a.grantId.localeCompare(b.grantId));
    expect(rows).toEqual(sorted);
  }, 60000);

  test('filters: console, site, service, motive, period; together with paging', async () => {
    const byConsole = await all('consoleId=poste-p2', 150);
    expect(byConsole.rows).toHaveLength(GRANTS);
    expect(byConsole.rows.every((r) => r.consoleId === 'poste-p2')).toBe(true);
    const bySite = await get('siteId=tripode&limit=1');
    expect(bySite.total).toBe(600);
    expect((await get('serviceId=pn-charenton')).total).toBe(300);
    expect((await get('motive=vols&consoleId=poste-p1')).total).toBe(134);
    const period = await all(`from=${T0 + 10 * 3600000}&to=${T0 + 20 * 3600000}`, 7);
    expect(period.rows).toHaveLength(30);
    expect(period.rows.every((r) => r.startsAt >= T0 + 10 * 3600000 && r.startsAt < T0 + 20 * 3600000)).toBe(true);
    expect(await get('siteId=nowhere')).toEqual({ rows: [], total: 0, nextCursor: null });
  }, 60000);

  test('a cursor not made by the server, or a page too large, is a 400', async () => {
    for (const q of ['cursor=bm9wZQ', 'cursor=%5B%5D', 'limit=0', 'limit=100000', 'offset=10']) {
      const r = await fetch(`${central.url}/v1/registry?${q}`, { headers: { authorization: `Bearer ${reader}` } });
      expect([q, r.status]).toEqual([q, 400]);
    }
  });
});
