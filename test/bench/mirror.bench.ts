/**
 * npm run bench -- mirror   (against PostgreSQL; CSU_TEST_PG as in the tests)
 * - catchup_100k_s: 100,000 entries (accepted + started) written while the server is down, then
 *   the time until the mirror has them all acknowledged;
 * - catchup_100k_registry_heavy_s: the same with a real registry's mix, 2/3 of entries
 *   request.accepted / transmission.ended (accepted, started, ended per grant);
 * - pg_batch_insert_100k_s: the floor — the same journal and registry rows batch-inserted
 *   straight into copies of the server's tables, same database, same run; and the ratio;
 * - consoles_3x10k_s: three consoles catching up 10,000 entries each at once;
 * - duplicates and lost after a run through a proxy failing ~10% of requests.
 * - catchup_registry_heavy_cpu_s: this process's CPU time during the heavy catch-up (console and server; not PostgreSQL).
 * BENCH_MIRROR_N changes 100,000 (for a quick look).
 */
import os from 'node:os';
import type { Knex } from 'knex';
import { appendEntries, entriesAfter, type AppendInput } from '../../db/journal';
import { canonicalJson } from '../../db/journal-codec';
import { Mirror } from '../../main/mirror/mirror';
import { issueToken } from '../../server/store';
import { freshCentralDb, startCentral, startFaultProxy, type Central } from '../helpers/central';
import { freshDb, grantEntries } from '../helpers/db';
import { waitFor } from '../helpers/ws-client';
import { report } from './report';

const N = Number(process.env.BENCH_MIRROR_N ?? 100_000);
const silent = { info() {}, warn() {}, error() {} };
const clock = { now: () => Date.now() };

/** Per grant: accepted + started, or (heavy) accepted + started + ended. */
function grant(t: number, grantId: string, heavy: boolean): AppendInput[] {
  const e = grantEntries(t, { grantId });
  if (heavy) e.push({ kind: 'transmission.ended', actor: 'OP101', ts: t + 3600000, payload: { grantId, reason: 'expired', scheduledEndAt: t + 3600000, observedAt: t + 3600000, endedAt: t + 3600000 } });
  return e;
}

async function fillLocal(db: Knex, consoleId: string, n: number, heavy = false): Promise<number> {
  let written = 0;
  let g = 0;
  const t0 = Date.UTC(2026, 0, 1);
  const per = heavy ? 3 : 2;
  while (written < n) {
    const batch: AppendInput[] = [];
    while (batch.length < 300 && written + batch.length + per <= n) batch.push(...grant(t0 + g * 600000, `${consoleId}-${g++}`, heavy));
    if (batch.length === 0) break;
    await appendEntries(db, consoleId, batch);
    written += batch.length;
  }
  return written;
}

/**
 * The process's CPU time during the last catch-up (console and server share this process;
 * PostgreSQL's is not counted): on the shared build machine the wall time measures the
 * neighbours' load as much as the code.
 */
let lastCatchUpCpuS = 0;

async function catchUp(central: Central, db: Knex, consoleId: string, n: number, heavy: boolean): Promise<number> {
  const token = await issueToken(central.db, 'consoles', consoleId, Date.now());
  const total = await fillLocal(db, consoleId, n, heavy);
  const m = new Mirror({ db, consoleId, serverUrl: central.url, token, clock, log: silent, backoffMinMs: 100, backoffMaxMs: 1000, pollMs: 100 });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  m.start();
  await waitFor(() => (m.current as { ackedSeq?: number } | undefined)?.ackedSeq === total, 600000, `catch-up of ${consoleId}`);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  lastCatchUpCpuS = (cpu.user + cpu.system) / 1e6;
  await m.stop();
  return s;
}

/** The same rows the server stores for `consoleId`, batch-inserted (500 a statement, a transaction each) into copies of its tables. */
async function plainInsert(central: Central, db: Knex, consoleId: string): Promise<number> {
  const cdb = central.db;
  await cdb.raw('CREATE TABLE bench_journal (LIKE journal INCLUDING ALL)');
  await cdb.raw('CREATE TABLE bench_registry (LIKE registry INCLUDING ALL)');
  const entries = await entriesAfter(db, consoleId, 0, 1e9);
  const now = Date.now();
  const journal = entries.map((e) => ({ ...e, payload: canonicalJson(e.payload), received_at: now }));
  const registry = (await cdb('registry').where({ console_id: consoleId }).orderBy('accepted_seq').select()) as Record<string, unknown>[];
  const t0 = performance.now();
  for (let i = 0, j = 0; i < journal.length; i += 500) {
    const last = journal[Math.min(i + 500, journal.length) - 1]!.seq;
    await cdb.transaction(async (trx) => {
      await trx('bench_journal').insert(journal.slice(i, i + 500));
      const rows: Record<string, unknown>[] = [];
      while (j < registry.length && Number(registry[j]!.accepted_seq) <= last) rows.push(registry[j++]!);
      if (rows.length) await trx('bench_registry').insert(rows);
    });
  }
  const s = (performance.now() - t0) / 1000;
  await cdb.raw('DROP TABLE bench_journal');
  await cdb.raw('DROP TABLE bench_registry');
  return s;
}

async function main(): Promise<void> {
  const pg = await freshCentralDb('postgres');
  const central = await startCentral(pg.url);
  const locals = await Promise.all([freshDb(), freshDb(), freshDb(), freshDb(), freshDb()]);
  const [local, heavy, ...three] = locals as [Awaited<ReturnType<typeof freshDb>>, ...Awaited<ReturnType<typeof freshDb>>[]];
  try {
    const catchupS = await catchUp(central, local.db, 'poste-bench', N, false);
    const heavyS = await catchUp(central, heavy!.db, 'poste-heavy', N, true);
    const heavyCpuS = lastCatchUpCpuS;
    const insertS = await plainInsert(central, heavy!.db, 'poste-heavy');

    // Three consoles at once, 10,000 entries each.
    const per = Math.round(N / 10);
    const t3 = performance.now();
    await Promise.all(three.map((l, i) => catchUp(central, l.db, `poste-trio-${i}`, per, true)));
    const threeS = (performance.now() - t3) / 1000;

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
      {
        entries: N,
        catchup_100k_s: Number(catchupS.toFixed(1)),
        catchup_100k_registry_heavy_s: Number(heavyS.toFixed(1)),
        pg_batch_insert_100k_s: Number(insertS.toFixed(1)),
        catchup_vs_insert_ratio: Number((heavyS / insertS).toFixed(2)),
        catchup_registry_heavy_cpu_s: Number(heavyCpuS.toFixed(1)),
        consoles_3x10k_s: Number(threeS.toFixed(1)),
        fault_run_entries: mine.length,
        duplicates,
        lost,
        injected_failures: proxy.counts.error500! + proxy.counts.hang! + proxy.counts.cut!,
      },
      [
        { metric: 'catchup_100k_s', op: '<=', value: 60 },
        { metric: 'catchup_100k_registry_heavy_s', op: '<=', value: 12 },
        { metric: 'catchup_vs_insert_ratio', op: '<=', value: 2.5 },
        { metric: 'duplicates', op: '<=', value: 0 },
        { metric: 'lost', op: '<=', value: 0 },
      ],
      { server_db: 'PostgreSQL (local)', batch: 500, loadavg: os.loadavg().map((x) => Number(x.toFixed(1))) },
    );
  } finally {
    for (const l of locals) await l.cleanup();
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
