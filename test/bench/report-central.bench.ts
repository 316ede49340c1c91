/**
 * npm run bench -- report-central   (needs PostgreSQL: CSU_TEST_PG, default csu/csu on 127.0.0.1)
 * « Tous les postes du CSU » over 10,000 transmissions stored on a real central server (PostgreSQL),
 * read through GET /v1/registry pages with a reader token, beside the same report from the local
 * registry in the same run (the baseline):
 * - pdf_central_10k_ms, csv_central_10k_ms: from the call to the journaled file (walk, spool, drawing, hash)
 * - pdf_local_10k_ms, csv_local_10k_ms: the same 10,000 rows from this console's own registry
 * - central_rss_mb: peak growth of resident memory during the two central reports (goal as G1's: ≤ 150 MB)
 * - *_cpu_ms: this process's CPU time (the server runs in this process too)
 */
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { openDatabase } from '../../db';
import { appendEntries, entriesAfter, type AppendInput } from '../../db/journal';
import { systemClock } from '../../main/clock';
import { IntegrityService } from '../../main/integrity';
import { ReportService } from '../../main/reports/service';
import { buildServer } from '../../server/app';
import { openServerDb } from '../../server/db';
import { ingest, issueToken } from '../../server/store';
import { grantEntries } from '../helpers/db';
import { report } from './report';

const C = 'poste-bench';
const N = 10_000;
const PG = process.env.CSU_TEST_PG ?? 'postgres://csu:csu@127.0.0.1:5432/postgres';
const silent = { info() {}, warn() {}, error() {} };

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csu-bench-report-central-'));
  const db = await openDatabase(path.join(dir, 'bench.sqlite'));
  const start = Date.UTC(2026, 0, 1);
  const motives = ['atteintes_integrite_physique', 'vols', 'degradations', 'attroupements', 'occupations_abusives', 'intervention_police'] as const;
  for (let g = 0; g < N; ) {
    const batch: AppendInput[] = [];
    for (let k = 0; k < 250 && g < N; k++, g++) {
      const startsAt = start + Math.floor((g * 364 * 86400000) / N);
      const grantId = `bench-${g}`;
      batch.push(...grantEntries(startsAt, { grantId, durationMin: 120 + (g % 5) * 60, siteId: g % 3 ? 'tripode' : 'bobinet-sellier', motive: motives[g % 6], serviceId: g % 4 ? 'pm-charenton' : 'pn-charenton' }));
      const endedAt = startsAt + (90 + (g % 7) * 10) * 60000;
      batch.push({ kind: 'transmission.ended', actor: 'OP101', ts: endedAt, payload: { grantId, reason: g % 2 ? 'expired' : 'stopped_by_operator', scheduledEndAt: endedAt, observedAt: endedAt, endedAt } });
    }
    await appendEntries(db, C, batch);
  }
  // The same journal on a fresh central database, through the server's own ingest (chain-checked, projected).
  const name = `csu_bench_${process.pid}`;
  const admin = knex({ client: 'pg', connection: PG });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const central = await openServerDb(PG.replace(/\/[^/]*$/, `/${name}`));
  for (let after = 0; ; ) {
    const page = await entriesAfter(db, C, after, 500);
    if (page.length === 0) break;
    const r = await ingest(central, C, page);
    if (r.status !== 200) throw new Error(`ingest: ${JSON.stringify(r)}`);
    after = page[page.length - 1]!.seq;
  }
  const readerToken = await issueToken(central, 'readers', 'bench', Date.now());
  const app = buildServer(central);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const serverUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const integrity = new IntegrityService({ db, consoleId: C, clock: systemClock, log: silent });
  const reports = new ReportService({
    db,
    consoleId: C,
    clock: systemClock,
    log: { ...silent, info: (m: string, ...a: unknown[]) => console.log(m, ...a) },
    integrity,
    mirrorStatus: () => ({ state: 'synchronised', ackedSeq: N * 3 }),
    organisation: () => ({ commune: 'Charenton-le-Pont', csuName: 'Centre de supervision urbaine de Charenton-le-Pont' }),
    fontsDir: path.resolve(__dirname, '..', '..', 'assets', 'fonts'),
    workDir: path.join(dir, 'out'),
    delivery: { deliver: async (f) => ({ savedTo: f.path }) },
    central: () => ({ serverUrl, readerToken }),
  });
  const by = { matricule: 'SUP201', name: 'Nadia Benali', role: 'superviseur' as const, designated: true, mustChangePassword: false };
  const local = { period: { kind: 'custom' as const, from: '2026-01-01', to: '2026-12-31' } };
  const all = { ...local, source: 'central' as const };
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  async function timed(f: typeof local, format: 'pdf' | 'csv') {
    const cpu = process.cpuUsage();
    const t = performance.now();
    const r = await reports.generate(f, format, 'save', by);
    if (r.rows !== N) throw new Error(`expected ${N} rows, got ${r.rows}`);
    return { ms: Math.round(performance.now() - t), cpu: Math.round(cpuMs(process.cpuUsage(cpu))), pages: r.pages ?? 0 };
  }

  // The local baseline first: it also warms the JIT and pdfkit's font caches, which the central
  // reports would otherwise pay alone.
  const pdfL = await timed(local, 'pdf');
  const csvL = await timed(local, 'csv');
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  const pdfC = await timed(all, 'pdf');
  const csvC = await timed(all, 'csv');
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  await app.close();
  await central.destroy();
  const drop = knex({ client: 'pg', connection: PG });
  await drop.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await drop.destroy();
  await integrity.stop();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  report(
    'report-central',
    {
      pdf_central_10k_ms: pdfC.ms,
      csv_central_10k_ms: csvC.ms,
      pdf_local_10k_ms: pdfL.ms,
      csv_local_10k_ms: csvL.ms,
      pdf_central_10k_cpu_ms: pdfC.cpu,
      csv_central_10k_cpu_ms: csvC.cpu,
      pdf_local_10k_cpu_ms: pdfL.cpu,
      csv_local_10k_cpu_ms: csvL.cpu,
      pdf_pages_central_10k: pdfC.pages,
      central_rss_mb: Math.round((peakRss - baseRss) / 2 ** 20),
    },
    [{ metric: 'central_rss_mb', op: '<=', value: 150 }],
    { rows: N, central: 'PostgreSQL 15, same process, loopback HTTP, pages of 2000', loadavg: os.loadavg().map((x) => Number(x.toFixed(1))) },
  );
}

void main();
