import { spawn } from 'node:child_process';

export const FFMPEG: string = process.env.FFMPEG_PATH || (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** Decodes MPEG-TS bytes with the real ffmpeg and returns how many video frames came out. */
export function countDecodedFrames(ts: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(FFMPEG, ['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-map', '0:v:0', '-f', 'framemd5', 'pipe:1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', () => resolve(out.split('\n').filter((l) => l && !l.startsWith('#')).length));
    p.stdin.on('error', () => undefined);
    p.stdin.end(ts);
  });
}
