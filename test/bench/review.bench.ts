/**
 * npm run bench -- review   (issue G3)
 * - timeline_month_ms: the « Revue d'incident » of a month holding 5,000 transmissions and 100,000
 *   journal entries, built from the registry and the journal (median of 5; goal ≤ 300 ms)
 * - export_1h_journal_s / verify_bundle_1h_s: an evidence bundle of one busy hour (journal extract,
 *   summary, manifest) and its offline verification
 * - export_month_journal_s / verify_bundle_month_s: the same for the whole month
 * - recording_cpu_overhead_pct (goal ≤ 10 %), export_1h_4cams_s (goal ≤ 10 s),
 *   verify_bundle_1h_4cams_s: see review-recording.ts
 *
 * `npm run bench -- review --no-recording` skips the recording figures (they need the RTSP simulator and ~2 min).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../db';
import { appendEntries, type AppendInput } from '../../db/journal';
import { seedDemo } from '../../db/seeds/demo';
import { writeEvidenceBundle } from '../../main/review/bundle';
import { buildTimeline } from '../../main/review/timeline';
import { verifyBundle } from '../../main/review/verify';
import { grantEntries } from '../helpers/db';
import { report } from './report';
import { measureRecordingExport, measureRecordingOverhead } from './review-recording';

const C = 'poste-bench';
const CAMS = ['tripode-hall-arcade', 'tripode-hall-bercy', 'tripode-parking-n1', 'tripode-sous-sol'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csu-bench-review-'));
  const db = await openDatabase(path.join(dir, 'bench.sqlite'));
  const monthStart = Date.UTC(2026, 9, 1);
  await seedDemo(db, monthStart);
  // 5,000 transmissions through October, 20 entries each: accepted, started, 17 stream openings (tiles, reloads), ended.
  const fillStart = performance.now();
  for (let g = 0; g < 5000; g += 50) {
    const batch: AppendInput[] = [];
    for (let k = g; k < g + 50; k++) {
      const startsAt = monthStart + Math.floor((k * 31 * 86400000) / 5000);
      const grantId = `bench-${k}`;
      const cam = CAMS[k % CAMS.length]!;
      batch.push(...grantEntries(startsAt, { grantId }).map((e) => (e.kind === 'request.accepted' ? { ...e, payload: { ...(e.payload as object), cameras: [{ id: cam, label: cam, zone: 'hall' }] } } : e)) as AppendInput[]);
      for (let i = 0; i < 17; i++) batch.push({ kind: 'stream.opened', actor: 'OP101', ts: startsAt + i * 1000, payload: { grantId, cameraId: cam } });
      batch.push({ kind: 'transmission.ended', actor: 'system', ts: startsAt + 7200000, payload: { grantId, reason: 'expired', scheduledEndAt: startsAt + 7200000, observedAt: startsAt + 7200000, endedAt: startsAt + 7200000 } });
    }
    await appendEntries(db, C, batch);
  }
  const fillS = (performance.now() - fillStart) / 1000;
  const monthEnd = Date.UTC(2026, 10, 1);

  const runs: number[] = [];
  let lanes = 0;
  let markers = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const tl = await buildTimeline(db, C, { from: monthStart, to: monthEnd });
    runs.push(performance.now() - t);
    lanes = tl.lanes.length;
    markers = tl.markers.length;
  }

  // Where the time goes (one run each): the registry rows, the journal's events, their count.
  const { registryOverlapping, entriesInPeriod } = await import('../../db/review');
  let p = performance.now();
  await registryOverlapping(db, C, monthStart, monthEnd);
  const partRegistryMs = performance.now() - p;
  p = performance.now();
  await entriesInPeriod(db, C, monthStart, monthEnd, 5001);
  const partEntriesMs = performance.now() - p;
  p = performance.now();
  await db('journal').where({ console_id: C }).andWhere('ts', '>=', monthStart).andWhere('ts', '<', monthEnd).count({ n: '*' });
  const partCountMs = performance.now() - p;
  // Recorded bars: free where no convention allows recording (the month above); where one does,
  // the scan of the period's entries for segments costs this much.
  const { recordedInPeriod } = await import('../../db/recordings');
  p = performance.now();
  await recordedInPeriod(db, C, monthStart, monthEnd);
  const partRecordedNoneMs = performance.now() - p;
  await db('conventions').update({ recording_allowed: true, retention_days: 30 });
  p = performance.now();
  await recordedInPeriod(db, C, monthStart, monthEnd);
  const partRecordedMs = performance.now() - p;
  await db('conventions').update({ recording_allowed: false, retention_days: null });

  const bundleDir = path.join(dir, 'exports');
  const hourFrom = monthStart + 10 * 86400000 + 9 * 3600000;
  let t = performance.now();
  const hour = await writeEvidenceBundle(db, { consoleId: C, from: hourFrom, to: hourFrom + 3600000, cameraIds: CAMS, actor: 'SUP201', now: Date.now(), dir: bundleDir, summary: () => 'banc d’essai\n' });
  const exportHourS = (performance.now() - t) / 1000;
  t = performance.now();
  const hourOk = (await verifyBundle(hour.file)).ok;
  const verifyHourS = (performance.now() - t) / 1000;
  t = performance.now();
  const month = await writeEvidenceBundle(db, { consoleId: C, from: monthStart, to: monthEnd, cameraIds: CAMS, actor: 'SUP201', now: Date.now() + 1, dir: bundleDir, summary: () => 'banc d’essai\n' });
  const exportMonthS = (performance.now() - t) / 1000;
  t = performance.now();
  const monthOk = (await verifyBundle(month.file)).ok;
  const verifyMonthS = (performance.now() - t) / 1000;
  if (!hourOk || !monthOk) throw new Error('a bundle did not verify');

  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  const recording = process.argv.includes('--no-recording') ? {} : { ...(await measureRecordingExport()), ...(await measureRecordingOverhead()) };
  const ok = report(
    'review',
    {
      timeline_month_ms: median(runs),
      timeline_part_registry_ms: partRegistryMs,
      timeline_part_entries_ms: partEntriesMs,
      timeline_part_count_ms: partCountMs,
      timeline_part_recorded_none_ms: partRecordedNoneMs,
      timeline_part_recorded_ms: partRecordedMs,
      timeline_month_lanes: lanes,
      timeline_month_markers_shown: markers,
      export_1h_journal_s: exportHourS,
      export_1h_entries: hour.entries,
      verify_bundle_1h_s: verifyHourS,
      export_month_journal_s: exportMonthS,
      export_month_entries: month.entries,
      export_month_mb: month.bytes / 2 ** 20,
      verify_bundle_month_s: verifyMonthS,
      fill_100k_s: fillS,
      ...recording,
    },
    [
      { metric: 'timeline_month_ms', op: '<=', value: 300 },
      ...(recording.recording_cpu_overhead_pct !== undefined
        ? [
            { metric: 'recording_cpu_overhead_pct', op: '<=' as const, value: 10 },
            { metric: 'export_1h_4cams_s', op: '<=' as const, value: 10 },
          ]
        : []),
    ],
  );
  process.exitCode = ok ? 0 : 1;
}

void main();
