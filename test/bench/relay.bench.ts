/**
 * npm run bench -- relay
 * Our copy-remux relay against node-rtsp-stream 0.0.9 (its defaults: MPEG-1 transcode), on the
 * same 720p 25 fps H.264 RTSP camera, in the same run. Children's CPU read from /proc.
 */
import { buildSync } from 'esbuild';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { RelayHub } from '../../main/relay/hub';
import { launchChromium } from '../helpers/browser';
import { FFMPEG } from '../helpers/decode';
import { startRtspSim } from '../helpers/rtsp-sim';
import { repoRoot } from '../helpers/tmp';
import { connectStream, waitFor } from '../helpers/ws-client';
import { median, procCpuSeconds, selfCpuSeconds, sleep } from './proc';
import { report } from './report';

const ORIGIN_PORT = 0;
const silent = { info() {}, warn() {}, error() {} };
const CPU_WINDOW_S = Number(process.env.BENCH_CPU_S ?? 30);
const GRID_WINDOW_S = Number(process.env.BENCH_GRID_S ?? 60);
const STALL_WINDOW_S = Number(process.env.BENCH_STALL_S ?? 120);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * A viewer in its own process (as a tile is, in the renderer): the relay's CPU figure must not
 * include the client's. Resolves once bytes arrive; stop() returns how many arrived.
 */
async function spawnViewer(url: string, origin: string): Promise<{ stop(): Promise<number> }> {
  const { spawn } = await import('node:child_process');
  const script = `const WebSocket=require('ws');let n=0;const ws=new WebSocket(process.argv[1],{headers:{Origin:process.argv[2]}});ws.on('message',d=>{n+=d.length;if(n&&!globalThis.said){globalThis.said=1;process.stdout.write('bytes\\n')}});process.on('SIGTERM',()=>{process.stdout.write('total '+n+'\\n');process.exit(0)});`;
  const child = spawn(process.execPath, ['-e', script, url, origin], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('bytes'), 30000, 'viewer bytes');
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve(Number(/total (\d+)/.exec(out)?.[1] ?? 0)));
        child.kill('SIGTERM');
      }),
  };
}

async function measureOurs(url: string, origin: string, flushEveryFrame = true): Promise<{ cpuPerMin: number; rssMb: number }> {
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf'), pipe: { flushEveryFrame } });
  await hub.start();
  const { url: ws } = hub.open('bench', { id: 'cam', label: 'cam', sourceUrl: url });
  const client = await spawnViewer(ws, origin);
  await waitFor(() => hub.statusOf('cam')?.state === 'live', 20000, 'live');
  await sleep(2000);
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const pid = hub.snapshot().pipes[0]!.pid!;
  const c0 = procCpuSeconds(pid) + selfCpuSeconds();
  await sleep(CPU_WINDOW_S * 1000);
  const c1 = procCpuSeconds(pid) + selfCpuSeconds();
  const rssMb = (process.memoryUsage().rss - rss0) / 2 ** 20 + 0;
  const childRss = Number(/VmRSS:\s+(\d+)/.exec(require('node:fs').readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  if ((await client.stop()) === 0) throw new Error('our relay delivered nothing');
  await hub.close();
  return { cpuPerMin: (c1 - c0) / (CPU_WINDOW_S / 60), rssMb: Math.max(0, rssMb) + childRss };
}

async function measureBaseline(url: string): Promise<number> {
  const Stream = require('node-rtsp-stream');
  const wsPort = await freePort();
  const log = console.log;
  console.log = () => undefined; // it logs every connection
  const stderrWrite = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = () => true; // and ffmpeg's progress
  const stream = new Stream({ name: 'baseline', streamUrl: url, wsPort, ffmpegPath: FFMPEG });
  try {
    const viewer = await spawnViewer(`ws://127.0.0.1:${wsPort}`, 'http://127.0.0.1');
    await sleep(2000);
    const pid: number = stream.mpeg1Muxer.stream.pid;
    const c0 = procCpuSeconds(pid) + selfCpuSeconds();
    await sleep(CPU_WINDOW_S * 1000);
    const c1 = procCpuSeconds(pid) + selfCpuSeconds();
    if ((await viewer.stop()) === 0) throw new Error('the baseline delivered nothing');
    return (c1 - c0) / (CPU_WINDOW_S / 60);
  } finally {
    stream.stop();
    console.log = log;
    (process.stderr as { write: unknown }).write = stderrWrite;
  }
}

async function joinToKeyframe(url: string, origin: string): Promise<number> {
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf') });
  await hub.start();
  const first = await connectStream(hub.open('g0', { id: 'cam', label: 'cam', sourceUrl: url }).url, origin);
  await waitFor(() => hub.statusOf('cam')?.state === 'live', 20000, 'live');
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    await sleep(330); // land at different points of the GOP
    const { url: u } = hub.open(`g${i + 1}`, { id: 'cam', label: 'cam', sourceUrl: url });
    const t0 = performance.now();
    const c = await connectStream(u, origin);
    await waitFor(() => c.chunks.length > 0, 5000, 'first message');
    times.push(performance.now() - t0);
    c.ws.close();
  }
  first.ws.close();
  await hub.close();
  return median(times);
}

async function ttff(url: string): Promise<number> {
  const bundle = buildSync({ entryPoints: [path.join(__dirname, '..', '..', 'test/bench/ttff-page.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', logLevel: 'error' }).outputFiles[0]!.text;
  const page = `<!doctype html><html><body><script>${bundle}</script></body></html>`;
  const server = http.createServer((_q, r) => r.writeHead(200, { 'Content-Type': 'text/html' }).end(page));
  await new Promise<void>((r) => server.listen(ORIGIN_PORT, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf') });
  await hub.start();
  const keep = await connectStream(hub.open('warm', { id: 'cam', label: 'cam', sourceUrl: url }).url, origin);
  await waitFor(() => hub.statusOf('cam')?.state === 'live', 20000, 'live');
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    const p = await browser.newPage();
    await p.goto(origin);
    for (let i = 0; i < 5; i++) {
      const { url: u } = hub.open(`t${i}`, { id: 'cam', label: 'cam', sourceUrl: url });
      times.push(await p.evaluate((x) => window.measureTtff(x), u));
      await sleep(400);
    }
  } finally {
    await browser.close();
    keep.ws.close();
    await hub.close();
    server.close();
  }
  return median(times);
}

async function grid16(sim: { url(p: string): string }, origin: string): Promise<number> {
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf') });
  await hub.start();
  const clients = [];
  for (let i = 0; i < 16; i++) {
    const { url } = hub.open(`g${i}`, { id: `cam${i}`, label: `cam${i}`, sourceUrl: sim.url(`cam${(i % 4) + 1}`) });
    clients.push(await connectStream(url, origin));
  }
  await waitFor(() => hub.snapshot().pipes.every((p) => p.state === 'live'), 60000, '16 live pipes');
  await sleep(2000);
  const pids = hub.snapshot().pipes.map((p) => p.pid!);
  const cpu = () => pids.reduce((n, p) => n + procCpuSeconds(p), 0) + selfCpuSeconds();
  const c0 = cpu();
  const t0 = performance.now();
  await sleep(GRID_WINDOW_S * 1000);
  const pct = ((cpu() - c0) / ((performance.now() - t0) / 1000)) * 100;
  if (clients.some((c) => c.bytes() === 0)) throw new Error('a grid client received nothing');
  for (const c of clients) c.ws.close();
  await hub.close();
  return pct;
}

async function stalledRssGrowth(url: string, origin: string): Promise<number> {
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf'), slowClientCloseMs: 10 * 60 * 1000 });
  await hub.start();
  const { url: ws } = hub.open('stall', { id: 'cam', label: 'cam', sourceUrl: url });
  await waitFor(() => hub.statusOf('cam')?.state === 'live', 20000, 'live');
  const u = new URL(ws);
  const sock = net.connect(Number(u.port), '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  sock.write(`GET ${u.pathname} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`);
  sock.pause();
  await sleep(2000);
  global.gc?.();
  const r0 = process.memoryUsage().rss;
  await sleep(STALL_WINDOW_S * 1000);
  global.gc?.();
  const growth = (process.memoryUsage().rss - r0) / 2 ** 20;
  sock.destroy();
  await hub.close();
  return growth;
}

async function main(): Promise<void> {
  const origin = 'http://127.0.0.1:1';
  const hd = await startRtspSim({ cams: 1, width: 1280, height: 720, fps: 25, bitrate: 2500 });
  const small = await startRtspSim({ cams: 4, width: 640, height: 360, fps: 15 });
  try {
    const ours = await measureOurs(hd.url('cam1'), origin);
    const buffered = await measureOurs(hd.url('cam1'), origin, false);
    const baseline = await measureBaseline(hd.url('cam1'));
    const join = await joinToKeyframe(hd.url('cam1'), origin);
    const first = await ttff(hd.url('cam1'));
    const grid = await grid16(small, origin);
    const stall = await stalledRssGrowth(hd.url('cam1'), origin);
    const ok = report(
      'relay',
      {
        cpu_s_per_stream_min_ours: Number(ours.cpuPerMin.toFixed(3)),
        cpu_s_per_stream_min_baseline: Number(baseline.toFixed(3)),
        cpu_ratio: Number((baseline / ours.cpuPerMin).toFixed(1)),
        // For information: ffmpeg writing 32 KB blocks instead of one write per frame (not the default: latency).
        cpu_s_per_stream_min_ours_buffered: Number(buffered.cpuPerMin.toFixed(3)),
        cpu_ratio_buffered: Number((baseline / buffered.cpuPerMin).toFixed(1)),
        rss_mb_per_stream_ours: Number(ours.rssMb.toFixed(1)),
        join_to_keyframe_ms_median: Number(join.toFixed(1)),
        ttff_ms_median: Math.round(first),
        cpu_pct_16_streams: Number(grid.toFixed(1)),
        stalled_client_rss_growth_mb: Number(stall.toFixed(1)),
      },
      [
        { metric: 'cpu_ratio', op: '>=', value: 8 },
        { metric: 'join_to_keyframe_ms_median', op: '<=', value: 150 },
        { metric: 'ttff_ms_median', op: '<=', value: 800 },
        { metric: 'cpu_pct_16_streams', op: '<=', value: 30 },
        { metric: 'stalled_client_rss_growth_mb', op: '<=', value: 10 },
      ],
      { source: 'GStreamer RTSP 1280x720 25 fps H.264 2.5 Mbit/s; grid 640x360 15 fps', cpu_window_s: CPU_WINDOW_S, grid_window_s: GRID_WINDOW_S, stall_window_s: STALL_WINDOW_S, ffmpeg: FFMPEG },
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await hd.stop();
    await small.stop();
  }
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
