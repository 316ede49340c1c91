/**
 * The review bench's recording figures (issue G3), called by review.bench.ts:
 * - recording_cpu_overhead_pct: CPU of relay + ffmpegs with four cameras watched AND recorded,
 *   against the same four watched only, two processes side by side over the same seconds on the
 *   same GStreamer cameras (goal ≤ 10 %)
 * - export_1h_4cams_s / verify_bundle_1h_4cams_s: an evidence bundle of one hour of four
 *   recorded cameras (MP4 by copy) and its offline verification. The hour is written in seconds,
 *   through the recorder's own writer (CameraRecorder, SegmentWriter, journal entries) fed with a
 *   real hour of H.264 TS (ffmpeg loops one encoded minute by copy), its clock driven by the stream.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { openDatabase } from '../../db';
import { appendEntries, appendEntry, type AppendInput } from '../../db/journal';
import { seedDemo } from '../../db/seeds/demo';
import { OffsetClock } from '../../main/clock';
import { CameraRecorder } from '../../main/recording/camera-recorder';
import { RecordingStore } from '../../main/recording/store';
import { GopCache } from '../../main/relay/gop-cache';
import { ReviewService } from '../../main/review/service';
import { verifyBundle } from '../../main/review/verify';
import { randomBytes } from 'node:crypto';
import { FFMPEG } from '../helpers/decode';
import { grantEntries } from '../helpers/db';
import { startRtspSim } from '../helpers/rtsp-sim';
import { repoRoot } from '../helpers/tmp';
import { connectStream } from '../helpers/ws-client';
import { median, procCpuSeconds, sleep } from './proc';

const ORIGIN = 'http://127.0.0.1:5990';

interface Child {
  proc: ChildProcess;
  pids: number[];
  urls: string[];
}

function startChild(script: string, mode: 'live' | 'record', urls: string[]): Promise<Child> {
  const proc = spawn(process.execPath, [script, mode, ORIGIN, ...urls], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+) (\S+)/.exec(out);
      if (m) resolve({ proc, urls: m[1]!.split(','), pids: [proc.pid!, ...m[2]!.split(',').map(Number)] });
      if (/FAILED/.test(out)) reject(new Error(out));
    });
  });
}

export async function measureRecordingOverhead(seconds = 60): Promise<Record<string, number>> {
  const script = path.join(repoRoot, 'dist', 'bench', 'recording-child.js');
  buildSync({ entryPoints: [path.join(repoRoot, 'test/bench/recording-child.ts')], outfile: script, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  // The demo cameras' size and rate (ARCHITECTURE: 640x360, 15 fps), 2 s GOP.
  const sim = await startRtspSim({ cams: 4, width: 640, height: 360, fps: 15, keyframeS: 2 });
  const urls = [1, 2, 3, 4].map((i) => sim.url(`cam${i}`));
  const live = await startChild(script, 'live', urls);
  const rec = await startChild(script, 'record', urls);
  const tiles = await Promise.all([...live.urls, ...rec.urls].map((u) => connectStream(u, ORIGIN)));
  await sleep(5000); // past the start (probing, first keyframe)
  const cpu = (c: Child) => c.pids.reduce((n, p) => n + procCpuSeconds(p), 0);
  const bytes0 = tiles.reduce((n, t) => n + t.bytes(), 0);
  // Three windows, each pair over the same seconds; the median ratio (the machine is shared and noisy).
  const windows: { live: number; rec: number }[] = [];
  for (let w = 0; w < 3; w++) {
    const a0 = cpu(live);
    const b0 = cpu(rec);
    await sleep((seconds / 3) * 1000);
    windows.push({ live: cpu(live) - a0, rec: cpu(rec) - b0 });
  }
  const liveS = windows.reduce((n, w) => n + w.live, 0);
  const recS = windows.reduce((n, w) => n + w.rec, 0);
  const mbit = ((tiles.reduce((n, t) => n + t.bytes(), 0) - bytes0) * 8) / 1e6 / seconds / tiles.length;
  for (const t of tiles) t.ws.close();
  for (const c of [live, rec]) c.proc.stdin!.end();
  await Promise.all([live, rec].map((c) => new Promise((r) => (c.proc.exitCode !== null ? r(null) : c.proc.once('exit', r)))));
  await sim.stop();
  return {
    recording_cpu_overhead_pct: median(windows.map((w) => ((w.rec - w.live) / w.live) * 100)),
    recording_cpu_overhead_pct_whole: ((recS - liveS) / liveS) * 100,
    recording_cpu_s_live_4cams: liveS,
    recording_cpu_s_recorded_4cams: recS,
    recording_window_s: seconds,
    recording_camera_mbit_s: mbit,
  };
}

/** One real minute of H.264 TS (640x360, 15 fps, 2 s GOP, 256 kbit/s: the simulator cameras' rate in the overhead run), looped by copy into an hour. */
function hourOfTs(dir: string): Buffer {
  const minute = path.join(dir, 'minute.ts');
  const hour = path.join(dir, 'hour.ts');
  const run = (args: string[]) => {
    const r = spawnSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
  };
  run(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=15', '-t', '60', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-b:v', '256k', '-f', 'mpegts', minute]);
  run(['-stream_loop', '59', '-i', minute, '-c', 'copy', '-f', 'mpegts', hour]);
  return readFileSync(hour);
}

export async function measureRecordingExport(): Promise<Record<string, number>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csu-bench-rec-export-'));
  try {
    const db = await openDatabase(path.join(dir, 'console.sqlite'));
    const C = 'poste-bench';
    const t0 = Date.UTC(2026, 9, 12, 8);
    await seedDemo(db, t0);
    await db('conventions').where({ site_id: 'tripode' }).update({ recording_allowed: true, retention_days: 30 });
    const cams = ['tripode-hall-arcade', 'tripode-hall-bercy', 'tripode-parking-n1', 'tripode-sous-sol'];
    const ts = hourOfTs(dir);
    const key = randomBytes(32);
    const store = new RecordingStore(path.join(dir, 'recordings'));
    const gen = performance.now();
    for (const cam of cams) {
      const grantId = `0000000${cams.indexOf(cam)}-0000-4000-8000-000000000000`;
      const entries = grantEntries(t0, { grantId }).map((e) =>
        e.kind === 'request.accepted' ? { ...e, payload: { ...(e.payload as object), cameras: [{ id: cam, label: cam, zone: 'hall' }], record: { reason: 'Banc d’essai de l’enregistrement.', retentionDays: 30 } } } : e,
      ) as AppendInput[];
      await appendEntries(db, C, entries);
      // The stream's own clock: each keyframe is two seconds after the last.
      let keyframes = 0;
      const rec = new CameraRecorder({
        grantId,
        cameraId: cam,
        store,
        key: () => key,
        now: () => t0 + keyframes * 2000,
        sealed: async (s) => {
          await appendEntry(db, C, { kind: 'recording.segment', actor: 'system', ts: s.end, payload: { grantId, cameraId: cam, file: store.relative(s.file), start: s.start, end: s.end, bytes: s.bytes, storedBytes: s.storedBytes, sha256: s.sha256Plain, storedSha256: s.sha256Stored } });
        },
        failed: (err) => {
          throw err;
        },
      });
      const cache = new GopCache();
      for (let off = 0; off < ts.length; off += 188 * 1000) {
        const pieces = cache.push(ts.subarray(off, Math.min(ts.length, off + 188 * 1000)));
        for (const p of pieces) {
          if (p.keyframe) keyframes++;
          rec.write([p], cache.tables());
        }
      }
      keyframes++;
      await rec.close();
      await appendEntry(db, C, { kind: 'transmission.ended', actor: 'system', ts: t0 + 3600000, payload: { grantId, reason: 'expired', scheduledEndAt: t0 + 7200000, observedAt: t0 + 3600000, endedAt: t0 + 3600000 } });
    }
    const genS = (performance.now() - gen) / 1000;
    const segments = Number((await db('journal').where({ kind: 'recording.segment' }).count({ n: '*' }))[0]!.n);
    const review = new ReviewService({ db, consoleId: C, clock: new OffsetClock(), dataDir: dir, recordings: { root: store.root, key: () => key, offer: () => '', log: () => undefined, ffmpegPath: FFMPEG } });
    let t = performance.now();
    const ev = await review.exportEvidence({ from: t0, to: t0 + 3600000 }, 'SUP201');
    const exportS = (performance.now() - t) / 1000;
    t = performance.now();
    const v = await verifyBundle(ev.path);
    const verifyS = (performance.now() - t) / 1000;
    if (!v.ok || v.recordings?.files !== 4) throw new Error(`the 1 h bundle did not verify: ${JSON.stringify(v.problems)}`);
    await db.destroy();
    return {
      export_1h_4cams_s: exportS,
      verify_bundle_1h_4cams_s: verifyS,
      export_1h_4cams_mb: ev.bytes / 2 ** 20,
      export_1h_4cams_camera_kbit_s: 256,
      export_1h_4cams_segments: segments,
      recording_1h_4cams_written_s: genS,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
