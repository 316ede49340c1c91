/**
 * npm run bench -- journal
 * - append_per_s: durable appends (one transaction each, synchronous=FULL) on a file database
 * - verify_100k_ms: verifying a 100,000-entry chain
 * - registry_month_query_ms: one month's registry rows among 100,000 entries (median of 5)
 * - start_with_100k_ms: the built headless console (a child process, as a user starts it) from
 *   spawn to « ready » on a data folder whose journal holds 100,000 entries — chain verification
 *   and the registry check against the journal included (median of 3)
 */
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { openDatabase } from '../../db';
import { appendEntries, appendEntry, verifyChain } from '../../db/journal';
import { registryRows } from '../../db/registry';
import { grantEntries } from '../helpers/db';
import { spawnHeadless } from '../helpers/headless';
import { report } from './report';

const C = 'poste-bench';

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csu-bench-journal-'));
  const db = await openDatabase(path.join(dir, 'bench.sqlite'));

  // Durable single appends.
  const N = 2000;
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    await appendEntry(db, C, { kind: 'stream.opened', actor: 'system', ts: Date.now(), payload: { grantId: `g-${i}`, cameraId: 'cam' } });
  }
  const appendPerS = N / ((performance.now() - t) / 1000);

  // Fill to 100,000 entries: a year of grants (accepted + started + ended), in batches.
  const yearStart = Date.UTC(2026, 0, 1);
  let total = N;
  let g = 0;
  while (total < 100_000) {
    const batch = [];
    for (let k = 0; k < 200 && total + batch.length < 100_000 - 3; k++) {
      const startsAt = yearStart + g * 11 * 60000 * 10; // ~ every 110 minutes through the year
      const grantId = `bench-${g++}`;
      batch.push(...grantEntries(startsAt, { grantId }));
      batch.push({ kind: 'transmission.ended' as const, actor: 'system', ts: startsAt + 7200000, payload: { grantId, reason: 'expired' as const, scheduledEndAt: startsAt + 7200000, observedAt: startsAt + 7200000, endedAt: startsAt + 7200000 } });
    }
    if (batch.length === 0) break;
    await appendEntries(db, C, batch);
    total += batch.length;
  }
  while (total < 100_000) {
    await appendEntry(db, C, { kind: 'stream.opened', actor: 'system', ts: Date.now(), payload: { grantId: 'pad', cameraId: 'cam' } });
    total++;
  }

  t = performance.now();
  const cpu0 = process.cpuUsage();
  const v = await verifyChain(db, C);
  const verifyMs = performance.now() - t;
  // CPU time of this process (JS and SQLite's threads): what the wall time would be on an idle machine.
  const verifyCpu = process.cpuUsage(cpu0);
  if (!v.ok || v.checked !== 100_000) throw new Error(`chain did not verify: ${JSON.stringify(v)}`);

  const times: number[] = [];
  let monthRows = 0;
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    monthRows = (await registryRows(db, { from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 6, 1) })).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  await db.destroy();
  rmSync(dir, { recursive: true, force: true });

  const start = await startWith100k();

  report(
    'journal',
    { append_per_s: Math.round(appendPerS), verify_100k_ms: Math.round(verifyMs), verify_100k_cpu_ms: Math.round((verifyCpu.user + verifyCpu.system) / 1000), start_with_100k_ms: Math.round(start.wallMs), start_with_100k_cpu_ms: Math.round(start.cpuMs), registry_month_query_ms: Number(times[2]!.toFixed(1)), registry_month_rows: monthRows, grants: g },
    [
      { metric: 'append_per_s', op: '>=', value: 500 },
      { metric: 'verify_100k_ms', op: '<=', value: 1000 },
      { metric: 'registry_month_query_ms', op: '<=', value: 200 },
      { metric: 'start_with_100k_ms', op: '<=', value: 2000 },
    ],
    { sqlite: 'WAL, synchronous=FULL', tmpdir: os.tmpdir(), loadavg1: os.loadavg()[0] },
  );
}

/** A real console's data folder (demo catalogue, its own console id) grown to 100,000 entries, then started 3 times. */
async function startWith100k(): Promise<{ wallMs: number; cpuMs: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'csu-bench-start-'));
  try {
    const first = await spawnHeadless(dataDir);
    await first.stop();
    const consoleId = (JSON.parse(readFileSync(path.join(dataDir, 'settings.json'), 'utf8')) as { consoleId: string }).consoleId;
    const db = await openDatabase(path.join(dataDir, 'console.sqlite'));
    let total = Number((await db('journal').count({ n: '*' }).first())?.n ?? 0);
    // A past like a real console's: grants every 110 minutes up to now.
    const t0 = Date.now() - 34_000 * 110 * 60000;
    for (let g = 0; total < 100_000; ) {
      const batch = [];
      for (let k = 0; k < 200 && total + batch.length <= 100_000 - 3; k++, g++) {
        const startsAt = t0 + g * 110 * 60000;
        const grantId = `bench-start-${g}`;
        batch.push(...grantEntries(startsAt, { grantId }));
        batch.push({ kind: 'transmission.ended' as const, actor: 'system', ts: startsAt + 7200000, payload: { grantId, reason: 'expired' as const, scheduledEndAt: startsAt + 7200000, observedAt: startsAt + 7200000, endedAt: startsAt + 7200000 } });
      }
      if (batch.length === 0) break;
      await appendEntries(db, consoleId, batch);
      total += batch.length;
    }
    await db.destroy();
    const runs: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const app = await spawnHeadless(dataDir);
      const wallMs = performance.now() - t;
      // The console's own CPU time up to ready (utime + stime, in clock ticks of 10 ms).
      const stat = readFileSync(`/proc/${app.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      runs.push({ wallMs, cpuMs: (Number(stat[11]) + Number(stat[12])) * 10 });
      await app.stop();
    }
    runs.sort((a, b) => a.wallMs - b.wallMs);
    return runs[1]!;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
