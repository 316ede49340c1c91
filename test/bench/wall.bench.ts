/**
 * npm run bench -- wall [--quick]    (BENCH_WALL_ONLY=cold,nosub,recovery,reload,soak for some parts;
 * BENCH_WALL_TILES=6 with BENCH_WALL_ONLY=soak: 6 tiles; BENCH_WALL_DEBUG=1: sockets and samples printed)
 * - cold_first_frame_gop4s_ms: median of 5 cold starts of a 1080p25 High 4 s-GOP camera (wall-cold.ts).
 * - 16 RTSP cameras (GStreamer serving pre-encoded 1280×720 main / 640×360 sub H.264, 25 fps,
 *   a keyframe a second: wall-clips.ts; no live encoder), two grants, 16 tiles at 1600×1000:
 *   - grid16_720p_nosub_dropped_pct: the cameras without their sub stream, the grid plays 720p (for the record);
 *   - recover_after_camera_outage_ms: one camera's RTSP server is gone 6 s then back on its
 *     address; from its READY to new frames painted in its tile;
 *   - recover_after_source_restart_ms: the camera's ffmpeg is killed (test hook); kill → new frames;
 *   - reload_to_frames_ms: F5 → every tile decoding again, split into page, tiles, sockets, first
 *     bytes (reload_*_ms, from the navigation) and the lag each tile starts with (live_latency_join_ms);
 *   - the soak (BENCH_SOAK_S, default 600 s): grid16_720p_dropped_pct (the grid on sub streams),
 *     live_latency_p50/p95_ms (buffer end − playhead every 5 s, each tile), its drift (last
 *     minute − first), what it is made of (live_delivery_gap_p95_ms: time between two messages
 *     of a socket, the relay's delivery turns; seeks, stalls, share of samples played faster),
 *     renderer_heap_growth_mb_10min and main_rss_growth_mb_10min (last minute − first minute).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { testHook } from '../helpers/console-ui';
import { FFMPEG } from '../helpers/decode';
import { median, procCpuSeconds, sleep } from './proc';
import { report } from './report';
import { ensureWallClips } from './wall-clips';
import { coldFirstFrame } from './wall-cold';
import { OUTAGE_CAMERA, startWallConsole, WallSims, type WallConsole } from './wall-console';
import { percentile, readProbe, resetProbe, sampleTiles } from './wall-probe';

/** What main says of its memory (the headless shell's /__test/memory hook). */
interface MainMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** V8's heap spaces (space_size, bytes): which one grows. */
  spaces: Record<string, number>;
  relay: { tokens: number; clients: number; maxBufferedBytes: number };
}

const QUICK = process.argv.includes('--quick') || process.env.BENCH_WALL_QUICK === '1';
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? (QUICK ? 60 : 600));
const NOSUB_S = QUICK ? 15 : 30;
const ROUNDS = QUICK ? 1 : 3;
/** BENCH_WALL_TILES=6 (soak only): the same soak on 6 tiles, to tell the renderer's CPU from the rest. */
const TILES = process.env.BENCH_WALL_TILES === '6' ? 6 : 16;
const ONLY = new Set((process.env.BENCH_WALL_ONLY ?? 'cold,nosub,recovery,reload,soak').split(','));

/** Resolves when the tile of this camera paints frames again (performance.now() in the page, at resolution). */
async function nextFrames(page: Page, cameraId: string, timeout = 30000): Promise<number> {
  const h = await page.waitForFunction(
    (c) => {
      const t = document.querySelector(`[data-testid=tile][data-camera="${c}"]`);
      return t?.getAttribute('data-state') === 'live' ? performance.now() : false;
    },
    cameraId,
    { polling: 'raf', timeout },
  );
  return (await h.jsonValue()) as number;
}

const notLive = (page: Page, c: string) => page.waitForFunction((cam) => document.querySelector(`[data-testid=tile][data-camera="${cam}"]`)?.getAttribute('data-state') !== 'live', c, { timeout: 10000, polling: 'raf' });

/** Dropped / decoded frames of the 16 tiles over a window. */
async function droppedPct(page: Page, seconds: number): Promise<number> {
  const a = await sampleTiles(page);
  await sleep(seconds * 1000);
  const b = await sampleTiles(page);
  const sum = (xs: typeof a, k: 'total' | 'dropped') => xs.reduce((n, x) => n + x[k], 0);
  return Number(((100 * (sum(b, 'dropped') - sum(a, 'dropped'))) / Math.max(1, sum(b, 'total') - sum(a, 'total'))).toFixed(2));
}

async function recovery(c: WallConsole, sims: WallSims, out: Record<string, number>): Promise<void> {
  const { page, app } = c;
  const outages: number[] = [];
  const restarts: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await sims.outage.stop();
    await notLive(page, OUTAGE_CAMERA);
    await sleep(6000);
    await sims.restartOutage();
    const back = await page.evaluate(() => performance.now());
    outages.push((await nextFrames(page, OUTAGE_CAMERA)) - back);
    await sleep(3000);

    // The old player's buffered frames play on for a moment after the kill (and the tile may
    // never look stopped if the new run comes quickly): what counts is the first frame painted by
    // the new player (a new video element) on the new run.
    await page.$eval(`[data-testid=tile][data-camera="${OUTAGE_CAMERA}"] video.on-screen`, (v) => v.setAttribute('data-bench-old', ''));
    const killedAt = await page.evaluate(() => performance.now());
    await testHook(app, `relay?kill=${OUTAGE_CAMERA}`);
    const fresh = await page.waitForFunction(
      (c) => {
        const t = document.querySelector(`[data-testid=tile][data-camera="${c}"]`);
        const v = t?.querySelector('video.on-screen') as HTMLVideoElement | null;
        return t?.getAttribute('data-state') === 'live' && v && !v.hasAttribute('data-bench-old') && v.getVideoPlaybackQuality().totalVideoFrames > 0 ? performance.now() : false;
      },
      OUTAGE_CAMERA,
      { polling: 'raf', timeout: 30000 },
    );
    restarts.push(((await fresh.jsonValue()) as number) - killedAt);
    await sleep(3000);
  }
  out.recover_after_camera_outage_ms = Math.round(median(outages));
  out.recover_after_camera_outage_max_ms = Math.round(Math.max(...outages));
  out.recover_after_source_restart_ms = Math.round(median(restarts));
  out.recover_after_source_restart_max_ms = Math.round(Math.max(...restarts));
}

async function reloads(c: WallConsole, out: Record<string, number>): Promise<void> {
  const { page } = c;
  const runs: Record<string, number>[] = [];
  // Cheap (seconds each) and noisy: three even in a quick run.
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    await page.reload();
    const h = await page.waitForFunction(
      () => {
        const vs = [...document.querySelectorAll('.wall [data-testid=tile] video.on-screen')] as HTMLVideoElement[];
        return vs.length === 16 && vs.every((v) => v.getVideoPlaybackQuality().totalVideoFrames > 0) ? performance.now() : false;
      },
      null,
      { polling: 'raf', timeout: 30000 },
    );
    const total = Date.now() - t0;
    const framesAt = (await h.jsonValue()) as number;
    const lags = (await sampleTiles(page)).map((x) => x.lag);
    const p = await readProbe(page);
    const last = (k: 'createdAt' | 'openAt' | 'firstAt') => Math.max(...p.socks.map((s) => s[k]));
    // Each socket of this reload: created, opened, first message (ms from the navigation).
    if (process.env.BENCH_WALL_DEBUG) console.log(JSON.stringify(p.socks.slice(-16).map((s) => [Math.round(s.createdAt), Math.round(s.openAt), Math.round(s.firstAt)])));
    runs.push({ total, dom: p.domAt, tiles: p.tilesAt, videos: p.videosAt, created: last('createdAt'), sockets: last('openAt'), bytes: last('firstAt'), frames: framesAt, join: median(lags) });
    await sleep(3000);
  }
  const med = (k: string) => Math.round(median(runs.map((r) => r[k]!)));
  out.reload_to_frames_ms = med('total');
  out.reload_dom_ms = med('dom');
  out.reload_tiles_ms = med('tiles');
  out.reload_videos_ms = med('videos');
  out.reload_sockets_created_ms = med('created');
  out.reload_sockets_open_ms = med('sockets');
  out.reload_first_bytes_ms = med('bytes');
  out.reload_frames_ms = med('frames');
  out.live_latency_join_ms = med('join');
}

async function soak(c: WallConsole, out: Record<string, number>): Promise<void> {
  const { page, cdp, app } = c;
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
    const m = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return m.metrics.find((x) => x.name === 'JSHeapUsedSize')!.value / 2 ** 20;
  };
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${app.child.pid}/status`, 'utf8'))![1]) / 1024;
  // The soak starts from a settled wall: what a reload or a recovery left is not counted.
  await sleep(5000);
  await resetProbe(page);
  const samples: { at: number; heap?: number; rss: number; main: MainMemory }[] = [];
  // The renderer's heap is read after a forced full GC, which stalls its main thread (a frame or
  // so dropped on each tile): only in the first and last minute, every 20 s, as a console would
  // never see one. BENCH_WALL_GC=each: every sample (5 s), as before, to see what it costs.
  const gcEach = process.env.BENCH_WALL_GC === 'each';
  const heapAt = (at: number, i: number) => gcEach || ((at < 60000 || at > SOAK_S * 1000 - 60000) && i % 4 === 0);
  const drops: number[] = [];
  let prev = 0;
  const lags: number[] = [];
  const early: number[] = [];
  const late: number[] = [];
  let faster = 0;
  // Chromium's own account of its processes' CPU (the renderer decodes the 16 tiles).
  const bcdp = await c.browser.newBrowserCDPSession();
  const chromeCpu = async () => ((await bcdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; cpuTime: number }[] }).processInfo.reduce((n, x) => n + x.cpuTime, 0);
  const a = await sampleTiles(page);
  const cpu0 = procCpuSeconds(app.child.pid!);
  const chrome0 = await chromeCpu();
  const start = Date.now();
  while (Date.now() - start < SOAK_S * 1000) {
    const s = await sampleTiles(page);
    const at = Date.now() - start;
    for (const x of s) {
      lags.push(x.lag);
      if (at < 60000) early.push(x.lag);
      if (at > SOAK_S * 1000 - 60000) late.push(x.lag);
      if (x.rate > 1) faster++;
    }
    const d = s.reduce((n, x) => n + x.dropped, 0);
    if (samples.length) drops.push(d - prev);
    prev = d;
    samples.push({ at, heap: heapAt(at, samples.length) ? await heap() : undefined, rss: rss(), main: (await testHook(app, 'memory')) as MainMemory });
    await sleep(5000);
  }
  const b = await sampleTiles(page);
  if (process.env.BENCH_WALL_DEBUG) console.log('tiles at the end (lag ms, rate):', JSON.stringify(b.map((x) => [Math.round(x.lag), x.rate])), 'lags:', JSON.stringify(lags.map(Math.round)));
  const mainCpu = procCpuSeconds(app.child.pid!) - cpu0;
  const chromeCpuS = (await chromeCpu()) - chrome0;
  const p = await readProbe(page);
  const sum = (xs: typeof a, k: 'total' | 'dropped') => xs.reduce((n, x) => n + x[k], 0);
  const avg = (xs: number[]) => xs.reduce((n, x) => n + x, 0) / Math.max(1, xs.length);
  const first = samples.filter((s) => s.at < 60000);
  const last = samples.filter((s) => s.at > SOAK_S * 1000 - 60000);
  out.grid16_720p_dropped_pct = Number(((100 * (sum(b, 'dropped') - sum(a, 'dropped'))) / Math.max(1, sum(b, 'total') - sum(a, 'total'))).toFixed(2));
  out.live_latency_p50_ms = Math.round(percentile(lags, 0.5));
  out.live_latency_p95_ms = Math.round(percentile(lags, 0.95));
  out.live_latency_max_ms = Math.round(Math.max(...lags));
  out.live_latency_drift_ms = Math.round(median(late) - median(early));
  out.live_delivery_gap_p95_ms = Math.round(percentile(p.socks.flatMap((s) => s.gaps), 0.95));
  out.live_faster_samples_pct = Number(((100 * faster) / Math.max(1, lags.length)).toFixed(1));
  out.live_seeks = p.seeks;
  out.live_stalls = p.stalls;
  const heaps = (xs: typeof samples) => xs.flatMap((s) => (s.heap === undefined ? [] : [s.heap]));
  out.renderer_heap_growth_mb_10min = Number((avg(heaps(last)) - avg(heaps(first))).toFixed(1));
  out.main_rss_growth_mb_10min = Number((avg(last.map((s) => s.rss)) - avg(first.map((s) => s.rss))).toFixed(1));
  // What main's RSS growth is made of: V8's heap (a leak would show here), Buffers outside it, the relay's queues.
  const growth = (f: (m: MainMemory) => number) => Number(((avg(last.map((s) => f(s.main))) - avg(first.map((s) => f(s.main)))) / 2 ** 20).toFixed(1));
  out.main_heap_used_growth_mb_10min = growth((m) => m.heapUsed);
  out.main_heap_total_growth_mb_10min = growth((m) => m.heapTotal);
  out.main_external_growth_mb_10min = growth((m) => m.external);
  out.main_relay_tokens_end = samples.at(-1)?.main.relay.tokens ?? 0;
  out.main_new_space_growth_mb_10min = growth((m) => m.spaces.new_space ?? 0);
  out.main_old_space_growth_mb_10min = growth((m) => m.spaces.old_space ?? 0);
  if (process.env.BENCH_WALL_DEBUG) {
    const mb = (n = 0) => Math.round(n / 2 ** 20);
    console.log('main memory (s, rss, heapUsed, external, new space, old space, large objects MB; max buffered KB):', JSON.stringify(samples.map((s) => [Math.round(s.at / 1000), Math.round(s.rss), mb(s.main.heapUsed), mb(s.main.external), mb(s.main.spaces.new_space), mb(s.main.spaces.old_space), mb(s.main.spaces.large_object_space), Math.round(s.main.relay.maxBufferedBytes / 1024)])));
    console.log('frames dropped per 5 s (all tiles):', JSON.stringify(drops));
  }
  out.main_cpu_pct_soak = Number(((100 * mainCpu) / SOAK_S).toFixed(1));
  out.chromium_cpu_pct_soak = Number(((100 * chromeCpuS) / SOAK_S).toFixed(1));
}

async function main(): Promise<void> {
  const clips = await ensureWallClips(FFMPEG);
  const t0 = Date.now();
  const out: Record<string, number> = {};
  if (ONLY.has('cold')) {
    const cold = await coldFirstFrame(QUICK ? 3 : 5);
    out.cold_first_frame_gop4s_ms = Math.round(median(cold));
    out.cold_first_frame_gop4s_max_ms = Math.round(Math.max(...cold));
  }
  const sims = await WallSims.start(clips);
  try {
    if (ONLY.has('nosub')) {
      const c = await startWallConsole(sims, false, 'bench-wall-nosub');
      try {
        out.grid16_720p_nosub_dropped_pct = await droppedPct(c.page, NOSUB_S);
      } finally {
        await c.stop();
      }
    }
    if (ONLY.has('recovery') || ONLY.has('reload') || ONLY.has('soak')) {
      if (TILES !== 16 && (ONLY.has('recovery') || ONLY.has('reload'))) throw new Error('BENCH_WALL_TILES=6 is for BENCH_WALL_ONLY=soak');
      const c = await startWallConsole(sims, true, 'bench-wall', TILES);
      try {
        if (ONLY.has('recovery')) await recovery(c, sims, out);
        if (ONLY.has('reload')) await reloads(c, out);
        if (ONLY.has('soak')) await soak(c, out);
      } finally {
        await c.stop();
      }
    }
  } finally {
    await sims.stop();
  }
  out.bench_s = Math.round((Date.now() - t0) / 1000);
  out.clips_encoded_s = clips.encodedS;
  report(
    'wall',
    out,
    [
      { metric: 'cold_first_frame_gop4s_ms', op: '<=', value: 1500 },
      { metric: 'recover_after_camera_outage_ms', op: '<=', value: 3000 },
      { metric: 'recover_after_source_restart_ms', op: '<=', value: 3000 },
      { metric: 'reload_to_frames_ms', op: '<=', value: 1500 },
      { metric: 'grid16_720p_dropped_pct', op: '<=', value: 1 },
      { metric: 'live_latency_p95_ms', op: '<=', value: 500 },
      { metric: 'renderer_heap_growth_mb_10min', op: '<=', value: 15 },
      { metric: 'main_rss_growth_mb_10min', op: '<=', value: 10 },
      { metric: 'bench_s', op: '<=', value: 14 * 60 },
    ],
    {
      quick: QUICK,
      parts: [...ONLY],
      cold_camera: 'GStreamer RTSP 1920x1080 25 fps High, keyframe every 4 s, shared live encoder',
      grid: '16 RTSP cameras (GStreamer) serving pre-encoded H.264 Main 25 fps, keyframe every second: 1280x720 1.5 Mbit/s main, 640x360 0.4 Mbit/s sub; two grants, 16 tiles at 1600x1000',
      soak_s: SOAK_S,
      tiles: TILES,
      nosub_s: NOSUB_S,
      chromium: '/usr/bin/chromium headless',
    },
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
