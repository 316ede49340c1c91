import { buildSync } from 'esbuild';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { RelayHub } from '../../main/relay/hub';
import { launchChromium } from '../helpers/browser';
import { FFMPEG } from '../helpers/decode';
import { startRtspSim } from '../helpers/rtsp-sim';
import { repoRoot } from '../helpers/tmp';
import { sleep } from './proc';

const silent = { info() {}, warn() {}, error() {} };

/**
 * cold_first_frame_gop4s_ms: cold starts (the camera's encoder starts at PLAY, so its first frame
 * is a keyframe) of a 1080p25 High-profile RTSP camera with a 4 s GOP: relay open → first decoded
 * frame in Chromium with mpegts.js.
 */
export async function coldFirstFrame(runs: number): Promise<number[]> {
  const sim = await startRtspSim({ cams: 1, width: 1920, height: 1080, fps: 25, keyframeS: 4, profile: 'high', bitrate: 4000 });
  const bundle = buildSync({ entryPoints: [path.join(repoRoot, 'test/bench/ttff-page.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', logLevel: 'error' }).outputFiles[0]!.text;
  const server = http.createServer((_q, r) => r.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><html><body><script>${bundle}</script></body></html>`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const hub = new RelayHub({ ffmpegPath: FFMPEG, log: silent, allowedOrigins: () => [origin], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf') });
  await hub.start();
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    const p = await browser.newPage();
    await p.goto(origin);
    for (let i = 0; i < runs; i++) {
      // Cold: no ffmpeg, no GOP cache, and the camera's shared encoder stopped (no viewer left).
      await sleep(2000);
      const { url } = hub.open(`cold${i}`, { id: 'cam', label: 'cam', sourceUrl: sim.url('cam1') });
      times.push(await p.evaluate((x) => window.measureTtff(x), url));
      await hub.closeGrant(`cold${i}`, 'expired');
    }
  } finally {
    await browser.close();
    await hub.close();
    server.close();
    await sim.stop();
  }
  return times;
}
