/**
 * « Tester la caméra »: reaches the camera with ffmpeg and reports technical facts — reachable,
 * credentials accepted, codec, profile, resolution, frame rate — never a picture: ffmpeg reads
 * one frame into the null muxer and nothing is decoded, kept or shown (no image outside a grant).
 */
import { spawn } from 'node:child_process';
import type { StreamTestFacts } from '../../preload/admin';
import { classifyFfmpegError } from '../relay/camera-pipe';
import { probeRtspTimeoutOption } from '../relay/ffmpeg-args';
import { rtspInputArgs } from '../relay/secret-input';

/** What ffmpeg prints of the input's video stream: « Stream #0:0: Video: h264 (High), yuv420p(progressive), 1920x1080, 25 fps, … ». */
export function videoFacts(stderr: string): Pick<StreamTestFacts, 'codec' | 'profile' | 'width' | 'height' | 'fps'> | undefined {
  const line = /Stream #0:\d+[^:]*: Video: ([^\n]+)/.exec(stderr)?.[1];
  if (!line) return undefined;
  const codec = /^([a-z0-9_]+)/i.exec(line)?.[1] ?? null;
  const profile = /^[a-z0-9_]+ \(([^)]+)\)/i.exec(line)?.[1] ?? null;
  const size = /\b(\d{2,5})x(\d{2,5})\b/.exec(line);
  const fps = /([\d.]+) fps/.exec(line) ?? /([\d.]+) tbr/.exec(line);
  return { codec, profile, width: size ? Number(size[1]) : null, height: size ? Number(size[2]) : null, fps: fps ? Number(fps[1]) : null };
}

export async function testStream(o: { ffmpegPath: string; url: string; timeoutMs?: number }): Promise<StreamTestFacts> {
  const started = Date.now();
  const timeoutMs = o.timeoutMs ?? 10000;
  const base = { reachable: false, authOk: null, codec: null, profile: null, width: null, height: null, fps: null };
  if (o.url.startsWith('sim:')) {
    // The demo's test pattern: what the relay would produce, said without running anything.
    return { ...base, reachable: true, authOk: true, codec: 'h264', profile: 'Constrained Baseline', width: 640, height: 360, fps: 15, error: null, elapsedMs: 0 };
  }
  const timeoutOption = await probeRtspTimeoutOption(o.ffmpegPath);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'info', ...rtspInputArgs(o.url, ['-rtsp_transport', 'tcp', timeoutOption, String(timeoutMs * 1000)]), '-map', '0:v:0', '-frames:v', '1', '-c', 'copy', '-f', 'null', '-'];
  return new Promise((resolve) => {
    const child = spawn(o.ffmpegPath, args, { stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true });
    let stderr = '';
    let timedOut = false;
    child.stderr!.on('data', (d: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs + 2000);
    child.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      const elapsedMs = Date.now() - started;
      const facts = videoFacts(stderr);
      if (facts) {
        const supported = facts.codec === 'h264';
        return resolve({ ...base, ...facts, reachable: true, authOk: true, error: supported ? null : 'CODEC_UNSUPPORTED', elapsedMs });
      }
      if (timedOut) return resolve({ ...base, error: 'TIMEOUT', elapsedMs });
      const error = classifyFfmpegError(stderr);
      resolve({ ...base, reachable: error === 'AUTH_FAILED' || error === 'STREAM_ENDED', authOk: error === 'AUTH_FAILED' ? false : null, error: code === 0 ? 'NO_DATA' : error, elapsedMs });
    });
  });
}
