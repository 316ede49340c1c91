/**
 * npm run bench -- mirror   (against PostgreSQL; CSU_TEST_PG as in the tests)
 * - catchup_100k_s: 100,000 entries written while the server is down, then the time until the
 *   mirror has them all acknowledged;
 * - duplicates and lost after a run through a proxy failing ~10% of requests.
 */
import { appendEntries, entriesAfter } from '../../db/journal';
import { Mirror } from '../../main/mirror/mirror';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, startFaultProxy } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';
import { waitFor } from '../helpers/ws-client';
import { report } from './report';

const N = Number(process.env.BENCH_MIRROR_N ?? 100_000);
const silent = { info() {}, warn() {}, error() {} };
const clock = { now: () => Date.now() };

async function fillLocal(db: Parameters<typeof appendEntries>[0], consoleId: string, n: number): Promise<void> {
  let written = 0;
  let g = 0;
  const t0 = Date.UTC(2026, 0, 1);
  while (written < n) {
    const batch = [];
    while (batch.length < 300 && written + batch.length + 2 <= n) batch.push(...grantEntries(t0 + g * 600000, { grantId: `${consoleId}-${g++}` }));
    if (batch.length === 0) break;
    await appendEntries(db, consoleId, batch);
    written += batch.length;
  }
}

async function main(): Promise<void> {
  const pg = await freshCentralDb('postgres');
  const central = await startCentral(pg.url);
  const local = await freshDb();
  try {
    // Catch-up: the server is down while 100,000 entries are written.
    const token = await issueToken(central.db, 'consoles', 'poste-bench', Date.now());
    await central.stop();
    await fillLocal(local.db, 'poste-bench', N);
    const total = (await entriesAfter(local.db, 'poste-bench', 0, 1e9)).length;
    await central.start();
    const m = new Mirror({ db: local.db, consoleId: 'poste-bench', serverUrl: central.url, token, clock, log: silent, backoffMinMs: 100, backoffMaxMs: 1000, pollMs: 100 });
    const t0 = performance.now();
    m.start();
    await waitFor(() => (m.current as { ackedSeq?: number } | undefined)?.ackedSeq === total, 600000, 'catch-up');
    const catchupS = (performance.now() - t0) / 1000;
    await m.stop();

    // Faults: ~10% of requests fail (500, no answer, connection cut after storing).
    const token2 = await issueToken(central.db, 'consoles', 'poste-faults', Date.now());
    await fillLocal(local.db, 'poste-faults', 5000);
    const proxy = await startFaultProxy(central.url, 0.1);
    const m2 = new Mirror({ db: local.db, consoleId: 'poste-faults', serverUrl: proxy.url, token: token2, clock, log: silent, batchMax: 100, timeoutMs: 1000, backoffMinMs: 20, backoffMaxMs: 500, pollMs: 50 });
    m2.start();
    await waitFor(() => m2.current?.state === 'synchronised', 300000, 'synchronised through faults');
    await m2.stop();
    await proxy.close();
    const mine = await entriesAfter(local.db, 'poste-faults', 0, 1e9);
    const onServer = await central.db('journal').where({ console_id: 'poste-faults' }).select('seq', 'hash');
    const seen = new Map<number, number>();
    for (const r of onServer) seen.set(Number(r.seq), (seen.get(Number(r.seq)) ?? 0) + 1);
    const duplicates = [...seen.values()].filter((c) => c > 1).length + (onServer.length - seen.size);
    const stored = new Set(onServer.map((r: { seq: number; hash: string }) => `${Number(r.seq)}:${r.hash}`));
    const lost = mine.filter((e) => !stored.has(`${e.seq}:${e.hash}`)).length;
    report(
      'mirror',
      { entries: total, catchup_100k_s: Number(catchupS.toFixed(1)), fault_run_entries: mine.length, duplicates, lost, injected_failures: proxy.counts.error500! + proxy.counts.hang! + proxy.counts.cut! },
      [
        { metric: 'catchup_100k_s', op: '<=', value: 60 },
        { metric: 'duplicates', op: '<=', value: 0 },
        { metric: 'lost', op: '<=', value: 0 },
      ],
      { server_db: 'PostgreSQL (local)', batch: 500 },
    );
  } finally {
    await local.cleanup();
    await central.stop().catch(() => undefined);
    await central.db.destroy();
    await pg.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
