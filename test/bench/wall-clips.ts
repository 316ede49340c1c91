import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WallClips {
  /** 1280×720 25 fps, the cameras' main stream. */
  main: string;
  /** 640×360 25 fps, their sub stream. */
  sub: string;
  /** Seconds spent encoding them in this run (0 when cached). */
  encodedS: number;
}

/** Long enough for the longest run of one camera in the bench (cameras open before the 10-min soak). */
const LONG_S = 1200;
/** Encoded once: the long file is this clip repeated without re-encoding. */
const CLIP_S = 10;
/** Bump when the encoding below changes: the cache folder holds one version. */
const VERSION = 'v1';

/**
 * Two machine cores cannot encode sixteen 720p cameras live: the simulator serves pre-encoded
 * H.264 instead (rtsp-sim.py --clip). A camera-like encoding: Main profile, no B-frames, a
 * keyframe every second, constant bitrate. Cached under os.tmpdir(), built once per machine.
 */
export async function ensureWallClips(ffmpeg: string): Promise<WallClips> {
  const dir = path.join(os.tmpdir(), `csu-bench-wall-clips-${VERSION}`);
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  let encoded = false;
  const make = async (name: string, size: string, kbps: number): Promise<string> => {
    const long = path.join(dir, `${name}.mkv`);
    if (existsSync(long)) return long;
    encoded = true;
    const clip = path.join(dir, `${name}-clip.mkv`);
    const part = path.join(dir, `${name}.part.mkv`);
    await run(ffmpeg, [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-t', String(CLIP_S),
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p',
      '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-bf', '0',
      '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
      clip,
    ]);
    // Repeated by copying, timestamps continued by the muxer: seconds, not minutes of encoding.
    await run(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-stream_loop', String(Math.ceil(LONG_S / CLIP_S) - 1), '-i', clip, '-c', 'copy', part]);
    rmSync(clip, { force: true });
    // A run killed mid-way leaves a .part, never a short file taken for a finished one.
    renameSync(part, long);
    return long;
  };
  const main = await make('main-1280x720', '1280x720', 1500);
  const sub = await make('sub-640x360', '640x360', 400);
  return { main, sub, encodedS: encoded ? Math.round((Date.now() - t0) / 1000) : 0 };
}
