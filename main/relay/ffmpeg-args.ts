import { execFile } from 'node:child_process';
import { RELAY_MARKER } from './pid-file';
import { rtspInputArgs } from './secret-input';

export interface SimOptions {
  width: number;
  height: number;
  fps: number;
  /** File names relative to ffmpeg's working folder: nothing to escape in the filter graph, on any OS. */
  fontFile: string;
  labelFile: string;
  clockFile: string;
}

function filterValue(v: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(v)) throw new Error(`unsafe file name for an ffmpeg filter: ${v}`);
  return v;
}

export type RtspTimeoutOption = '-stimeout' | '-timeout';

const timeoutOptionCache = new Map<string, Promise<RtspTimeoutOption>>();

/**
 * ffmpeg 4 calls the RTSP socket timeout -stimeout; later versions call it -timeout. Asked of
 * ffmpeg once per binary, without blocking main's event loop (a synchronous spawn froze every
 * window, stream and timer for as long as ffmpeg took to answer).
 */
export function probeRtspTimeoutOption(ffmpegPath: string): Promise<RtspTimeoutOption> {
  let probe = timeoutOptionCache.get(ffmpegPath);
  if (!probe) {
    probe = new Promise((resolve) => {
      execFile(ffmpegPath, ['-hide_banner', '-h', 'demuxer=rtsp'], { encoding: 'utf8', timeout: 10000, windowsHide: true }, (_err, stdout, stderr) => {
        // A failed probe (no ffmpeg yet) answers the current name; the pull itself then says why it fails.
        resolve(/-stimeout\b/.test(`${stdout}${stderr}`) ? '-stimeout' : '-timeout');
      });
    });
    timeoutOptionCache.set(ffmpegPath, probe);
  }
  return probe;
}

/**
 * One write per frame (flush_packets 1) keeps a tile live whatever the camera's bitrate: left to
 * fill its 32 KB buffer, ffmpeg held a quiet, low-bitrate camera's images for seconds. The CPU of
 * those many small writes is won back on the reading side (read-pacer.ts).
 */
const OUTPUT = ['-an', '-sn', '-dn', '-f', 'mpegts', '-flush_packets', '1', '-metadata', RELAY_MARKER, 'pipe:1'];

/**
 * RTSP camera: pulled over TCP, video copied as it is (no transcoding), remuxed to MPEG-TS.
 * No `-fflags +nobuffer`: it drops the packets read while probing, which hold the keyframe a
 * camera sends at PLAY, and the tile then waits for the next one (4.4 s instead of 1.1 s on a
 * 1080p camera with a 4 s GOP, measured against the GStreamer simulator).
 */
export function rtspArgs(timeoutOption: RtspTimeoutOption, url: string, socketTimeoutMs: number): string[] {
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-probesize', '500000', '-analyzeduration', '1000000',
    // With credentials, a private list file instead of the URL (secret-input.ts): never the password in argv.
    ...rtspInputArgs(url, ['-rtsp_transport', 'tcp', timeoutOption, String(socketTimeoutMs * 1000)]),
    '-map', '0:v:0', '-c:v', 'copy',
    ...OUTPUT,
  ];
}

/** Demo camera (`sim:<label>`): a labelled test pattern with a clock, encoded live. */
export function simArgs(o: SimOptions): string[] {
  const font = filterValue(o.fontFile);
  const text = (file: string, y: string, expansion: string) =>
    `drawtext=fontfile=${font}:textfile=${filterValue(file)}:expansion=${expansion}:x=12:y=${y}:fontsize=${Math.max(12, Math.round(o.height / 18))}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6`;
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-re', '-f', 'lavfi', '-i', `testsrc2=size=${o.width}x${o.height}:rate=${o.fps}`,
    '-vf', `${text(o.labelFile, 'h-2*th-40', 'none')},${text(o.clockFile, 'h-th-12', 'normal')}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', String(o.fps), '-keyint_min', String(o.fps), '-b:v', '600k',
    ...OUTPUT,
  ];
}
